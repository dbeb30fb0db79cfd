package io.mxray.dns.dnssec;

import io.mxray.dns.FastSignatures;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;

/**
 * Signature verification for DNSSEC (RFC 4034 section 3.1.8.1 for the signed data, RFC 5702,
 * RFC 6605 and RFC 8080 for the algorithms). ECDSA goes to {@link FastSignatures#ecdsaProvider()}
 * directly; RSA and EdDSA to the JDK. Verifications that succeeded are remembered by signature,
 * data and key, so that an RRset seen again (a zone's NSEC record proving two names absent) costs
 * a hash instead of a verification.
 */
final class Crypto {
    /** RFC 8624 section 3.1: the algorithms a validator must or should validate (MD5, DSA and GOST not). */
    private static final int[] SUPPORTED = {5, 7, 8, 10, 13, 14, 15, 16};
    private static final int MEMO_MAX = 50_000;

    /** What one verification says. */
    enum Check { VALID, EXPIRED, NOT_YET_VALID, BAD_SIGNATURE, UNUSABLE_KEY }

    private final Map<ByteBuffer, byte[]> memo = new ConcurrentHashMap<>();
    private final LongAdder verifications = new LongAdder();
    private final ThreadLocal<Signature[]> signatures = ThreadLocal.withInitial(() -> new Signature[17]);
    private final ThreadLocal<MessageDigest> sha256 = ThreadLocal.withInitial(() -> digest("SHA-256"));

    static boolean supportedAlgorithm(int alg) {
        for (int a : SUPPORTED) {
            if (a == alg) {
                return true;
            }
        }
        return false;
    }

    /** RFC 4509, RFC 6605: SHA-1, SHA-256 and SHA-384 DS digests. */
    static boolean supportedDigest(int id) {
        return id == DNSSEC.Digest.SHA1 || id == DNSSEC.Digest.SHA256 || id == DNSSEC.Digest.SHA384;
    }

    /** RFC 4034 section 5.1.4: the DS digest is over the owner name (canonical) and the DNSKEY RDATA. */
    private static final ThreadLocal<MessageDigest[]> DS_DIGESTS = ThreadLocal.withInitial(() -> new MessageDigest[5]);

    static boolean dsMatches(DSRecord ds, DNSKEYRecord key) {
        if (ds.getFootprint() != key.getFootprint() || ds.getAlgorithm() != key.getAlgorithm()) {
            return false;
        }
        String alg = switch (ds.getDigestID()) {
            case DNSSEC.Digest.SHA1 -> "SHA-1";
            case DNSSEC.Digest.SHA256 -> "SHA-256";
            case DNSSEC.Digest.SHA384 -> "SHA-384";
            default -> null;
        };
        if (alg == null) {
            return false;
        }
        MessageDigest[] mine = DS_DIGESTS.get();
        MessageDigest md = mine[ds.getDigestID()];
        if (md == null) {
            md = digest(alg);
            mine[ds.getDigestID()] = md;
        }
        md.reset();
        md.update(key.getName().toWireCanonical());
        md.update(key.rdataToWireCanonical());
        return MessageDigest.isEqual(md.digest(), ds.getDigest());
    }

    /**
     * Verifies one RRSIG over an RRset with one key: validity period (RFC 4035 section 5.3.1), then
     * the signature. The caller has matched the key tag and algorithm.
     */
    Check verify(RRset data, RRSIGRecord sig, ZoneKey key, Instant now) {
        if (now.isAfter(sig.getExpire())) {
            return Check.EXPIRED;
        }
        if (now.isBefore(sig.getTimeSigned())) {
            return Check.NOT_YET_VALID;
        }
        PublicKey pk = key.publicKey();
        if (pk == null || sig.getAlgorithm() != key.algorithm) {
            return Check.UNUSABLE_KEY;
        }
        byte[] signed = DNSSEC.digestRRset(sig, data);
        ByteBuffer memoKey = ByteBuffer.wrap(sig.getSignature());
        MessageDigest md = sha256.get();
        md.update(signed);
        md.update(key.record.rdataToWireCanonical());
        byte[] fingerprint = md.digest();
        byte[] known = memo.get(memoKey);
        if (known != null && Arrays.equals(known, fingerprint)) {
            return Check.VALID;
        }
        boolean ok;
        verifications.increment();
        try {
            Signature s = signature(key.algorithm);
            s.initVerify(pk);
            s.update(signed);
            byte[] raw = sig.getSignature();
            if (key.algorithm == DNSSEC.Algorithm.ECDSAP256SHA256 || key.algorithm == DNSSEC.Algorithm.ECDSAP384SHA384) {
                int size = key.algorithm == DNSSEC.Algorithm.ECDSAP256SHA256 ? 64 : 96;
                if (raw.length != size) {
                    return Check.BAD_SIGNATURE;
                }
                raw = ecdsaDer(raw);
            }
            ok = s.verify(raw);
        } catch (GeneralSecurityException | RuntimeException e) {
            return Check.BAD_SIGNATURE;
        }
        if (!ok) {
            return Check.BAD_SIGNATURE;
        }
        if (memo.size() > MEMO_MAX) {
            memo.clear();
        }
        memo.put(memoKey, fingerprint);
        return Check.VALID;
    }

    /** Signatures verified so far (not counting those found in the memo). */
    long verifications() {
        return verifications.sum();
    }

    private Signature signature(int alg) throws NoSuchAlgorithmException {
        Signature[] mine = signatures.get();
        Signature s = mine[alg];
        if (s == null) {
            s = switch (alg) {
                case 5, 7 -> Signature.getInstance("SHA1withRSA");
                case 8 -> Signature.getInstance("SHA256withRSA");
                case 10 -> Signature.getInstance("SHA512withRSA");
                case 13 -> Signature.getInstance("SHA256withECDSA", FastSignatures.ecdsaProvider());
                case 14 -> Signature.getInstance("SHA384withECDSA", FastSignatures.ecdsaProvider());
                case 15 -> Signature.getInstance("Ed25519");
                case 16 -> Signature.getInstance("Ed448");
                default -> throw new NoSuchAlgorithmException("DNSSEC algorithm " + alg);
            };
            mine[alg] = s;
        }
        return s;
    }

    /** RFC 6605 section 4: r and s side by side; JCA wants the DER SEQUENCE of two INTEGERs. */
    static byte[] ecdsaDer(byte[] rs) {
        int half = rs.length / 2;
        byte[] r = derInteger(rs, 0, half);
        byte[] s = derInteger(rs, half, half);
        ByteArrayOutputStream out = new ByteArrayOutputStream(r.length + s.length + 4);
        int len = r.length + s.length;
        out.write(0x30);
        if (len > 127) {
            out.write(0x81);
        }
        out.write(len);
        out.writeBytes(r);
        out.writeBytes(s);
        return out.toByteArray();
    }

    private static byte[] derInteger(byte[] b, int off, int len) {
        int start = off;
        while (start < off + len - 1 && b[start] == 0) {
            start++;
        }
        int n = off + len - start;
        boolean pad = (b[start] & 0x80) != 0;
        byte[] out = new byte[2 + n + (pad ? 1 : 0)];
        out[0] = 0x02;
        out[1] = (byte) (n + (pad ? 1 : 0));
        System.arraycopy(b, start, out, pad ? 3 : 2, n);
        return out;
    }

    private static MessageDigest digest(String alg) {
        try {
            return MessageDigest.getInstance(alg);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(alg + " missing from the JDK", e);
        }
    }
}
