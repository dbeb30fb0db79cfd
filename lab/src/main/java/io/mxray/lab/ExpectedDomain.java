package io.mxray.lab;

import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.Level;
import java.util.List;

/**
 * One line of the ground-truth file: the declared right answer for one lab domain.
 *
 * @param mxDnssec the DNSSEC status of the domain's MX answer (or of its denial)
 */
public record ExpectedDomain(String domain, String scenario, String family, String description,
                             DnsOutcome dnsOutcome, DnssecStatus mxDnssec, List<ExpectedHost> mx,
                             Level worstLevel, Level bestLevel) {
    public ExpectedDomain {
        mx = List.copyOf(mx);
    }
}
