package io.mxray.dns;

import io.mxray.schema.DnsResult;
import io.mxray.schema.PolicyRequest;
import io.mxray.schema.PolicyResult;
import io.mxray.schema.ProbeRequest;
import java.util.List;

/** What resolving one domain yields: its DNS result and the probes it needs. */
public record DnsResolution(DnsResult result, List<ProbeRequest> probes, PolicyRequest policy,
                            PolicyResult policyDecided) {
    public DnsResolution {
        probes = List.copyOf(probes);
    }

    /** Without an MTA-STS policy to fetch. */
    public DnsResolution(DnsResult result, List<ProbeRequest> probes) {
        this(result, probes, null, null);
    }
}
