package io.mxray.aggregator;

import java.util.ArrayList;
import java.util.List;

/** The domains waiting for one probe's verdict. */
public record Subscribers(List<String> domainKeys) {
    public Subscribers {
        domainKeys = List.copyOf(domainKeys);
    }

    Subscribers with(String domainKey) {
        if (domainKeys.contains(domainKey)) {
            return this;
        }
        List<String> l = new ArrayList<>(domainKeys);
        l.add(domainKey);
        return new Subscribers(l);
    }
}
