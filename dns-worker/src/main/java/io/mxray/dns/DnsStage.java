package io.mxray.dns;

import io.mxray.dns.dnssec.SecureResolver;
import io.mxray.dns.dnssec.Validated;
import io.mxray.schema.Bounds;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.DomainTask;
import io.mxray.schema.IpText;
import io.mxray.schema.LookupOutcome;
import io.mxray.schema.MtaStsTxt;
import io.mxray.schema.MxHost;
import io.mxray.schema.PolicyReason;
import io.mxray.schema.PolicyRequest;
import io.mxray.schema.PolicyResult;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.TlsRptTxt;
import io.mxray.schema.TlsaDecision;
import io.mxray.schema.TlsaLookup;
import io.mxray.schema.TlsaRecord;
import io.mxray.schema.TxtStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DNS stage: finds where a domain's mail goes, what DNSSEC says about each answer, and what a
 * DANE- or MTA-STS-aware sender would look up.
 *
 * <ul>
 *   <li>MX per RFC 5321 section 5.1: MX records sorted by preference; no MX but an address at the
 *       domain means an implicit MX; a single MX with the root as exchange is a null MX (RFC 7505).</li>
 *   <li>Each MX host's A and AAAA records, concurrently, with their DNSSEC status; a provider's
 *       host is resolved once per scan (and per worker) for all the domains it serves.</li>
 *   <li>TLSA at {@code _25._tcp.<host>} per RFC 7672 section 2.2: only when the host's addresses
 *       are secure (also under an insecure MX RRset, which is recorded); after a fully secure CNAME
 *       chain the expanded name is tried first and becomes the TLSA base domain.</li>
 *   <li>The MTA-STS and TLS-RPT TXT records of the domain.</li>
 * </ul>
 * One probe per distinct (address, MX host name, TLSA set).
 */
