package io.mxray.lab.dns;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;

/**
 * One DNSSEC key of a lab zone: its DNSKEY record and private key. Keys are made with
 * BouncyCastle, which signs ECDSA P-256 several times faster than the JDK's provider (measured
 * on these machines: about 10,000 against 1,400 signatures a second per core); the lab signs
 * with it too ({@link #PROVIDER}).
 */
public record ZoneKey(DNSKEYRecord dnskey, PrivateKey privateKey) {
    public static final String PROVIDER = BouncyCastleProvider.PROVIDER_NAME;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** DNSKEY TTL (RFC 4034 leaves it to the zone). */
    static final long TTL = 3600;

    static {
        if (Security.getProvider(PROVIDER) == null) {
            // added last: the rest of the JVM (TLS, the scanner) keeps its default providers
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    public static Provider provider() {
        return Security.getProvider(PROVIDER);
    }

    /** A key signing key (flags 257, SEP) or a zone signing key (flags 256). */
    public static ZoneKey generate(Name zone, int algorithm, boolean ksk) {
        try {
            KeyPair kp = switch (algorithm) {
                case DNSSEC.Algorithm.ECDSAP256SHA256 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", PROVIDER);
                    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                    yield g.generateKeyPair();
                }
                case DNSSEC.Algorithm.RSASHA256 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", PROVIDER);
                    g.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4), RANDOM);
                    yield g.generateKeyPair();
                }
                default -> throw new IllegalArgumentException("the lab signs with algorithms 8 and 13, not "
                        + algorithm);
            };
            int flags = DNSKEYRecord.Flags.ZONE_KEY | (ksk ? DNSKEYRecord.Flags.SEP_KEY : 0);
            DNSKEYRecord rec = new DNSKEYRecord(zone, DClass.IN, TTL, flags, DNSKEYRecord.Protocol.DNSSEC, algorithm,
                    kp.getPublic());
            return new ZoneKey(rec, kp.getPrivate());
        } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
            throw new IllegalStateException("cannot generate a DNSSEC key for " + zone, e);
        }
    }

    public int tag() {
        return dnskey.getFootprint();
    }

    public boolean isKsk() {
        return (dnskey.getFlags() & DNSKEYRecord.Flags.SEP_KEY) != 0;
    }
}
