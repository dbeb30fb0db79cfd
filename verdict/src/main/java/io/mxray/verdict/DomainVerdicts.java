package io.mxray.verdict;

import io.mxray.schema.Coverage;
import io.mxray.schema.DaneReason;
import io.mxray.schema.DaneResult;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.Delivery;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.DomainResult;
import io.mxray.schema.HostOutcome;
import io.mxray.schema.Level;
import io.mxray.schema.MxHost;
import io.mxray.schema.MtaStsPolicy;
import io.mxray.schema.MxHostVerdict;
import io.mxray.schema.PolicyResult;
import io.mxray.schema.StsVerdict;
import io.mxray.schema.TlsaLookup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/** A domain's verdict from its DNS result and the verdicts of its probes. Pure. */
public final class DomainVerdicts {
    private DomainVerdicts() {
    }

    /**
     * @param verdicts by probe key; must hold every probe key of {@code dns}
     */
    public static DomainResult assemble(DnsResult dns, Map<String, ProbeVerdict> verdicts, Instant at) {
        return assemble(dns, verdicts, null, at, false);
    }

    /**
     * @param verdicts by probe key; must hold every probe key of {@code dns}
     * @param policy   the MTA-STS policy fetch of {@code dns}'s policy key, or null when it has none
     */
    public static DomainResult assemble(DnsResult dns, Map<String, ProbeVerdict> verdicts, PolicyResult policy,
                                        Instant at) {
        return assemble(dns, verdicts, policy, at, false);
    }

    /**
     * A domain whose wait for probe results ran out: the addresses whose probe never answered get
     * outcome {@code missing} and no level; the result names the missing probe keys.
     */
    public static DomainResult incomplete(DnsResult dns, Map<String, ProbeVerdict> verdicts, Instant at) {
        return assemble(dns, verdicts, null, at, true);
    }

    /** As above, with the MTA-STS policy fetch when it arrived (null: missing, named as such). */
    public static DomainResult incomplete(DnsResult dns, Map<String, ProbeVerdict> verdicts, PolicyResult policy,
                                          Instant at) {
        return assemble(dns, verdicts, policy, at, true);
    }

