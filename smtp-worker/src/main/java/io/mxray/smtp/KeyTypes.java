package io.mxray.smtp;

import io.mxray.schema.KeyType;

import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.Key;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Key types of server certificates, and a client engine that asks for one of them. A server
 * holding an ECDSA and an RSA certificate picks by the client's {@code signature_algorithms}
 * (TLS 1.3, RFC 8446 section 4.2.3) or by the cipher suite it chooses (TLS 1.2, whose suites name
 * the authentication: {@code ECDHE_ECDSA} or {@code ECDHE_RSA}). An engine offering only one
 * family's signature schemes and suites gets that certificate, or a refused handshake from a
 * server without one.
 */
final class KeyTypes {
    private KeyTypes() {
    }

    /** The leaf's key type, by the JCA name of its public key's algorithm. */
    static KeyType of(X509Certificate leaf) {
        String a = leaf.getPublicKey().getAlgorithm().toUpperCase(Locale.ROOT);
        return switch (a) {
            case "EC" -> KeyType.ECDSA;
            case "RSA", "RSASSA-PSS" -> KeyType.RSA;
            case "EDDSA", "ED25519", "ED448" -> KeyType.EDDSA;
            case "DSA" -> KeyType.DSA;
            default -> KeyType.OTHER;
        };
    }

    /** The engine, offering only {@code keyType}'s signature schemes and (TLS 1.2 and older) cipher suites. */
    static SSLEngine offering(SSLEngine engine, KeyType keyType) {
        SSLParameters p = engine.getSSLParameters();
        p.setAlgorithmConstraints(new OnlySignaturesOf(keyType));
        List<String> suites = new ArrayList<>();
        for (String suite : p.getCipherSuites()) {
            // TLS 1.3 suites (no _WITH_) leave authentication to the signature schemes
            boolean tls13 = !suite.contains("_WITH_");
            boolean ecdsa = suite.contains("_ECDSA_");
            boolean rsa = suite.contains("_RSA_") || suite.startsWith("TLS_RSA_") || suite.startsWith("SSL_RSA_");
            if (tls13 || (keyType == KeyType.ECDSA ? ecdsa : rsa && !ecdsa)) {
                suites.add(suite);
            }
        }
        p.setCipherSuites(suites.toArray(String[]::new));
        engine.setSSLParameters(p);
        return engine;
    }

    /**
     * Permits every signature algorithm of one key type and refuses the others; everything that is
     * not a signature (key exchange, ciphers, keys) is left to the JDK's own constraints. The
     * certificates the server sends are not checked against it: the probe's trust manager extends
     * {@code X509ExtendedTrustManager}, which the JDK does not wrap with these constraints.
     */
    static final class OnlySignaturesOf implements AlgorithmConstraints {
        private final KeyType keyType;

        OnlySignaturesOf(KeyType keyType) {
            this.keyType = keyType;
        }

        private boolean refused(Set<CryptoPrimitive> primitives, String algorithm) {
            if (algorithm == null || !primitives.contains(CryptoPrimitive.SIGNATURE)) {
                return false;
            }
            String a = algorithm.toUpperCase(Locale.ROOT);
            boolean ec = a.contains("ECDSA") || a.equals("EC") || a.startsWith("ED") || a.contains("EDDSA");
            boolean rsa = a.contains("RSA");
            return keyType == KeyType.ECDSA ? rsa || !ec && a.contains("DSA") : ec;
        }

        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, AlgorithmParameters parameters) {
            return !refused(primitives, algorithm);
        }

        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, Key key) {
            return true;
        }

        @Override
        public boolean permits(Set<CryptoPrimitive> primitives, String algorithm, Key key,
                               AlgorithmParameters parameters) {
            return !refused(primitives, algorithm);
        }
    }
}
