package io.mxray.check;

import io.mxray.dns.DnsConfig;
import io.mxray.dns.DnsResolution;
import io.mxray.dns.DnsStage;
import io.mxray.dns.ResolverHealth;
import io.mxray.dns.Resolvers;
import io.mxray.runtime.OptOut;
import io.mxray.schema.CertificateFacts;
import io.mxray.schema.CheckAdvice;
import io.mxray.schema.CheckResult;
import io.mxray.schema.CheckStatus;
import io.mxray.schema.CheckedAddress;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.DomainResult;
import io.mxray.schema.DomainTask;
import io.mxray.schema.Level;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.TlsaLookup;
import io.mxray.schema.TlsaMatch;
import io.mxray.schema.TlsaRecord;
import io.mxray.smtp.SmtpConfig;
import io.mxray.policy.PolicyConfig;
import io.mxray.policy.PolicyFetcher;
import io.mxray.schema.PolicyResult;
import io.mxray.smtp.SmtpStage;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.DaneJudge;
import io.mxray.verdict.DomainName;
import io.mxray.verdict.DomainVerdicts;
import io.mxray.verdict.Judgement;
import io.mxray.verdict.ProbeVerdict;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * One domain, now, explained: the DNS stage and the SMTP stage of the pipeline run in this JVM,
 * without Kafka or a database, and their results are assembled as the aggregator would, then
 * read for advice ({@link Advisor}).
 */
public final class Checker implements AutoCloseable {
    /** The DNS stage remembers MX hosts per scan: one "scan" per checker shares a provider's host. */
    private static final String SCAN = "check";

    private final Resolvers resolvers;
    private final DnsStage dns;
    private final CompletableFuture<Probing> smtp;
    private final OptOut optOut;
    private final Clock clock;

    /** The SMTP stage, the MTA-STS policy fetch and the judge they use, made together off the calling thread. */
    private record Probing(CertificateJudge judge, SmtpStage stage, PolicyFetcher policies) {
    }

    public Checker(DnsConfig dnsConfig, SmtpConfig smtpConfig, CertificateJudge judge, Clock clock) {
        this(dnsConfig, smtpConfig, () -> judge, clock);
    }

    public Checker(DnsConfig dnsConfig, SmtpConfig smtpConfig, Supplier<CertificateJudge> judge, Clock clock) {
        this(dnsConfig, smtpConfig, Integer.parseInt(PolicyConfig.PORT), judge, clock);
    }

    /**
     * @param judge made on another thread, with the TLS client context: reading a CA bundle and
     *              building the context take a few hundred milliseconds, the DNS lookups need neither
     */
    public Checker(DnsConfig dnsConfig, SmtpConfig smtpConfig, int httpsPort, Supplier<CertificateJudge> judge,
                   Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        this.optOut = smtpConfig.optOut();
        Objects.requireNonNull(judge);
        this.smtp = CompletableFuture.supplyAsync(() -> {
            CertificateJudge j = Objects.requireNonNull(judge.get(), "judge");
            PolicyConfig policy = PolicyConfig.politeAs(smtpConfig.perIpConnections(), smtpConfig.perIpInterval(),
                    smtpConfig.allowNonPublic(), smtpConfig.optOut(), httpsPort);
            return new Probing(j, new SmtpStage(smtpConfig, j, clock), new PolicyFetcher(policy, j, clock));
        }, runnable -> {
            Thread t = new Thread(runnable, "mxray-check-tls");
            t.setDaemon(true);
            t.start();
        });
        try {
            this.resolvers = Resolvers.create(dnsConfig, clock);
        } catch (RuntimeException e) { // an unreadable trust anchor, say: the SMTP stage goes too
            smtp.thenAccept(p -> {
                p.stage().close();
                p.policies().close();
            });
            throw e;
        }
        this.dns = resolvers.stage(dnsConfig, clock);
    }

    /** Never completes exceptionally: whatever fails is a finding of the result. */
    public CompletableFuture<CheckResult> check(String input) {
        Instant start = clock.instant();
        DomainName.Result name = DomainName.normalize(input);
        if (name instanceof DomainName.Invalid invalid) {
            return CompletableFuture.completedFuture(unusable(input, null, start, "unusable-name",
                    "\"" + input.strip() + "\" is not a domain name: " + invalid.detail() + "."));
        }
        String domain = ((DomainName.Valid) name).name();
        if (optOut.covers(domain)) {
            return CompletableFuture.completedFuture(unusable(input, domain, start, "opted-out",
                    domain + " is on the opt-out list: mxray does not contact its mail servers."));
        }
        return dns.resolve(new DomainTask(SCAN, domain, null, 0)).toCompletableFuture()
                .thenCompose(resolution -> probeAll(input, domain, start, resolution))
                .exceptionally(e -> unusable(input, domain, start, "check-failed",
                        "the check of " + domain + " failed: " + rootMessage(e)));
    }

