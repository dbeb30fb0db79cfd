package io.mxray.verdict;

import io.mxray.schema.DaneCheck;
import io.mxray.schema.DaneReason;
import io.mxray.schema.DaneReason.Key;
import io.mxray.schema.DaneResult;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.TlsaDecision;
import io.mxray.schema.TlsaLookup;
import io.mxray.schema.TlsaRecord;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Judges a certificate chain against a TLSA RRset as a DANE-enforcing sending MTA does
 * (RFC 7671, RFC 7672 section 3).
 *
 * <ul>
 *   <li>DANE-EE(3): the leaf's certificate (selector 0) or public key (selector 1) matches;
 *       names and validity dates are ignored (RFC 7672 section 3.1.1).</li>
 *   <li>DANE-TA(2): a certificate the server sent, other than the leaf, matches; the chain from
 *       the leaf up to it must verify (each signed by the next, names chained, intermediates
 *       allowed to sign), the leaf and the certificates below the trust anchor must be within their
 *       dates, and the leaf must name the TLSA base domain or the MX host name (RFC 7672 sections
 *       3.1.2 and 3.2.3). A trust anchor the server did not send cannot match.</li>
 *   <li>Matching types 0 (exact), 1 (SHA-256) and 2 (SHA-512).</li>
 *   <li>Records of usage 0 or 1 or with unknown parameters are unusable (RFC 7672 section 3.1.3):
 *       only such records means TLS is required but not authenticated.</li>
 * </ul>
 * A TLSA lookup that was bogus, failed or could not be validated makes a DANE sender defer:
 * status {@code bogus}; so do address records that were bogus or could not be validated, since
 * then no TLSA lookup can be trusted (reason {@code address-bogus}, {@code address-indeterminate}). An insecure or absent RRset means DANE does not apply: {@code none}.
 */
public final class DaneJudge {
    /** Certificates followed from the leaf to a trust anchor. */
    static final int MAX_PATH = 10;
    /**
     * Signature verifications one judgement may make while building DANE-TA paths: a chain of ten
     * certificates and many usage-2 records could otherwise ask for hundreds.
     */
    static final int MAX_VERIFICATIONS = 32;
    /** Largest RSA issuer key verified (bits), and largest public exponent (bits): beyond, the work is unbounded. */
    static final int MAX_RSA_BITS = 8192;
    static final int MAX_RSA_EXPONENT_BITS = 64;

    private DaneJudge() {
    }

    /** {@code address-bogus} or {@code address-indeterminate}: why a DANE sender skips the host. */
    public static DaneReason.Key addressReason(TlsaLookup tlsa) {
        return tlsa.decision() == TlsaDecision.SKIPPED_ADDRESS_BOGUS ? Key.ADDRESS_BOGUS : Key.ADDRESS_INDETERMINATE;
    }

    /**
     * @param tlsa   the host's TLSA lookup from the DNS stage, or null when none was made
     * @param chain  the certificates the server sent, leaf first; null or empty when no TLS session
     *               was established
     * @param mxHost the MX host name (a name the leaf may carry besides the TLSA base domain)
     * @param now    the instant of the judgement (scan time)
     */
    public static DaneResult judge(TlsaLookup tlsa, List<X509Certificate> chain, String mxHost, Instant now) {
        if (tlsa != null && tlsa.addressFailed()) {
            return DaneResult.of(DaneStatus.BOGUS, addressReason(tlsa));
        }
        if (tlsa == null || !tlsa.lookedUp()) {
            return DaneResult.none(tlsa == null ? Key.NO_TLSA_LOOKUP : Key.skipped(tlsa.decision()));
        }
        if (tlsa.failed()) {
            String why = tlsa.reason() != null ? tlsa.reason() : tlsa.outcome().key();
            return new DaneResult(DaneStatus.BOGUS, null, null, new DaneReason(Key.tlsa(tlsa.dnssec()), why));
        }
        if (tlsa.records().isEmpty()) {
            return DaneResult.none(Key.NO_TLSA);
        }
        if (tlsa.dnssec() != DnssecStatus.SECURE) {
            return DaneResult.none(Key.tlsa(tlsa.dnssec()));
        }
        List<TlsaRecord> usable = tlsa.records().stream().filter(TlsaRecord::usable).toList();
        if (usable.isEmpty()) {
            return DaneResult.of(DaneStatus.UNUSABLE_ONLY, Key.ONLY_UNUSABLE_RECORDS);
        }
        if (chain == null || chain.isEmpty()) {
            return DaneResult.of(DaneStatus.MISMATCH, Key.NO_TLS);
        }
        Key why = null;
        int[] budget = {MAX_VERIFICATIONS};
        // DANE-EE first: it needs nothing but the leaf
        for (TlsaRecord r : usable) {
            if (r.usage() == 3 && matches(r, chain.get(0))) {
                return new DaneResult(DaneStatus.VALID, DaneCheck.DANE_EE, r.presentation(), null);
            }
        }
        for (TlsaRecord r : usable) {
            if (r.usage() != 2) {
                continue;
            }
            for (int i = 1; i < chain.size() && i < MAX_PATH; i++) {
                if (!matches(r, chain.get(i))) {
                    continue;
                }
                Key failure = taPath(chain, chain.get(i), tlsa.base(), mxHost, now, budget);
                if (failure == null) {
                    return new DaneResult(DaneStatus.VALID, DaneCheck.DANE_TA, r.presentation(), null);
                }
                why = failure;
            }
        }
        if (why == null) {
            boolean anyTa = usable.stream().anyMatch(r -> r.usage() == 2);
            why = anyTa && chain.size() == 1 ? Key.DANE_TA_NOT_SENT : Key.NO_RECORD_MATCHED;
        }
        if (tlsa.dropped() != null) {
            // the RRset was larger than mxray keeps (Bounds): one of the records not kept might match
            why = Key.TLSA_TRUNCATED;
        }
        return DaneResult.of(DaneStatus.MISMATCH, why);
    }

