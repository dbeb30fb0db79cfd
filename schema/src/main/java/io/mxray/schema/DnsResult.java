package io.mxray.schema;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the DNS stage learned about one domain: exactly one per domain task, failures
 * included. Topic key: the domain key.
 *
 * @param probeKeys the probes whose results complete this domain (one per distinct IP, MX host
 *                  name and TLSA set), in MX preference order
 * @param mxDnssec  DNSSEC status of the MX answer (or of its denial); null if not validated
 * @param mxDnssecReason the validator's reason when bogus
 * @param policyKey      the MTA-STS policy fetch whose result the domain's verdict waits for, or null
 * @param mtaSts    the MTA-STS TXT record, null when not looked up (no mail hosts)
 * @param tlsRpt    the TLS-RPT TXT record, null when not looked up
 * @param lookups   DNS queries this domain took (validation queries excluded)
 * @param truncated what DNS returned more of than {@link Bounds} keeps ({@code tlsa:<host>},
 *                  {@code mta-sts-txt}, {@code tls-rpt-txt}), or null when nothing was cut
 */
public record DnsResult(String scanId, String domain, Long rank, DnsOutcome outcome, String reason,
                        List<MxHost> mxHosts, List<String> probeKeys, Instant resolvedAt, long elapsedMs,
                        DnssecStatus mxDnssec, String mxDnssecReason, MtaStsTxt mtaSts, TlsRptTxt tlsRpt,
                        int lookups, List<String> truncated, String policyKey) {
    public DnsResult {
        Objects.requireNonNull(scanId, "scanId");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(resolvedAt, "resolvedAt");
        mxHosts = List.copyOf(mxHosts);
        probeKeys = List.copyOf(probeKeys);
        truncated = truncated == null || truncated.isEmpty() ? null : List.copyOf(truncated);
    }

    /** No MTA-STS policy to wait for. */
    public DnsResult(String scanId, String domain, Long rank, DnsOutcome outcome, String reason, List<MxHost> mxHosts,
                     List<String> probeKeys, Instant resolvedAt, long elapsedMs, DnssecStatus mxDnssec,
                     String mxDnssecReason, MtaStsTxt mtaSts, TlsRptTxt tlsRpt, int lookups, List<String> truncated) {
        this(scanId, domain, rank, outcome, reason, mxHosts, probeKeys, resolvedAt, elapsedMs, mxDnssec, mxDnssecReason,
                mtaSts, tlsRpt, lookups, truncated, null);
    }

    /** Nothing cut. */
    public DnsResult(String scanId, String domain, Long rank, DnsOutcome outcome, String reason, List<MxHost> mxHosts,
                     List<String> probeKeys, Instant resolvedAt, long elapsedMs, DnssecStatus mxDnssec,
                     String mxDnssecReason, MtaStsTxt mtaSts, TlsRptTxt tlsRpt, int lookups) {
        this(scanId, domain, rank, outcome, reason, mxHosts, probeKeys, resolvedAt, elapsedMs, mxDnssec, mxDnssecReason,
                mtaSts, tlsRpt, lookups, null);
    }

    /** Without DNSSEC and policy facts (tests and older messages). */
    public DnsResult(String scanId, String domain, Long rank, DnsOutcome outcome, String reason, List<MxHost> mxHosts,
                     List<String> probeKeys, Instant resolvedAt, long elapsedMs) {
        this(scanId, domain, rank, outcome, reason, mxHosts, probeKeys, resolvedAt, elapsedMs, null, null, null, null, 0,
                null);
    }

    public String key() {
        return Keys.domainKey(scanId, domain);
    }
}
