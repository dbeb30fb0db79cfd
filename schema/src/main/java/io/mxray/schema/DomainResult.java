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
 * @param mtaStsVerdict  the MTA-STS policy and what a sender enforcing it does; null when the
 *                       domain has no MX host to judge
 * @param delivery       what a sender that enforces both DANE and MTA-STS does (RFC 8461 section 2:
 *                       DANE for the hosts it applies to, MTA-STS for the others)
 * @param deliveryReason why it does not deliver, or null
 * @param dane       over the MX host addresses that were probed: are all, some or none DANE-valid
 *                   (the domain is DANE-protected only when all are)
 * @param daneDelivery what a DANE-enforcing sender (RFC 7672) would do with mail for the domain,
 *                   or null when no MX host address was probed
 * @param daneDeliveryReason why it would not deliver (stable keys, comma-separated), or null
 * @param missingProbes the probes whose results had not arrived when the domain was finalized
 *                   anyway (its wait ran out): empty for a complete domain
 * @param truncated  what DNS returned more of than {@link Bounds} keeps (from the DNS result), or null
 */
public record DomainResult(String scanId, String domain, Long rank, DnsOutcome dnsOutcome, String dnsReason,
                           List<MxHostVerdict> mxHosts, Level worstLevel, Level bestLevel,
                           Coverage starttls, Instant finalizedAt, DnssecStatus mxDnssec,
                           String mxDnssecReason, MtaStsTxt mtaSts, TlsRptTxt tlsRpt, int dnsLookups,
                           Coverage dane, Delivery daneDelivery, String daneDeliveryReason,
                           List<String> missingProbes, List<String> truncated, StsVerdict mtaStsVerdict,
                           Delivery delivery, String deliveryReason) {
    public DomainResult {
        Objects.requireNonNull(scanId, "scanId");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(dnsOutcome, "dnsOutcome");
        Objects.requireNonNull(starttls, "starttls");
        mxHosts = List.copyOf(mxHosts);
        missingProbes = missingProbes == null ? List.of() : List.copyOf(missingProbes);
        truncated = truncated == null || truncated.isEmpty() ? null : List.copyOf(truncated);
    }

    /** Without MTA-STS's verdict and the combined one. */
    public DomainResult(String scanId, String domain, Long rank, DnsOutcome dnsOutcome, String dnsReason,
                        List<MxHostVerdict> mxHosts, Level worstLevel, Level bestLevel, Coverage starttls,
                        Instant finalizedAt, DnssecStatus mxDnssec, String mxDnssecReason, MtaStsTxt mtaSts,
                        TlsRptTxt tlsRpt, int dnsLookups, Coverage dane, Delivery daneDelivery,
                        String daneDeliveryReason, List<String> missingProbes, List<String> truncated) {
        this(scanId, domain, rank, dnsOutcome, dnsReason, mxHosts, worstLevel, bestLevel, starttls, finalizedAt, mxDnssec,
                mxDnssecReason, mtaSts, tlsRpt, dnsLookups, dane, daneDelivery, daneDeliveryReason, missingProbes,
                truncated, null, null, null);
    }

    /** Nothing cut. */
    public DomainResult(String scanId, String domain, Long rank, DnsOutcome dnsOutcome, String dnsReason,
                        List<MxHostVerdict> mxHosts, Level worstLevel, Level bestLevel, Coverage starttls,
                        Instant finalizedAt, DnssecStatus mxDnssec, String mxDnssecReason, MtaStsTxt mtaSts,
                        TlsRptTxt tlsRpt, int dnsLookups, Coverage dane, Delivery daneDelivery,
                        String daneDeliveryReason, List<String> missingProbes) {
        this(scanId, domain, rank, dnsOutcome, dnsReason, mxHosts, worstLevel, bestLevel, starttls, finalizedAt, mxDnssec,
                mxDnssecReason, mtaSts, tlsRpt, dnsLookups, dane, daneDelivery, daneDeliveryReason, missingProbes, null);
    }

    /** Finalized without all its probe results. */
    public boolean incomplete() {
        return !missingProbes.isEmpty();
    }

    /** Without DNS facts (tests). */
    public DomainResult(String scanId, String domain, Long rank, DnsOutcome dnsOutcome, String dnsReason,
                        List<MxHostVerdict> mxHosts, Level worstLevel, Level bestLevel, Coverage starttls,
                        Instant finalizedAt) {
        this(scanId, domain, rank, dnsOutcome, dnsReason, mxHosts, worstLevel, bestLevel, starttls, finalizedAt, null,
                null, null, null, 0, null, null, null, List.of());
    }

    /**
     * Over the MX host addresses where DANE applies: the worst coverage of the certificates they
     * present ({@code none} before {@code partial} before {@code match}), or null where DANE applies
     * to none of them. Derived from the hosts, not carried in the JSON.
     */
    public KeyCoverage daneAllCertificates() {
        KeyCoverage worst = null;
        for (MxHostVerdict h : mxHosts) {
            KeyCoverage c = h.dane() == null ? null : h.dane().allCertificates();
            if (c != null && (worst == null || c.ordinal() > worst.ordinal())) {
                worst = c;
            }
        }
        return worst;
    }

    public String key() {
        return Keys.domainKey(scanId, domain);
    }
}
