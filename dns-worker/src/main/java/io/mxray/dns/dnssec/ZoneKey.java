package io.mxray.dns.dnssec;

import io.mxray.dns.FastSignatures;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;

/**
 * One DNSKEY and its public key in the form the verifying provider wants, converted once: a
 * zone's keys verify many signatures.
 */
final class ZoneKey {
    private static final int PROTOCOL_DNSSEC = 3;

    final DNSKEYRecord record;
    final int footprint;
    final int algorithm;
    private volatile PublicKey key;
    private volatile boolean malformed;

    ZoneKey(DNSKEYRecord record) {
        this.record = record;
        this.footprint = record.getFootprint();
        this.algorithm = record.getAlgorithm();
    }

    /**
     * RFC 4034 section 2.1.1 and RFC 5011 section 2.1: only a zone key, of protocol 3, not
     * revoked, of an algorithm mxray verifies, may validate an RRSIG.
     */
    boolean usable() {
        int flags = record.getFlags();
        return (flags & DNSKEYRecord.Flags.ZONE_KEY) != 0 && (flags & DNSKEYRecord.Flags.REVOKE) == 0
                && record.getProtocol() == PROTOCOL_DNSSEC && Crypto.supportedAlgorithm(algorithm);
    }

    /** The public key, or null when the key data is malformed. */
    PublicKey publicKey() {
        PublicKey k = key;
        if (k != null || malformed) {
            return k;
        }
        try {
            k = record.getPublicKey();
            if (algorithm == DNSSEC.Algorithm.ECDSAP256SHA256 || algorithm == DNSSEC.Algorithm.ECDSAP384SHA384) {
                // the verifying provider's own key type: no conversion on every verification
                k = KeyFactory.getInstance("EC", FastSignatures.ecdsaProvider())
                        .generatePublic(new X509EncodedKeySpec(k.getEncoded()));
            }
            key = k;
            return k;
        } catch (Exception | LinkageError e) {
            malformed = true;
            return null;
        }
    }
}