public final class DnsStage {
    private final DnsConfig config;
    private final Lookups lookups;
    private final Clock clock;
    private final Function<Name, CompletableFuture<Void>> prepare;
    private final Map<String, Map<String, CompletableFuture<HostFacts>>> hostCache = new LinkedHashMap<>(16, 0.75f,
            true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, CompletableFuture<HostFacts>>> eldest) {
            return size() > 4; // scans remembered; a running scan is always the most recent
        }
    };

    /** Statuses from the resolver's AD bit and Extended DNS Errors (unit tests with scripted answers). */
    public DnsStage(DnsConfig config, Resolver resolver, Clock clock) {
        this(config, new AdBitResolver(resolver, null), clock);
    }

    /**
     * Statuses from a validating resolver's AD bit and Extended DNS Errors (dnsjava's validator).
     *
     * @param direct the non-validating resolver below it (content of bogus answers), or null
     */
    public DnsStage(DnsConfig config, Resolver resolver, Resolver direct, Clock clock) {
        this(config, new AdBitResolver(resolver, direct), clock);
    }

    /** @param resolver mxray's validator, or another source of validated answers */
    public DnsStage(DnsConfig config, SecureResolver resolver, Clock clock) {
        this(config, resolver, clock, name -> CompletableFuture.completedFuture(null));
    }

    /**
     * @param prepare run before a domain's lookups (dnsjava's validator primes per-TLD anchors), may do nothing
     */
    public DnsStage(DnsConfig config, SecureResolver resolver, Clock clock,
                    Function<Name, CompletableFuture<Void>> prepare) {
        this.config = Objects.requireNonNull(config);
        this.lookups = new Lookups(Objects.requireNonNull(resolver), config);
        this.clock = Objects.requireNonNull(clock);
        this.prepare = Objects.requireNonNull(prepare);
    }

    public CompletionStage<DnsResolution> resolve(DomainTask task) {
        Instant start = clock.instant();
        Lookups.Budget budget = new Lookups.Budget(config.maxLookupsPerDomain());
        Name domain;
        try {
            domain = Name.fromString(task.domain() + ".");
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(finish(task, start, DnsOutcome.ERROR, "unparsable-name",
                    null, List.of(), null, budget));
        }
        return prepare.apply(domain).thenCompose(x -> lookups.lookup(domain, Type.MX, budget)).thenCompose(mx -> switch (mx.outcome()) {
            case OK -> fromMx(task, start, domain, mx, budget);
            case NODATA -> implicitMx(task, start, domain, mx, budget);
            case NXDOMAIN -> done(task, start, DnsOutcome.NXDOMAIN, null, mx, budget);
            case SERVFAIL -> done(task, start, DnsOutcome.SERVFAIL, mx.reason(), mx, budget);
            case TIMEOUT -> done(task, start, DnsOutcome.TIMEOUT, mx.reason(), mx, budget);
            case ERROR -> done(task, start, DnsOutcome.ERROR, mx.reason(), mx, budget);
        });
    }

    private CompletionStage<DnsResolution> done(DomainTask task, Instant start, DnsOutcome outcome, String reason,
                                                Answer mx, Lookups.Budget budget) {
        return CompletableFuture.completedFuture(finish(task, start, outcome, reason, mx, List.of(), null, budget));
    }

    private CompletionStage<DnsResolution> fromMx(DomainTask task, Instant start, Name domain, Answer mx,
                                                  Lookups.Budget budget) {
        List<MXRecord> records = new ArrayList<>();
        for (Record r : mx.records()) {
            records.add((MXRecord) r);
        }
        // RFC 7505 section 3: a single MX whose exchange is the root
        if (records.size() == 1 && records.get(0).getTarget().equals(Name.root)) {
            return withPolicies(domain, budget, false).thenApply(p -> finish(task, start, DnsOutcome.NULL_MX, null, mx, List.of(),
                    p, budget));
        }
        String reason = null;
        Map<String, Integer> hosts = new LinkedHashMap<>();
        records.sort(Comparator.comparingInt(MXRecord::getPriority).thenComparing(r -> r.getTarget().toString()));
        for (MXRecord r : records) {
            if (r.getTarget().equals(Name.root)) {
                reason = "null-mx-among-others"; // RFC 7505 section 3: must not coexist; the others are used
                continue;
            }
            hosts.putIfAbsent(hostName(r.getTarget()), r.getPriority());
        }
        if (hosts.isEmpty()) {
            return done(task, start, DnsOutcome.NULL_MX, reason, mx, budget);
        }
        if (hosts.size() > config.maxMxHosts()) {
            reason = "mx-hosts-truncated";
            Map<String, Integer> kept = new LinkedHashMap<>();
            hosts.entrySet().stream().limit(config.maxMxHosts()).forEach(e -> kept.put(e.getKey(), e.getValue()));
            hosts = kept;
        }
        final String why = reason;
        Map<String, CompletableFuture<HostFacts>> facts = new LinkedHashMap<>();
        hosts.keySet().forEach(h -> facts.put(h, host(task.scanId(), h, budget)));
        CompletableFuture<Policies> policies = withPolicies(domain, budget, true).toCompletableFuture();
        final Map<String, Integer> prefs = hosts;
        return CompletableFuture.allOf(facts.values().toArray(CompletableFuture[]::new)).thenCombine(policies, (x, p) -> {
            List<MxHost> list = new ArrayList<>();
            prefs.forEach((name, pref) -> list.add(mxHost(name, pref, facts.get(name).join(), mx.dnssec())));
            return finish(task, start, DnsOutcome.MX, why, mx, list, p, budget);
        });
    }

    /** RFC 5321 section 5.1: no MX RRset, so the domain itself is the mail host if it has an address. */
    private CompletionStage<DnsResolution> implicitMx(DomainTask task, Instant start, Name domain, Answer mx,
                                                      Lookups.Budget budget) {
        CompletableFuture<Policies> policies = withPolicies(domain, budget, true).toCompletableFuture();
        return host(task.scanId(), task.domain(), budget).thenCombine(policies, (facts, p) -> {
            if (facts.outcome() == LookupOutcome.OK) {
                return finish(task, start, DnsOutcome.IMPLICIT_MX, null, mx,
                        List.of(mxHost(task.domain(), 0, facts, mx.dnssec())), p, budget);
            }
            if (facts.outcome() == LookupOutcome.NODATA || facts.outcome() == LookupOutcome.NXDOMAIN) {
                return finish(task, start, DnsOutcome.NO_MAIL_HOST, null, mx, List.of(), p, budget);
            }
            DnsOutcome o = switch (facts.outcome()) {
                case SERVFAIL -> DnsOutcome.SERVFAIL;
                case TIMEOUT -> DnsOutcome.TIMEOUT;
                default -> DnsOutcome.ERROR;
            };
            return finish(task, start, o, "implicit-mx-address-" + facts.reason(), mx, List.of(), p,
                    budget);
        });
    }

    /** The host's facts, resolved once per scan; a domain's budget pays only for the first resolution. */
    private CompletableFuture<HostFacts> host(String scanId, String host, Lookups.Budget budget) {
        Map<String, CompletableFuture<HostFacts>> scan;
        synchronized (hostCache) {
            scan = hostCache.computeIfAbsent(scanId, k -> new ConcurrentHashMap<>());
        }
        CompletableFuture<HostFacts> fresh = new CompletableFuture<>();
        CompletableFuture<HostFacts> known = scan.size() < config.hostCacheSize() ? scan.putIfAbsent(host, fresh) : null;
        if (known != null) {
            return known;
        }
        resolveHost(host, budget).whenComplete((f, e) -> {
            if (e != null || failed(f)) {
                // not kept: a timeout or a SERVFAIL may be the resolver's (it may be back for the next domain)
                scan.remove(host, fresh);
            }
            if (e != null) {
                fresh.completeExceptionally(e);
            } else {
                fresh.complete(f);
            }
        });
        return fresh;
    }

    /** A host's lookups that ended in a way a failing resolver would cause. */
    private static boolean failed(HostFacts f) {
        return f.outcome() == LookupOutcome.TIMEOUT || f.outcome() == LookupOutcome.SERVFAIL
                || (f.dnssecReason() != null && f.dnssecReason().startsWith(Validated.RESOLVER))
                || (f.tlsa() != null && f.tlsa().lookedUp() && f.tlsa().failed());
    }

    /** A and AAAA of one MX host, concurrently; then its TLSA lookup when RFC 7672 asks for one. */
    private CompletionStage<HostFacts> resolveHost(String host, Lookups.Budget budget) {
        Name name;
        try {
            name = Name.fromString(host + ".");
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new HostFacts(List.of(), LookupOutcome.ERROR, "unparsable-name",
                    List.of(), null, null, false, null, 0));
        }
        int before = budget.used();
        CompletableFuture<Answer> a = lookups.lookup(name, Type.A, budget).toCompletableFuture();
        CompletableFuture<Answer> aaaa = lookups.lookup(name, Type.AAAA, budget).toCompletableFuture();
        return a.thenCombine(aaaa, (v4, v6) -> addresses(v4, v6)).thenCompose(f -> {
            if (f.outcome() != LookupOutcome.OK) {
                return CompletableFuture.completedFuture(f);
            }
            return tlsa(host, f, budget).thenApply(t -> new HostFacts(f.addresses(), f.outcome(), f.reason(),
                    f.cnameChain(), f.dnssec(), f.dnssecReason(), f.chainSecure(), t, budget.used() - before));
        });
    }

    private HostFacts addresses(Answer v4, Answer v6) {
        Set<String> ips = new LinkedHashSet<>();
        for (Record r : v4.records()) {
            ips.add(IpText.of(((ARecord) r).getAddress()));
        }
        for (Record r : v6.records()) {
            ips.add(IpText.of(((AAAARecord) r).getAddress()));
        }
        List<String> chain = (v4.cnameChain().isEmpty() ? v6 : v4).cnameChain().stream().map(DnsStage::hostName).toList();
        DnssecStatus status = DnssecAnswers.worse(v4.dnssec(), v6.dnssec());
        String dnssecReason = v4.dnssecReason() != null ? v4.dnssecReason() : v6.dnssecReason();
        boolean chainSecure = v4.dnssec() == DnssecStatus.SECURE && v6.dnssec() == DnssecStatus.SECURE;
        List<String> kept = ips.stream().limit(config.maxAddresses()).toList();
        if (!kept.isEmpty()) {
            String reason = ips.size() > kept.size() ? "addresses-truncated"
                    : v4.isFailure() ? "a-" + v4.reason() : v6.isFailure() ? "aaaa-" + v6.reason() : null;
            return new HostFacts(kept, LookupOutcome.OK, reason, chain, status, dnssecReason, chainSecure, null, 0);
        }
        // no address: report the more telling of the two outcomes (a failure beats "no data")
        Answer worse = v4.isFailure() ? v4 : v6.isFailure() ? v6 : v4;
        return new HostFacts(List.of(), worse.outcome(), worse.reason(), chain, status, dnssecReason, chainSecure, null,
                0);
    }

    /**
     * RFC 7672 section 2.2: TLSA records are looked up only for a host whose address records are
     * DNSSEC-secure. When the addresses came through a secure CNAME chain, the expanded name is
     * tried first (section 2.2.2) and, if it has no TLSA RRset, the original name.
     */
    private CompletionStage<TlsaLookup> tlsa(String host, HostFacts f, Lookups.Budget budget) {
        if (f.dnssec() != DnssecStatus.SECURE) {
            return CompletableFuture.completedFuture(TlsaLookup.skipped(TlsaDecision.skipped(f.dnssec())));
        }
        List<String> bases = new ArrayList<>();
        if (!f.cnameChain().isEmpty() && f.chainSecure()) {
            bases.add(f.cnameChain().get(f.cnameChain().size() - 1));
        }
        bases.add(host);
        return tlsaAt(bases, 0, budget);
    }

    private CompletionStage<TlsaLookup> tlsaAt(List<String> bases, int i, Lookups.Budget budget) {
        String base = bases.get(i);
        Name name;
        try {
            name = Name.fromString("_25._tcp." + base + ".");
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new TlsaLookup(TlsaDecision.LOOKED_UP, base, LookupOutcome.ERROR, null,
                    "unparsable-name", List.of()));
        }
        return lookups.lookup(name, Type.TLSA, budget).thenCompose(a -> {
            // RFC 7672 section 2.2.2: only a denial that validated (secure, or proven insecure) sends
            // the sender on to the original name; a bogus or indeterminate one is a failed lookup
            boolean none = a.outcome() == LookupOutcome.NODATA || a.outcome() == LookupOutcome.NXDOMAIN;
            boolean judged = a.dnssec() == DnssecStatus.SECURE || a.dnssec() == DnssecStatus.INSECURE;
            if (none && judged && i + 1 < bases.size()) {
                return tlsaAt(bases, i + 1, budget);
            }
            List<TlsaRecord> records = new ArrayList<>();
            for (Record r : a.records()) {
                TLSARecord t = (TLSARecord) r;
                records.add(TlsaRecord.of(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(),
                        HexFormat.of().formatHex(t.getCertificateAssociationData())));
            }
            return CompletableFuture.completedFuture(TlsaLookup.bounded(TlsaDecision.LOOKED_UP, base, a.outcome(),
                    a.dnssec(), a.dnssecReason() != null ? a.dnssecReason() : a.reason(), records));
        });
    }

    private MxHost mxHost(String name, int preference, HostFacts f, DnssecStatus mxDnssec) {
        TlsaLookup t = f.tlsa();
        if (t != null && t.lookedUp() && mxDnssec != DnssecStatus.SECURE) {
            // RFC 7672 2.2: the host's records may be used although the MX RRset is not secure; say so
            t = new TlsaLookup(TlsaDecision.LOOKED_UP_MX_INSECURE, t.base(), t.outcome(), t.dnssec(), t.reason(), t.records(),
                    t.dropped());
        }
        return new MxHost(name, preference, f.addresses(), f.outcome(), f.reason(), f.cnameChain(), f.dnssec(),
                f.dnssecReason(), t);
    }

    /**
     * The domain's MTA-STS and TLS-RPT records, what of them was cut, and where a valid MTA-STS
     * record sends the policy fetch.
     */
    private record Policies(MtaStsTxt mtaSts, TlsRptTxt tlsRpt, List<String> cut, PolicyHost host) {
        Policies(MtaStsTxt mtaSts, TlsRptTxt tlsRpt) {
            this(mtaSts, tlsRpt, List.of(), null);
        }

        Policies with(PolicyHost h) {
            return new Policies(mtaSts, tlsRpt, cut, h);
        }
    }

    /** The addresses of {@code mta-sts.<domain>}, or why it has none to fetch from. */
    private record PolicyHost(List<String> addresses, PolicyReason failure) {
    }

    /** @param mail whether the domain has MX hosts to deliver to (else no policy is looked for: none to enforce) */
    private CompletionStage<Policies> withPolicies(Name domain, Lookups.Budget budget, boolean mail) {
        CompletableFuture<Answer> sts = txt("_mta-sts", domain, budget);
        CompletableFuture<Answer> rpt = txt("_smtp._tls", domain, budget);
        return sts.thenCombine(rpt, (s, r) -> bounded(new Policies(
                s.isFailure() ? new MtaStsTxt(TxtStatus.LOOKUP_FAILED, null, failureKey(s), s.dnssec(), List.of())
                        : PolicyRecords.mtaSts(texts(s), s.dnssec()),
                r.isFailure() ? new TlsRptTxt(TxtStatus.LOOKUP_FAILED, null, failureKey(r), r.dnssec(), List.of())
                        : PolicyRecords.tlsRpt(texts(r), r.dnssec()))))
                .thenCompose(p -> !mail || p.mtaSts().status() != TxtStatus.VALID ? CompletableFuture.completedFuture(p)
                        : policyHost(domain, budget).thenApply(p::with));
    }

    /**
     * RFC 8461 section 3.3: the policy comes from {@code mta-sts.<domain>}, whose addresses are
     * looked up as an MX host's are (validated, bounded); an answer a validating resolver would
     * refuse (bogus) is a failed lookup. DNSSEC is not asked for: MTA-STS rests on the web PKI.
     */
    private CompletionStage<PolicyHost> policyHost(Name domain, Lookups.Budget budget) {
        Name name;
        try {
            name = Name.concatenate(Name.fromString("mta-sts"), domain);
        } catch (TextParseException | NameTooLongException e) {
            return CompletableFuture.completedFuture(new PolicyHost(List.of(),
                    new PolicyReason(PolicyReason.Key.HOST_LOOKUP_FAILED, "name-too-long")));
        }
        CompletableFuture<Answer> a = lookups.lookup(name, Type.A, budget).toCompletableFuture();
        CompletableFuture<Answer> aaaa = lookups.lookup(name, Type.AAAA, budget).toCompletableFuture();
        return a.thenCombine(aaaa, (v4, v6) -> {
            HostFacts f = addresses(v4, v6);
            if (f.dnssec() == DnssecStatus.BOGUS) {
                return new PolicyHost(List.of(), new PolicyReason(PolicyReason.Key.HOST_LOOKUP_FAILED, "bogus"));
            }
            if (!f.addresses().isEmpty()) {
                return new PolicyHost(f.addresses(), null);
            }
            return new PolicyHost(List.of(), switch (f.outcome()) {
                case NXDOMAIN -> PolicyReason.of(PolicyReason.Key.HOST_NXDOMAIN);
                case NODATA -> PolicyReason.of(PolicyReason.Key.HOST_NO_ADDRESS);
                default -> new PolicyReason(PolicyReason.Key.HOST_LOOKUP_FAILED, f.outcome().key());
            });
        });
    }

    /** The policy records as kept ({@link Bounds}): parsed in full, stored in part, cuts named. */
    private static Policies bounded(Policies p) {
        Bounds.Kept sts = Bounds.lines(p.mtaSts().records(), Bounds.TXT_RECORDS, Bounds.TXT_CHARS);
        Bounds.Kept rpt = Bounds.lines(p.tlsRpt().records(), Bounds.TXT_RECORDS, Bounds.TXT_CHARS);
        Bounds.Kept rua = Bounds.lines(p.tlsRpt().rua(), Bounds.TXT_RECORDS, Bounds.TXT_CHARS);
        List<String> cut = new ArrayList<>(2);
        if (sts.cut() || Bounds.cuts(p.mtaSts().id(), Bounds.TXT_CHARS)) {
            cut.add("mta-sts-txt");
        }
        if (rpt.cut() || rua.cut()) {
            cut.add("tls-rpt-txt");
        }
        MtaStsTxt m = p.mtaSts();
        TlsRptTxt t = p.tlsRpt();
        return new Policies(new MtaStsTxt(m.status(), Bounds.text(m.id(), Bounds.TXT_CHARS), m.reason(), m.dnssec(),
                sts.lines()), new TlsRptTxt(t.status(), rua.lines(), t.reason(), t.dnssec(), rpt.lines()), cut,
                p.host());
    }

    private static String failureKey(Answer a) {
        return a.dnssec() == DnssecStatus.BOGUS ? "bogus" + (a.dnssecReason() == null ? "" : ":" + a.dnssecReason())
                : a.reason();
    }

    private CompletableFuture<Answer> txt(String label, Name domain, Lookups.Budget budget) {
        try {
            return lookups.lookup(Name.concatenate(Name.fromString(label), domain), Type.TXT, budget)
                    .thenApply(a -> a.dnssec() == DnssecStatus.BOGUS && a.outcome() == LookupOutcome.OK
                            ? new Answer(LookupOutcome.SERVFAIL, "bogus", List.of(), List.of(), a.dnssec(),
                            a.dnssecReason()) : a)
                    .toCompletableFuture();
        } catch (TextParseException | NameTooLongException e) {
            return CompletableFuture.completedFuture(Answer.failure(LookupOutcome.ERROR, "name-too-long"));
        }
    }

    /** Each TXT record's strings, joined (RFC 8461 3.1, RFC 7208 3.3). */
    private static List<String> texts(Answer a) {
        List<String> out = new ArrayList<>();
        for (Record r : a.records()) {
            out.add(String.join("", ((TXTRecord) r).getStrings()));
        }
        return out;
    }

    private DnsResolution finish(DomainTask task, Instant start, DnsOutcome outcome, String reason, Answer mx,
                                 List<MxHost> hosts, Policies policies, Lookups.Budget budget) {
        Instant end = clock.instant();
        List<ProbeRequest> probes = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (MxHost h : hosts) {
            // the probe judges DANE from the lookup, or from why there was none when that makes a
            // DANE sender defer (bogus addresses)
            TlsaLookup t = h.tlsa() != null && (h.tlsa().lookedUp() || h.tlsa().addressFailed()) ? h.tlsa() : null;
            for (String ip : h.addresses()) {
                ProbeRequest p = ProbeRequest.of(task.scanId(), ip, config.smtpPort(), h.name(), t)
                        .withAliases(h.cnameChain());
                if (keys.add(p.probeKey())) {
                    probes.add(p);
                }
            }
        }
        DnssecStatus mxDnssec = mx == null ? null : mx.dnssec();
        String mxReason = mx == null ? null : mx.dnssecReason();
        List<String> truncated = new ArrayList<>();
        for (MxHost h : hosts) {
            if (h.tlsa() != null && h.tlsa().dropped() != null) {
                truncated.add("tlsa:" + h.name());
            }
        }
        if (policies != null) {
            truncated.addAll(policies.cut());
        }
        // a policy is fetched for a domain that takes mail from some MX host: without one, nothing to enforce
        PolicyRequest fetch = null;
        PolicyResult decided = null;
        String policyKey = null;
        if (policies != null && policies.host() != null && !hosts.isEmpty()) {
            String id = policies.mtaSts().id();
            if (policies.host().failure() == null) {
                fetch = PolicyRequest.of(task.scanId(), task.domain(), id, policies.host().addresses());
                policyKey = fetch.policyKey();
            } else {
                decided = PolicyResult.failed(task.scanId(), task.domain(), id, policies.host().failure(), end);
                policyKey = decided.policyKey();
            }
        }
        DnsResult result = new DnsResult(task.scanId(), task.domain(), task.rank(), outcome, reason, hosts,
                List.copyOf(keys), end, end.toEpochMilli() - start.toEpochMilli(), mxDnssec, mxReason,
                policies == null ? null : policies.mtaSts(), policies == null ? null : policies.tlsRpt(), budget.used(),
                truncated, policyKey);
        return new DnsResolution(result, probes, fetch, decided);
    }

    /** Lower case, without the trailing dot: the form names take in results. */
    static String hostName(Name name) {
        return name.toString(true).toLowerCase(Locale.ROOT);
    }

    /** Lookups holding one of the {@code --dns-in-flight} permits now (their validation included). */
    public int lookupsInFlight() {
        return lookups.inFlight();
    }

    /** Lookups waiting for a permit now: when this stays high, the permits are what limits the stage. */
    public int lookupsWaiting() {
        return lookups.waiting();
    }

    /** Queries sent so far, for the benchmark. */
    public int queriesSent() {
        return lookups.sent();
    }
}
