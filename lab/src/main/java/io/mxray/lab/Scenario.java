package io.mxray.lab;

import io.mxray.schema.DnsOutcome;
import io.mxray.schema.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One lab domain: how its DNS and its MX hosts are set up, and the declared verdict.
 *
 * @param mail how the domain's mail is published in DNS
 * @param mx   the MX hosts (for {@link Mail#IMPLICIT}, the single host named like the domain)
 */
public record Scenario(String name, String family, String description, String domain, Mail mail,
                       DnsOutcome dnsOutcome, List<Mx> mx) {

    /** How a domain publishes where its mail goes. */
    public enum Mail {
        /** MX records. */
        MX,
        /** A single {@code MX 0 .} record (RFC 7505). */
        NULL_MX,
        /** No MX, an address at the domain itself (RFC 5321 section 5.1). */
        IMPLICIT,
        /** The domain does not exist. */
        NONE
    }

    public record Mx(int preference, HostSpec host) {
    }

    public Scenario {
        Objects.requireNonNull(name);
        Objects.requireNonNull(domain);
        mx = List.copyOf(mx);
    }

    /** The ground-truth line: the hosts' declared verdicts, the domain's worst and best of them. */
    public ExpectedDomain expected() {
        List<ExpectedHost> hosts = new ArrayList<>();
        for (Mx m : mx) {
            HostSpec h = m.host();
            hosts.add(new ExpectedHost(h.name(), m.preference(), h.level(), h.certType(), h.outcome()));
        }
        Level worst = hosts.stream().map(ExpectedHost::level).min(Comparator.comparingInt(Level::rank)).orElse(null);
        Level best = hosts.stream().map(ExpectedHost::level).max(Comparator.comparingInt(Level::rank)).orElse(null);
        return new ExpectedDomain(domain, name, family, description, dnsOutcome, hosts, worst, best);
    }
}
