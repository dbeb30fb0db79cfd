package io.mxray.schema;

import java.util.List;
import java.util.Objects;

/**
 * The TLSA RRset of one MX host (RFC 7672 section 2.2), or why it was not looked up.
 *
 * @param decision   why the lookup was or was not made: {@code looked-up}, {@code looked-up-mx-insecure}
 *                   (the MX RRset is insecure, the host's addresses are secure),
 *                   {@code skipped-address-insecure}, {@code skipped-address-bogus},
 *                   {@code skipped-address-failed}
 * @param base       the TLSA base domain actually used (the CNAME-expanded name, or the MX host name)
 * @param outcome    how the lookup ended (null when skipped)
 * @param dnssec     DNSSEC status of the TLSA answer (null when skipped)
 * @param reason     the validator's reason for a bogus answer, or a failure key
 * @param records    the records (also kept when bogus, for the record; never used then)
 */
public record TlsaLookup(String decision, String base, LookupOutcome outcome, DnssecStatus dnssec, String reason,
                         List<TlsaRecord> records) {
    public TlsaLookup {
        Objects.requireNonNull(decision, "decision");
        records = records == null ? List.of() : List.copyOf(records);
    }

    public boolean lookedUp() {
        return outcome != null;
    }

    /**
     * A DANE sender defers mail when the lookup was made and failed, was bogus, or could not be
     * validated (RFC 7672 section 2.2).
     */
    public boolean failed() {
        return lookedUp() && (dnssec == DnssecStatus.BOGUS || dnssec == DnssecStatus.INDETERMINATE
                || outcome == LookupOutcome.SERVFAIL || outcome == LookupOutcome.TIMEOUT
                || outcome == LookupOutcome.ERROR);
    }

    /** Secure records a DANE client would use. */
    public boolean hasUsableSecureRecords() {
        return dnssec == DnssecStatus.SECURE && outcome == LookupOutcome.OK && records.stream().anyMatch(TlsaRecord::usable);
    }
}
