package io.mxray.aggregator;

/**
 * What reaches the probe side of the join, keyed by probe key: a domain that waits for the probe
 * (subscriber), or the probe's verdict. Exactly one of the two is set.
 */
public record ProbeEvent(String subscriber, ProbeVerdict verdict) {
    public ProbeEvent {
        if ((subscriber == null) == (verdict == null)) {
            throw new IllegalArgumentException("exactly one of subscriber and verdict");
        }
    }

    static ProbeEvent subscribe(String domainKey) {
        return new ProbeEvent(domainKey, null);
    }

    static ProbeEvent verdict(ProbeVerdict v) {
        return new ProbeEvent(null, v);
    }
}
