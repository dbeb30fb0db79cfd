package io.mxray.lab;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A lab server's keys as they are, for the JDK's TLS engine: one entry per key type, chosen per
 * handshake by the key type the engine asks for, as the JDK's own key manager chooses.
 *
 * <p>Netty's {@code SslContextBuilder.forServer(key, chain)} and a {@code KeyManagerFactory} both
 * go through a PKCS#12 key store, which encrypts the key and decrypts it again with 10,000 rounds
 * of PBKDF2 each: about 7 ms of CPU per context, and a lab makes one per server and SNI name.
 */
final class LabKeyManager extends X509ExtendedKeyManager {
    private record Entry(String alias, PrivateKey key, X509Certificate[] chain) {
    }

    private final List<Entry> entries = new ArrayList<>(2);

    private LabKeyManager() {
    }

    /** One key and the chain the server sends with it. */
    static LabKeyManager of(PrivateKey key, List<X509Certificate> chain) {
        return new LabKeyManager().with(key, chain);
    }

    /** A further key of another type (a dual-key server's RSA key beside its ECDSA one). */
    LabKeyManager with(PrivateKey key, List<X509Certificate> chain) {
        if (entries.stream().anyMatch(e -> e.key.getAlgorithm().equals(key.getAlgorithm()))) {
            throw new IllegalArgumentException("a second " + key.getAlgorithm() + " key for one server");
        }
        entries.add(new Entry(key.getAlgorithm().toLowerCase(Locale.ROOT) + entries.size(), jdkKey(key),
                chain.toArray(X509Certificate[]::new)));
        return this;
    }

    /**
     * The key as the JDK's own provider holds it (the lab makes its keys with Bouncy Castle), so
     * that a handshake signs as it would with a key read from a key store.
     */
    private static PrivateKey jdkKey(PrivateKey key) {
        String provider = switch (key.getAlgorithm()) {
            case "EC" -> "SunEC";
            case "RSA" -> "SunRsaSign";
            default -> null;
        };
        if (provider == null) {
            return key;
        }
        try {
            return KeyFactory.getInstance(key.getAlgorithm(), provider)
                    .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read a lab " + key.getAlgorithm() + " key", e);
        }
    }

    /**
     * The entry whose key is of this type. The engine asks for "EC", "RSA" or "RSASSA-PSS" (TLS
     * 1.3 and TLS 1.2's ECDHE suites), or "EC_EC", "EC_RSA" (a key type, then the type of the key
     * that signed its certificate) for the static ECDH suites, which match on the key alone here.
     */
    private Entry forType(String keyType) {
        if (keyType == null) {
            return null;
        }
        int cut = keyType.indexOf('_');
        String type = cut < 0 ? keyType : keyType.substring(0, cut);
        for (Entry e : entries) {
            if (e.key.getAlgorithm().equalsIgnoreCase(type)) {
                return e;
            }
        }
        return null;
    }

    private Entry byAlias(String alias) {
        for (Entry e : entries) {
            if (e.alias.equals(alias)) {
                return e;
            }
        }
        return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        Entry e = forType(keyType);
        return e == null ? null : e.alias;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Entry e = forType(keyType);
        return e == null ? null : new String[] {e.alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Entry e = byAlias(alias);
        return e == null ? null : e.chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Entry e = byAlias(alias);
        return e == null ? null : e.key;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
