package io.mxray.lab;

import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.Level;
import io.mxray.schema.TxtStatus;
import java.util.List;

/**
 * One line of the ground-truth file: the declared right answer for one lab domain.
 *
 * @param mxDnssec the DNSSEC status of the domain's MX answer (or of its denial)
 * @param mtaSts   the reading of its MTA-STS TXT record (null: not looked up)
 * @param sts      its declared MTA-STS verdict (null: the scenario declares none)
 * @param tlsRpt   the reading of its TLS-RPT TXT record (null: not looked up)
 */
public record ExpectedDomain(String domain, String scenario, String family, String description,
                             DnsOutcome dnsOutcome, DnssecStatus mxDnssec, List<ExpectedHost> mx,
                             Level worstLevel, Level bestLevel, TxtStatus mtaSts, TxtStatus tlsRpt, StsExpected sts) {
    public ExpectedDomain {
        mx = List.copyOf(mx);
    }

    /** Without a declared MTA-STS verdict. */
    public ExpectedDomain(String domain, String scenario, String family, String description, DnsOutcome dnsOutcome,
                          DnssecStatus mxDnssec, List<ExpectedHost> mx, Level worstLevel, Level bestLevel,
                          TxtStatus mtaSts, TxtStatus tlsRpt) {
        this(domain, scenario, family, description, dnsOutcome, mxDnssec, mx, worstLevel, bestLevel, mtaSts, tlsRpt,
                null);
    }
}