    private static DomainResult assemble(DnsResult dns, Map<String, ProbeVerdict> verdicts, PolicyResult policy,
                                         Instant at, boolean allowMissing) {
        Map<String, ProbeVerdict> byTarget = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String key : dns.probeKeys()) {
            ProbeVerdict v = verdicts.get(key);
            if (v == null) {
                if (!allowMissing) {
                    throw new IllegalArgumentException("no verdict for probe " + key);
                }
                missing.add(key);
                continue;
            }
            byTarget.put(v.ip() + "|" + v.mxHost(), v);
        }
        List<MxHostVerdict> hosts = new ArrayList<>();
        List<Boolean> satisfiesMtaSts = new ArrayList<>();
        for (MxHost h : dns.mxHosts()) {
            DaneResult addressFailure = addressFailure(h);
            // a host's TLSA lookup goes with its first row only: once per host, not per address
            TlsaLookup[] tlsa = {h.tlsa()};
            Supplier<TlsaLookup> once = () -> {
                TlsaLookup t = tlsa[0];
                tlsa[0] = null;
                return t;
            };
            if (h.addresses().isEmpty()) {
                hosts.add(new MxHostVerdict(h.name(), h.preference(), null, Level.UNREACHABLE, null, HostOutcome.NO_ADDRESS,
                        h.addressOutcome().key() + (h.reason() == null ? "" : ":" + h.reason()), h.addressDnssec(),
                        once.get(), addressFailure != null ? addressFailure : DaneResult.none(DaneReason.Key.NO_ADDRESS)));
                satisfiesMtaSts.add(false);
                continue;
            }
            for (String ip : h.addresses()) {
                ProbeVerdict v = byTarget.get(ip + "|" + h.name());
                if (v == null && allowMissing) {
                    hosts.add(new MxHostVerdict(h.name(), h.preference(), ip, null, null, HostOutcome.MISSING,
                            "no-probe-result", h.addressDnssec(), once.get(), null));
                    satisfiesMtaSts.add(false);
                    continue;
                }
                if (v == null) {
                    throw new IllegalArgumentException("no probe for " + h.name() + " at " + ip);
                }
                hosts.add(new MxHostVerdict(h.name(), h.preference(), ip, v.level(), v.certType(), HostOutcome.of(v.outcome()),
                        v.reason(), h.addressDnssec(), once.get(), addressFailure != null ? addressFailure : v.dane(),
                        v.pkix()));
                satisfiesMtaSts.add(v.satisfiesMtaSts());
            }
        }
        MtaStsPolicy enforced = MtaStsSender.enforced(dns, policy);
        hosts = MtaStsSender.mark(hosts, satisfiesMtaSts, enforced);
        StsVerdict sts = hosts.isEmpty() ? null : MtaStsSender.verdict(dns, policy, hosts);
        if (sts != null && policy == null && dns.policyKey() != null) {
            missing.add(dns.policyKey());
        }
        List<Level> levels = hosts.stream().map(MxHostVerdict::level).filter(l -> l != null).toList();
        Level worst = levels.stream().min(Comparator.comparingInt(Level::rank)).orElse(null);
        Level best = levels.stream().max(Comparator.comparingInt(Level::rank)).orElse(null);
        Delivery delivery = null;
        String why = null;
        DaneDelivery judged = daneDelivery(dns, hosts, h -> daneRefusal(h));
        if (judged != null) {
            delivery = judged.delivery();
            why = judged.reason();
        }
        // RFC 8461 section 2: a sender doing both uses DANE for the hosts with TLSA records, MTA-STS for the others
        DaneDelivery both = daneDelivery(dns, hosts, h -> {
            boolean dane = h.dane() != null && h.dane().status() != DaneStatus.NONE;
            String refusal = daneRefusal(h);
            return dane || refusal != null ? refusal : MtaStsSender.refusal(h, enforced);
        });
        return new DomainResult(dns.scanId(), dns.domain(), dns.rank(), dns.outcome(), dns.reason(), hosts, worst,
                best, coverage(levels), at, dns.mxDnssec(), dns.mxDnssecReason(), dns.mtaSts(), dns.tlsRpt(),
                dns.lookups(), daneCoverage(hosts), delivery, why, missing, dns.truncated(), sts,
                both == null ? null : both.delivery(), both == null ? null : both.reason());
    }

    /**
     * RFC 7672 sections 2.1.1 and 2.2: address records that are bogus or could not be validated
     * make a DANE sender skip the host, as a failed TLSA lookup would; null when they validated.
     */
    private static DaneResult addressFailure(MxHost h) {
        DnssecStatus s = h.addressDnssec();
        if (s == DnssecStatus.BOGUS || s == DnssecStatus.INDETERMINATE) {
            return DaneResult.of(DaneStatus.BOGUS,
                    s == DnssecStatus.BOGUS ? DaneReason.Key.ADDRESS_BOGUS : DaneReason.Key.ADDRESS_INDETERMINATE);
        }
        return null;
    }

    /** The row of a domain whose verdict could not be assembled: nothing is lost, the error is named. */
    public static DomainResult failed(DnsResult dns, Instant at, RuntimeException error) {
        String why = "aggregator-error: " + error.getClass().getSimpleName()
                + (error.getMessage() == null ? "" : ": " + error.getMessage());
        return new DomainResult(dns.scanId(), dns.domain(), dns.rank(), dns.outcome(),
                why.length() > 500 ? why.substring(0, 500) : why, List.of(), null, null, Coverage.NOT_APPLICABLE, at,
                dns.mxDnssec(), dns.mxDnssecReason(), dns.mtaSts(), dns.tlsRpt(), dns.lookups(), null, null, null,
                List.of());
    }

    /** Over the addresses that were probed: are all, some or none DANE-valid? */
    static Coverage daneCoverage(List<MxHostVerdict> hosts) {
        List<MxHostVerdict> probed = hosts.stream().filter(h -> h.level() != null && h.ip() != null).toList();
        if (probed.isEmpty()) {
            return Coverage.NOT_APPLICABLE;
        }
        long valid = probed.stream().filter(h -> h.dane() != null && h.dane().status() == DaneStatus.VALID).count();
        return valid == probed.size() ? Coverage.ALL : valid == 0 ? Coverage.NONE : Coverage.SOME;
    }

    /**
     * What a DANE-enforcing sender (RFC 7672) would do: bounce when the domain takes no mail;
     * defer when the MX answer cannot be trusted or no MX host address would take the mail under
     * DANE's rules (a bogus or failed TLSA lookup, usable TLSA records that do not match, TLS
     * required by unusable-only records but not established, or no connection); deliver when one
     * would. Hosts without DANE are used opportunistically (plaintext included). Null when no
     * address was probed (skipped by policy): nothing to say.
     */
    /** What a DANE sender does, and why when it does not deliver. */
    record DaneDelivery(Delivery delivery, String reason) {
    }

    static DaneDelivery daneDelivery(DnsResult dns, List<MxHostVerdict> hosts) {
        return daneDelivery(dns, hosts, h -> daneRefusal(h));
    }

    /** As a sender whose refusal of one probed address {@code refusal} says (null: it delivers there). */
    static DaneDelivery daneDelivery(DnsResult dns, List<MxHostVerdict> hosts, Function<MxHostVerdict, String> refusal) {
        DnssecStatus mx = dns.mxDnssec();
        if (mx == DnssecStatus.BOGUS || mx == DnssecStatus.INDETERMINATE) {
            return new DaneDelivery(Delivery.DEFER, "mx-" + mx.key());
        }
        switch (dns.outcome()) {
            case NULL_MX, NXDOMAIN, NO_MAIL_HOST -> {
                return new DaneDelivery(Delivery.BOUNCE, dns.outcome().key());
            }
            case SERVFAIL, TIMEOUT, ERROR -> {
                return new DaneDelivery(Delivery.DEFER, "mx-" + dns.outcome().key());
            }
            default -> {
            }
        }
        TreeSet<String> reasons = new TreeSet<>();
        boolean anyJudged = false;
        for (MxHostVerdict h : hosts) {
            if (h.ip() == null) {
                reasons.add(h.dane() != null && h.dane().status() == DaneStatus.BOGUS ? h.dane().reason().text()
                        : "no-address");
                anyJudged = true;
                continue;
            }
            if (h.level() == null) {
                continue; // not contacted (opt-out, non-public address)
            }
            anyJudged = true;
            String refused = refusal.apply(h);
            if (refused == null) {
                return new DaneDelivery(Delivery.DELIVER, null);
            }
            reasons.add(refused);
        }
        return anyJudged ? new DaneDelivery(Delivery.DEFER, String.join(",", reasons)) : null;
    }

    /** Why a DANE sender would not hand mail to this address, or null when it would. */
    private static String daneRefusal(MxHostVerdict h) {
        DaneStatus dane = h.dane() == null ? DaneStatus.NONE : h.dane().status();
        if (dane == DaneStatus.BOGUS) {
            // the sender does not even connect
            return h.dane().because(DaneReason.Key.ADDRESS_BOGUS) || h.dane().because(DaneReason.Key.ADDRESS_INDETERMINATE)
                    ? h.dane().reason().text() : "tlsa-bogus";
        }
        if (h.level() == Level.UNREACHABLE) {
            return "unreachable";
        }
        boolean tls = h.level().hasTls();
        return switch (dane) {
            case VALID, NONE -> null; // without DANE: opportunistic TLS, plaintext as a fallback
            case MISMATCH -> tls ? "dane-mismatch" : "dane-no-tls";
            case UNUSABLE_ONLY -> tls ? null : "dane-no-tls";
            case BOGUS -> "tlsa-bogus";
        };
    }

    /** Over the addresses that answered: did all, some or none establish TLS? */
    static Coverage coverage(List<Level> levels) {
        List<Level> reached = levels.stream().filter(l -> l != Level.UNREACHABLE).toList();
        if (reached.isEmpty()) {
            return Coverage.NOT_APPLICABLE;
        }
        long tls = reached.stream().filter(Level::hasTls).count();
        return tls == reached.size() ? Coverage.ALL : tls == 0 ? Coverage.NONE : Coverage.SOME;
    }
}
