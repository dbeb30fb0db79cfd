package io.mxray.aggregator;

import io.mxray.schema.DaneResult;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DomainResult;
import io.mxray.schema.Level;
import io.mxray.schema.MxHost;
import io.mxray.schema.MxHostVerdict;
import io.mxray.schema.StarttlsCoverage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A domain's verdict from its DNS result and the verdicts of its probes. Pure. */
public final class DomainVerdicts {
    private DomainVerdicts() {
    }

    /**
     * @param verdicts by probe key; must hold every probe key of {@code dns}
     */
    public static DomainResult assemble(DnsResult dns, Map<String, ProbeVerdict> verdicts, Instant at) {
        Map<String, ProbeVerdict> byTarget = new HashMap<>();
        for (String key : dns.probeKeys()) {
            ProbeVerdict v = verdicts.get(key);
            if (v == null) {
                throw new IllegalArgumentException("no verdict for probe " + key);
            }
            byTarget.put(v.ip() + "|" + v.mxHost(), v);
        }
        List<MxHostVerdict> hosts = new ArrayList<>();
        for (MxHost h : dns.mxHosts()) {
            if (h.addresses().isEmpty()) {
                hosts.add(new MxHostVerdict(h.name(), h.preference(), null, Level.UNREACHABLE, null, "no-address",
                        h.addressOutcome().key() + (h.reason() == null ? "" : ":" + h.reason()), h.addressDnssec(),
                        h.tlsa(), DaneResult.none("no-address")));
                continue;
            }
            for (String ip : h.addresses()) {
                ProbeVerdict v = byTarget.get(ip + "|" + h.name());
                if (v == null) {
                    throw new IllegalArgumentException("no probe for " + h.name() + " at " + ip);
                }
                hosts.add(new MxHostVerdict(h.name(), h.preference(), ip, v.level(), v.certType(), v.outcome(),
                        v.reason(), h.addressDnssec(), h.tlsa(), v.dane()));
            }
        }
        List<Level> levels = hosts.stream().map(MxHostVerdict::level).filter(l -> l != null).toList();
        Level worst = levels.stream().min(Comparator.comparingInt(Level::rank)).orElse(null);
        Level best = levels.stream().max(Comparator.comparingInt(Level::rank)).orElse(null);
        return new DomainResult(dns.scanId(), dns.domain(), dns.rank(), dns.outcome(), dns.reason(), hosts, worst,
                best, coverage(levels), at, dns.mxDnssec(), dns.mxDnssecReason(), dns.mtaSts(), dns.tlsRpt(),
                dns.lookups());
    }

    /** Over the addresses that answered: did all, some or none establish TLS? */
    static StarttlsCoverage coverage(List<Level> levels) {
        List<Level> reached = levels.stream().filter(l -> l != Level.UNREACHABLE).toList();
        if (reached.isEmpty()) {
            return StarttlsCoverage.NOT_APPLICABLE;
        }
        long tls = reached.stream().filter(Level::hasTls).count();
        return tls == reached.size() ? StarttlsCoverage.ALL : tls == 0 ? StarttlsCoverage.NONE : StarttlsCoverage.SOME;
    }
}
