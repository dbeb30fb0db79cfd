package io.mxray.check;

import io.mxray.schema.CertificateFacts;
import io.mxray.schema.PresentedCertificate;
import io.mxray.verdict.CertificateJudge;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** Certificates as the probe captured them (base64 DER), and the facts a person reads from them. */
final class Certificates {
    private Certificates() {
    }

    /** The chain, leaf first; a certificate that does not parse ends it (what follows cannot be judged). */
    static List<X509Certificate> parse(List<String> chainDer) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (String b64 : chainDer) {
                out.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(Base64.getDecoder().decode(b64))));
            }
        } catch (CertificateException | IllegalArgumentException e) {
            // keep what parsed: the probe already recorded the chain as sent
        }
        return out;
    }

    /** The facts of a presented chain's leaf, or null when it does not parse. */
    static CertificateFacts leafFacts(PresentedCertificate presented) {
        List<X509Certificate> chain = parse(presented.chainDer());
        return chain.isEmpty() ? null : facts(chain.get(0));
    }

    static CertificateFacts facts(X509Certificate c) {
        PublicKey key = c.getPublicKey();
        String type = key.getAlgorithm();
        int bits = 0;
        String curve = null;
        if (key instanceof RSAPublicKey rsa) {
            bits = rsa.getModulus().bitLength();
        } else if (key instanceof ECPublicKey ec) {
            bits = ec.getParams().getOrder().bitLength();
            curve = curveName(bits);
        } else if ("Ed25519".equalsIgnoreCase(type) || "EdDSA".equalsIgnoreCase(type)) {
            bits = 255;
        } else if ("Ed448".equalsIgnoreCase(type)) {
            bits = 448;
        }
        return new CertificateFacts(c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
                c.getNotBefore().toInstant(), c.getNotAfter().toInstant(), type, bits, curve, dnsNames(c),
                sha256(key.getEncoded()), sha256(encoded(c)), CertificateJudge.isSelfSigned(c), c.getBasicConstraints() >= 0);
    }

    /** The usual names of the NIST curves by their order's size (what TLS servers use). */
    private static String curveName(int bits) {
        return switch (bits) {
            case 256 -> "P-256";
            case 384 -> "P-384";
            case 521 -> "P-521";
            default -> null;
        };
    }

    static List<String> dnsNames(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            var sans = c.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0))) {
                        out.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no names readable: none listed
        }
        return out;
    }

    static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate cannot be encoded", e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
