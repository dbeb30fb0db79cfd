package io.mxray.lab;

import io.mxray.lab.dns.ZoneSpec;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.Level;
import io.mxray.schema.TxtStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One lab domain: the zones it needs, how its mail is published, its MX hosts, and the declared
 * verdict.
 *
 * @param zones    the zones this scenario needs (its own, a provider's, an unsigned child, ...);
 *                 the same zone may be declared by several scenarios, identically
 * @param mail     how the domain's mail is published in DNS
 * @param mx       the MX hosts (for {@link Mail#IMPLICIT}, the single host named like the domain)
 * @param mxDnssec the declared DNSSEC status of the MX answer
 */
public record Scenario(String name, String family, String description, String domain, List<ZoneSpec> zones,
                       Mail mail, DnsOutcome dnsOutcome, DnssecStatus mxDnssec, List<Mx> mx, Policies policies) {

    /**
     * The policy TXT records a domain publishes and their declared reading.
     *
     * @param mtaStsTxt  the TXT records at {@code _mta-sts.<domain>}
     * @param tlsRptTxt  the TXT records at {@code _smtp._tls.<domain>}
     * @param policyHost what the lab's HTTPS server answers for {@code mta-sts.<domain>}; null: the name does not exist
     * @param sts        the declared MTA-STS verdict; null where a scenario declares none
     */
    public record Policies(List<String> mtaStsTxt, TxtStatus mtaSts, List<String> tlsRptTxt, TxtStatus tlsRpt,
                           PolicySpec policyHost, StsExpected sts) {
        public Policies {
            mtaStsTxt = List.copyOf(mtaStsTxt);
            tlsRptTxt = List.copyOf(tlsRptTxt);
        }

        /** Without an MTA-STS policy host ({@code mta-sts.<domain>} does not exist) nor its declared verdict. */
        public Policies(List<String> mtaStsTxt, TxtStatus mtaSts, List<String> tlsRptTxt, TxtStatus tlsRpt) {
            this(mtaStsTxt, mtaSts, tlsRptTxt, tlsRpt, null, null);
        }

        /** These records, with {@code mta-sts.<domain>} serving as {@code host} says (null: no such host). */
        public Policies serving(PolicySpec host, StsExpected expected) {
            return new Policies(mtaStsTxt, mtaSts, tlsRptTxt, tlsRpt, host, expected);
        }

        public static final Policies NONE = new Policies(List.of(), TxtStatus.NONE, List.of(), TxtStatus.NONE);
    }

    /** A scenario without policy records. */
    public Scenario(String name, String family, String description, String domain, List<ZoneSpec> zones, Mail mail,
                    DnsOutcome dnsOutcome, DnssecStatus mxDnssec, List<Mx> mx) {
        this(name, family, description, domain, zones, mail, dnsOutcome, mxDnssec, mx, Policies.NONE);
    }

    public Scenario withPolicies(Policies p) {
        return new Scenario(name, family, description, domain, zones, mail, dnsOutcome, mxDnssec, mx, p);
    }

    /** How a domain publishes where its mail goes. */
    public enum Mail {
        /** MX records. */
        MX,
        /** A single {@code MX 0 .} record (RFC 7505). */
        NULL_MX,
        /** No MX, an address at the domain itself (RFC 5321 section 5.1). */
        IMPLICIT,
        /** The domain does not exist. */
        NONE,
        /**
         * The MX records are at the wildcard {@code *.<parent of the domain>}; the domain itself has
         * no records, so its MX answer is synthesized from the wildcard (RFC 4592).
         */
        WILDCARD_MX
    }

    public record Mx(int preference, HostSpec host) {
    }

    public Scenario {
        Objects.requireNonNull(name);
        Objects.requireNonNull(domain);
        zones = List.copyOf(zones);
        mx = List.copyOf(mx);
    }

    /** The ground-truth line: the hosts' declared verdicts, the domain's worst and best of them. */
    public ExpectedDomain expected() {
        List<ExpectedHost> hosts = new ArrayList<>();
        for (Mx m : mx.stream().sorted(Lab.byPreference()).toList()) {
            HostSpec h = m.host();
            HostSpec.Expect e = h.expect();
            hosts.add(new ExpectedHost(h.name(), m.preference(), e.level(), e.certType(), e.outcome(), e.addressDnssec(),
                    e.dane(), e.protocol(), e.maxSeconds(), e.pkix(),
                    e.certificates() == null ? null : e.certificates().keyTypes(),
                    e.certificates() == null ? null : e.certificates().allCertificates(), e.versions()));
        }
        Level worst = hosts.stream().map(ExpectedHost::level).min(Comparator.comparingInt(Level::rank)).orElse(null);
        Level best = hosts.stream().map(ExpectedHost::level).max(Comparator.comparingInt(Level::rank)).orElse(null);
        // a domain that does not resolve has its policy records looked up by nobody
        boolean looked = dnsOutcome != DnsOutcome.NXDOMAIN && dnsOutcome != DnsOutcome.SERVFAIL
                && dnsOutcome != DnsOutcome.TIMEOUT && dnsOutcome != DnsOutcome.ERROR;
        return new ExpectedDomain(domain, name, family, description, dnsOutcome, mxDnssec, hosts, worst, best,
                looked ? policies.mtaSts() : null, looked ? policies.tlsRpt() : null, policies.sts());
    }
}