    private CompletableFuture<CheckResult> probeAll(String input, String domain, Instant start, DnsResolution res) {
        List<CompletableFuture<CheckedAddress>> addresses = new ArrayList<>();
        for (ProbeRequest request : res.probes()) {
            CompletableFuture<List<String>> ignored = ignoredTlsa(request.tlsa(), request.mxHost());
            addresses.add(smtp.thenCompose(p -> p.stage().probe(request).thenApply(r -> Map.entry(p.judge(), r)))
                    .thenCombine(ignored, (probe, extra) -> examine(request, probe.getValue(), extra, probe.getKey())));
        }
        CompletableFuture<PolicyResult> policy = res.policy() != null
                ? smtp.thenCompose(p -> p.policies().fetch(res.policy()))
                : CompletableFuture.completedFuture(res.policyDecided());
        return CompletableFuture.allOf(addresses.toArray(CompletableFuture[]::new)).thenCombine(policy, (v, fetched) -> {
            List<CheckedAddress> checked = addresses.stream().map(CompletableFuture::join).toList();
            Map<String, ProbeVerdict> verdicts = new HashMap<>();
            checked.forEach(a -> verdicts.put(a.probe().probeKey(), ProbeVerdict.of(a.probe())));
            Instant now = clock.instant();
            DomainResult verdict = DomainVerdicts.assemble(res.result(), verdicts, fetched, now);
            List<CheckAdvice> advice = Advisor.advise(res.result(), checked, verdict, now);
            return new CheckResult(input, domain, CheckStatus.worst(advice.stream().map(CheckAdvice::status).toList()),
                    null, start, Duration.between(start, now).toMillis(), res.result(), checked, verdict, advice,
                    fetched);
        });
    }

    /** The probe, and what a person needs besides: web PKI's own word, the chain, each TLSA record's fate. */
    private static CheckedAddress examine(ProbeRequest request, ProbeResult probe, List<String> ignoredTlsa,
                                          CertificateJudge judge) {
        List<X509Certificate> chain = probe.tls() == null ? List.of() : Certificates.parse(probe.tls().chainDer());
        Level pkix = null;
        String pkixReason = null;
        if (!chain.isEmpty()) {
            Judgement j = judge.judge(chain, probe.mxHost());
            pkix = j.level();
            pkixReason = j.reason();
        }
        List<CertificateFacts> facts = chain.stream().map(Certificates::facts).toList();
        List<TlsaMatch> matches = new ArrayList<>();
        TlsaLookup tlsa = request.tlsa();
        if (tlsa != null && tlsa.dnssec() == DnssecStatus.SECURE && !chain.isEmpty()) {
            for (TlsaRecord r : tlsa.records()) {
                matches.add(match(r, chain));
            }
        }
        return new CheckedAddress(probe, pkix, pkixReason, facts, matches, ignoredTlsa);
    }

    static TlsaMatch match(TlsaRecord r, List<X509Certificate> chain) {
        String text = r.presentation();
        int at = -1;
        for (int i = 0; i < chain.size() && at < 0; i++) {
            if (DaneJudge.matches(r, chain.get(i))) {
                at = i;
            }
        }
        if (!r.usable()) {
            return new TlsaMatch(text, false, at, r.unusableReason());
        }
        if (at < 0) {
            return new TlsaMatch(text, true, -1, "no-match");
        }
        if (r.usage() == 3 && at != 0) {
            return new TlsaMatch(text, true, at, "ee-not-leaf"); // DANE-EE matches the leaf only
        }
        if (r.usage() == 2 && at == 0) {
            return new TlsaMatch(text, true, at, "ta-is-leaf"); // DANE-TA needs a CA the server sends
        }
        return new TlsaMatch(text, true, at, null);
    }

    /**
     * When the DNS stage did not look the TLSA records up (the host's addresses are not
     * DNSSEC-secure, RFC 7672 section 2.2), look anyway: records that senders ignore are worth
     * telling the operator about.
     */
    private CompletableFuture<List<String>> ignoredTlsa(TlsaLookup tlsa, String mxHost) {
        if (tlsa != null && tlsa.lookedUp() && tlsa.dnssec() == DnssecStatus.SECURE) {
            return CompletableFuture.completedFuture(List.of());
        }
        if (tlsa != null && tlsa.lookedUp()) {
            if (tlsa.dnssec() != DnssecStatus.INSECURE) {
                return CompletableFuture.completedFuture(List.of()); // bogus or failed: that is said apart
            }
            // looked up, provably unsigned: the records are in the lookup
            return CompletableFuture.completedFuture(tlsa.records().stream()
                    .map(TlsaRecord::presentation).toList());
        }
        Name name;
        try {
            name = Name.fromString("_25._tcp." + mxHost + ".");
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(List.of());
        }
        return resolvers.secure().resolve(name, Type.TLSA).toCompletableFuture()
                .thenApply(v -> v.response().getSection(Section.ANSWER).stream()
                        .filter(r -> r instanceof TLSARecord).map(r -> (TLSARecord) r)
                        .map(t -> TlsaRecord.of(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(),
                                HexFormat.of().formatHex(t.getCertificateAssociationData())).presentation())
                        .toList())
                .exceptionally(e -> List.of());
    }

    /** The resolver's check (run before results are believed: see {@link io.mxray.dns.ResolverHealth}). */
    public ResolverHealth resolverHealth() {
        return resolvers.health();
    }

    /** What a check says when the resolver failed its own check: UNKNOWN, naming the resolver, nothing about the domain. */
    public CheckResult resolverFailed(String input, String text) {
        return unusable(input, null, clock.instant(), "resolver-failed", text);
    }

    private CheckResult unusable(String input, String domain, Instant start, String key, String text) {
        Instant now = clock.instant();
        CheckAdvice advice = new CheckAdvice(CheckStatus.UNKNOWN, key, domain == null ? input.strip() : domain, text);
        return new CheckResult(input, domain, CheckStatus.UNKNOWN, text, start, Duration.between(start, now).toMillis(),
                null, List.of(), null, List.of(advice));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t instanceof CompletionException
                || t instanceof ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        try {
            Probing p = smtp.join();
            p.stage().close();
            p.policies().close();
        } catch (CompletionException e) {
            // it never started: nothing to close
        }
        resolvers.close();
    }
}
