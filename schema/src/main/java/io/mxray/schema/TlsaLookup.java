package io.mxray.schema;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The TLSA RRset of one MX host (RFC 7672 section 2.2), or why it was not looked up.
 *
 * @param decision   whether the lookup was made, and if not why
 * @param base       the TLSA base domain actually used (the CNAME-expanded name, or the MX host name)
 * @param outcome    how the lookup ended (null when skipped)
 * @param dnssec     DNSSEC status of the TLSA answer (null when skipped)
 * @param reason     the validator's reason for a bogus answer, or a failure key
 * @param records    the records (also kept when bogus, for the record; never used then), at most
 *                   {@link Bounds#TLSA_RECORDS} and {@link Bounds#TLSA_DATA_HEX} of data
 * @param dropped    records of the RRset beyond those bounds, not kept; null when none was
 */
public record TlsaLookup(TlsaDecision decision, String base, LookupOutcome outcome, DnssecStatus dnssec, String reason,
                         List<TlsaRecord> records, Integer dropped) {
    /** Not looked up because the host's address records are as {@code decision} says. */
    public static TlsaLookup skipped(TlsaDecision decision) {
        return new TlsaLookup(decision, null, null, null, null, List.of());
    }

    public TlsaLookup {
        Objects.requireNonNull(decision, "decision");
        records = records == null ? List.of() : List.copyOf(records);
        dropped = dropped == null || dropped <= 0 ? null : dropped;
    }

    /** Every record of the RRset kept. */
    public TlsaLookup(TlsaDecision decision, String base, LookupOutcome outcome, DnssecStatus dnssec, String reason,
                      List<TlsaRecord> records) {
        this(decision, base, outcome, dnssec, reason, records, null);
    }

    /**
     * The records of an RRset as kept within {@link Bounds}, the rest counted in {@link #dropped}.
     * The smallest records are kept first (digests before full certificates or keys): in a
     * legitimate RRset that large, the digests are what senders match.
     */
    public static TlsaLookup bounded(TlsaDecision decision, String base, LookupOutcome outcome, DnssecStatus dnssec,
                                     String reason, List<TlsaRecord> all) {
        List<TlsaRecord> kept = new ArrayList<>(Math.min(all.size(), Bounds.TLSA_RECORDS));
        List<TlsaRecord> bySize = all;
        if (all.size() > Bounds.TLSA_RECORDS
                || all.stream().mapToInt(r -> r.data().length()).sum() > Bounds.TLSA_DATA_HEX) {
            bySize = all.stream().sorted(Comparator.comparingInt(r -> r.data().length())).toList();
        }
        int hex = 0;
        for (TlsaRecord r : bySize) {
            if (kept.size() >= Bounds.TLSA_RECORDS || hex + r.data().length() > Bounds.TLSA_DATA_HEX) {
                break;
            }
            kept.add(r);
            hex += r.data().length();
        }
        return new TlsaLookup(decision, base, outcome, dnssec, reason, kept, all.size() - kept.size());
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

    /**
     * The host's address records are bogus or could not be validated, so its TLSA RRset was not
     * looked up: a DANE sender treats that as a failed lookup, skips the host and defers the mail
     * when no other host is left (RFC 7672 sections 2.1.1 and 2.2), never as "no DANE".
     */
    public boolean addressFailed() {
        return decision == TlsaDecision.SKIPPED_ADDRESS_BOGUS || decision == TlsaDecision.SKIPPED_ADDRESS_UNVALIDATED;
    }

    /** Secure records a DANE client would use. */
    public boolean hasUsableSecureRecords() {
        return dnssec == DnssecStatus.SECURE && outcome == LookupOutcome.OK && records.stream().anyMatch(TlsaRecord::usable);
    }
}
