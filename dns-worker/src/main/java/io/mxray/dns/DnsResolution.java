package io.mxray.dns;

import io.mxray.schema.DnsResult;
import io.mxray.schema.ProbeRequest;
import java.util.List;

/** What resolving one domain yields: its DNS result and the probes it needs. */
public record DnsResolution(DnsResult result, List<ProbeRequest> probes) {
    public DnsResolution {
        probes = List.copyOf(probes);
    }
}
