package io.mxray.lab;

import io.mxray.schema.DnsOutcome;
import io.mxray.schema.Level;
import java.util.List;

/** One line of the ground-truth file: the declared right answer for one lab domain. */
public record ExpectedDomain(String domain, String scenario, String family, String description,
                             DnsOutcome dnsOutcome, List<ExpectedHost> mx, Level worstLevel, Level bestLevel) {
    public ExpectedDomain {
        mx = List.copyOf(mx);
    }
}