    /**
     * Null when the leaf chains up to {@code anchor} through the certificates the server sent and
     * passes the DANE-TA checks, else a reason key.
     */
    static Key taPath(List<X509Certificate> sent, X509Certificate anchor, String base, String mxHost, Instant now) {
        return taPath(sent, anchor, base, mxHost, now, new int[] {MAX_VERIFICATIONS});
    }

    /**
     * As above, spending at most {@code budget[0]} signature verifications (shared by the caller's
     * attempts): {@code dane-ta-work-limit} when they run out. Every issuer on the path must be a
     * CA allowed to sign certificates (basicConstraints, keyUsage keyCertSign, RFC 5280 section
     * 4.2.1.3 and 4.2.1.9) with room in its pathLenConstraint for the CAs below it, and must not
     * sign with MD2 or MD5.
     */
    static Key taPath(List<X509Certificate> sent, X509Certificate anchor, String base, String mxHost, Instant now,
                      int[] budget) {
        X509Certificate leaf = sent.get(0);
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        Set<X509Certificate> used = new LinkedHashSet<>(path);
        X509Certificate current = leaf;
        Key refused = null;
        while (!current.equals(anchor)) {
            X509Certificate issuer = null;
            for (X509Certificate c : sent) {
                if (used.contains(c) || !c.getSubjectX500Principal().equals(current.getIssuerX500Principal())) {
                    continue;
                }
                Key why = issuerRefusal(c, current, path.size() - 1);
                if (why != null) {
                    refused = why;
                    continue;
                }
                if (budget[0]-- <= 0) {
                    return Key.DANE_TA_WORK_LIMIT;
                }
                if (signs(c, current)) {
                    issuer = c;
                    break;
                }
            }
            if (issuer == null || path.size() >= MAX_PATH) {
                return refused != null ? refused : Key.DANE_TA_NO_PATH;
            }
            path.add(issuer);
            used.add(issuer);
            current = issuer;
        }
        Date at = Date.from(now);
        for (X509Certificate c : path.subList(0, path.size() - 1)) { // the trust anchor's own dates do not count
            if (at.before(c.getNotBefore()) || at.after(c.getNotAfter())) {
                return c == leaf ? Key.DANE_TA_LEAF_OUT_OF_VALIDITY : Key.DANE_TA_INTERMEDIATE_OUT_OF_VALIDITY;
            }
        }
        boolean named = (base != null && HostnameMatcher.matches(leaf, base)) || HostnameMatcher.matches(leaf, mxHost);
        return named ? null : Key.DANE_TA_NAME_MISMATCH;
    }

    /**
     * Why {@code issuer} may not sign {@code subject} as the issuer of a path with
     * {@code casBelow} CA certificates under it, or null when it may.
     */
    static Key issuerRefusal(X509Certificate issuer, X509Certificate subject, int casBelow) {
        int pathLen = issuer.getBasicConstraints();
        if (pathLen < 0) {
            return Key.DANE_TA_ISSUER_NOT_CA;
        }
        if (casBelow > pathLen) {
            return Key.DANE_TA_PATH_LENGTH;
        }
        boolean[] usage = issuer.getKeyUsage();
        if (usage != null && (usage.length <= 5 || !usage[5])) {
            return Key.DANE_TA_ISSUER_KEY_USAGE;
        }
        String alg = subject.getSigAlgName().toUpperCase(Locale.ROOT);
        if (alg.contains("MD2") || alg.contains("MD5")) {
            return Key.DANE_TA_WEAK_SIGNATURE;
        }
        if (issuer.getPublicKey() instanceof RSAPublicKey rsa
                && (rsa.getModulus().bitLength() > MAX_RSA_BITS
                || rsa.getPublicExponent().bitLength() > MAX_RSA_EXPONENT_BITS)) {
            return Key.DANE_TA_ISSUER_KEY_TOO_LARGE;
        }
        return null;
    }

    private static boolean signs(X509Certificate issuer, X509Certificate subject) {
        try {
            subject.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Does the record's data match the certificate, with the record's selector and matching type? */
    public static boolean matches(TlsaRecord r, X509Certificate cert) {
        byte[] selected;
        try {
            selected = switch (r.selector()) {
                case 0 -> cert.getEncoded();
                case 1 -> cert.getPublicKey().getEncoded();
                default -> null;
            };
        } catch (CertificateEncodingException e) {
            return false;
        }
        if (selected == null) {
            return false;
        }
        byte[] digest = switch (r.matching()) {
            case 0 -> selected;
            case 1 -> digest("SHA-256", selected);
            case 2 -> digest("SHA-512", selected);
            default -> null;
        };
        if (digest == null) {
            return false;
        }
        try {
            return MessageDigest.isEqual(digest, HexFormat.of().parseHex(r.data()));
        } catch (IllegalArgumentException e) { // not hex: a record that cannot match
            return false;
        }
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JDK", e);
        }
    }
}
