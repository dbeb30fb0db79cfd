package io.mxray.aggregator;

import io.mxray.schema.DnsResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A domain being assembled: its DNS result (when it arrived, and the wall-clock time it did) and
 * the verdicts of its probes so far. Once final, only the flag is kept so that replays are
 * recognized and ignored.
 */
public record DomainState(DnsResult dns, Map<String, ProbeVerdict> verdicts, boolean finalized, long dnsAtMs) {
    public DomainState {
        verdicts = verdicts == null ? Map.of() : Map.copyOf(verdicts);
    }

    static DomainState empty() {
        return new DomainState(null, Map.of(), false, 0);
    }

    DomainState with(DomainEvent e) {
        if (e.dns() != null) {
            return new DomainState(e.dns(), verdicts, false, dnsAtMs);
        }
        Map<String, ProbeVerdict> m = new LinkedHashMap<>(verdicts);
        m.put(e.probe().probeKey(), e.probe());
        return new DomainState(dns, m, false, dnsAtMs);
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
