package io.mxray.aggregator;

import io.mxray.schema.DnsResult;
import io.mxray.schema.PolicyResult;
import io.mxray.verdict.ProbeVerdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A domain being assembled: its DNS result (when it arrived, and the wall-clock time it did) and
 * the verdicts of its probes and its MTA-STS policy fetch found so far (in the global stores). Once final, only the flag is kept so that replays are
 * recognized and ignored.
 */
public record DomainState(DnsResult dns, Map<String, ProbeVerdict> verdicts, boolean finalized, long dnsAtMs,
                          PolicyResult policy) {
    public DomainState {
        verdicts = verdicts == null ? Map.of() : Map.copyOf(verdicts);
    }

    static DomainState empty() {
        return new DomainState(null, Map.of(), false, 0, null);
    }

    DomainState withDns(DnsResult d) {
        return new DomainState(d, verdicts, false, dnsAtMs, policy);
    }

    DomainState withVerdict(String probeKey, ProbeVerdict v) {
        Map<String, ProbeVerdict> m = new LinkedHashMap<>(verdicts);
        m.put(probeKey, v);
        return new DomainState(dns, m, false, dnsAtMs, policy);
    }

    DomainState withPolicy(PolicyResult p) {
        return new DomainState(dns, verdicts, false, dnsAtMs, p);
    }

    /** Whether {@code key} is the MTA-STS policy fetch this domain waits for (else it is a probe's). */
    boolean isPolicy(String key) {
        return dns != null && key.equals(dns.policyKey());
    }

    /** The probes and the policy fetch of its DNS result this domain has no result of yet. */
    List<String> missing() {
        if (dns == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(dns.probeKeys().stream().filter(k -> !verdicts.containsKey(k)).distinct()
                .toList());
        if (dns.policyKey() != null && policy == null) {
            out.add(dns.policyKey());
        }
        return out;
    }

    boolean complete() {
        return dns != null && verdicts.keySet().containsAll(dns.probeKeys())
                && (dns.policyKey() == null || policy != null);
    }

    DomainState dnsArrivedAt(long ms) {
        return new DomainState(dns, verdicts, false, ms, policy);
    }

    static DomainState done() {
        return new DomainState(null, Map.of(), true, 0, null);
    }
}
