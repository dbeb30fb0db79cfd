package io.mxray.schema;

import java.util.Objects;

/**
 * What DANE (RFC 7671, RFC 7672) says about one probe, as a DANE-enforcing sender would judge it.
 *
 * @param status  the DANE status of the SPEC
 * @param check   the kind of record that matched; null when none did
 * @param matched the record that matched, as {@code "usage selector matching data"}; null when none did
 * @param reason  a stable key saying why no record matched or why DANE does not apply
 *                (for example {@code no-tls}, {@code dane-ta-name-mismatch}, {@code tlsa-bogus}), or null
 * @param allCertificates where DANE applies (status {@code valid} or {@code mismatch}) and TLS was
 *                established: how many of the certificates the server presents (one per key type)
 *                a usable record matches; null otherwise
 */
public record DaneResult(DaneStatus status, DaneCheck check, String matched, DaneReason reason, KeyCoverage allCertificates) {
    public DaneResult {
        Objects.requireNonNull(status, "status");
    }

    /** Of one certificate, or where DANE does not apply. */
    public DaneResult(DaneStatus status, DaneCheck check, String matched, DaneReason reason) {
        this(status, check, matched, reason, null);
    }

    /** This result, with the coverage of every certificate presented. */
    public DaneResult covering(KeyCoverage all) {
        return new DaneResult(status, check, matched, reason, all);
    }

    public static DaneResult none(DaneReason.Key reason) {
        return new DaneResult(DaneStatus.NONE, null, null, DaneReason.of(reason));
    }

    /** A result with no matching record, for {@code reason}. */
    public static DaneResult of(DaneStatus status, DaneReason.Key reason) {
        return new DaneResult(status, null, null, DaneReason.of(reason));
    }

    /** Whether the reason is {@code key}. */
    public boolean because(DaneReason.Key key) {
        return reason != null && reason.is(key);
    }
}
