package io.mxray.aggregator;

import io.mxray.schema.DnsResult;

/** What reaches the domain side of the join, keyed by domain key: its DNS result or one probe verdict. */
public record DomainEvent(DnsResult dns, ProbeVerdict probe) {
    public DomainEvent {
        if ((dns == null) == (probe == null)) {
            throw new IllegalArgumentException("exactly one of dns and probe");
        }
    }

    static DomainEvent dns(DnsResult d) {
        return new DomainEvent(d, null);
    }

    static DomainEvent probe(ProbeVerdict v) {
        return new DomainEvent(null, v);
    }
}
