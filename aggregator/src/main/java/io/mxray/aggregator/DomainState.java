package io.mxray.aggregator;

import io.mxray.schema.DnsResult;
import io.mxray.verdict.ProbeVerdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A domain being assembled: its DNS result (when it arrived, and the wall-clock time it did) and
 * the verdicts of its probes found so far (in the global verdict store). Once final, only the flag is kept so that replays are
 * recognized and ignored.
 */
public record DomainState(DnsResult dns, Map<String, ProbeVerdict> verdicts, boolean finalized, long dnsAtMs) {
    public DomainState {
        verdicts = verdicts == null ? Map.of() : Map.copyOf(verdicts);
    }

    static DomainState empty() {
        return new DomainState(null, Map.of(), false, 0);
    }

    DomainState withDns(DnsResult d) {
        return new DomainState(d, verdicts, false, dnsAtMs);
    }

    DomainState withVerdict(String probeKey, ProbeVerdict v) {
        Map<String, ProbeVerdict> m = new LinkedHashMap<>(verdicts);
        m.put(probeKey, v);
        return new DomainState(dns, m, false, dnsAtMs);
    }

    /** The probes of its DNS result this domain has no verdict of yet. */
    List<String> missing() {
        return dns == null ? List.of()
                : dns.probeKeys().stream().filter(k -> !verdicts.containsKey(k)).distinct().toList();
    }

    boolean complete() {
        return dns != null && verdicts.keySet().containsAll(dns.probeKeys());
    }

    DomainState dnsArrivedAt(long ms) {
        return new DomainState(dns, verdicts, false, ms);
    }

    static DomainState done() {
        return new DomainState(null, Map.of(), true, 0);
    }
}
