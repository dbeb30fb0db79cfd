package io.mxray.schema;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The final verdict for one domain of one scan: its DNS result joined with the results of all its
 * probes. Topic key: the domain key.
 *
 * @param worstLevel the worst level over all MX host addresses, or null when there is none
 * @param bestLevel  the best level over all MX host addresses, or null when there is none
 */
public record DomainResult(String scanId, String domain, Long rank, DnsOutcome dnsOutcome, String dnsReason,
                           List<MxHostVerdict> mxHosts, Level worstLevel, Level bestLevel,
                           StarttlsCoverage starttls, Instant finalizedAt, DnssecStatus mxDnssec,
                           String mxDnssecReason, MtaStsTxt mtaSts, TlsRptTxt tlsRpt, int dnsLookups) {
    public DomainResult {
        Objects.requireNonNull(scanId, "scanId");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(dnsOutcome, "dnsOutcome");
        Objects.requireNonNull(starttls, "starttls");
        mxHosts = List.copyOf(mxHosts);
    }

    /** Without DNS facts (tests). */
    public DomainResult(String scanId, String domain, Long rank, DnsOutcome dnsOutcome, String dnsReason,
                        List<MxHostVerdict> mxHosts, Level worstLevel, Level bestLevel, StarttlsCoverage starttls,
                        Instant finalizedAt) {
        this(scanId, domain, rank, dnsOutcome, dnsReason, mxHosts, worstLevel, bestLevel, starttls, finalizedAt, null,
                null, null, null, 0);
    }

    public String key() {
        return Keys.domainKey(scanId, domain);
    }
}
