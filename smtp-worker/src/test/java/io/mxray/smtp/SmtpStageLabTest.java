package io.mxray.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.dns.DnsConfig;
import io.mxray.dns.DnsStage;
import io.mxray.dns.Resolvers;
import io.mxray.lab.ExpectedHost;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenario;
import io.mxray.lab.Scenarios;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.DomainTask;
import io.mxray.schema.Level;
import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.ProbeResult;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SMTP stage against every lab MX host, judged by the lab's declared verdicts. The probe requests come
 * from the real DNS stage, validating against the lab's trust anchor, so that each carries the
 * TLSA lookup a DANE sender would make. One test per scenario family.
 */
class SmtpStageLabTest {
    private static Lab lab;
    private static SmtpStage stage;
    private static Resolvers resolvers;
    private static DnsStage dns;
    private static final Map<String, List<ProbeRequest>> PROBES = new ConcurrentHashMap<>();
    /**
     * Generated domains at each kind of provider: mailbox, hosted exchange (30 names, so that some
     * of its 24 addresses serve two), SNI hosters, the long tail.
     */
    private static final List<io.mxray.lab.Scenario> PROVIDERS = io.mxray.lab.Generator.generate(200, 3, 0,
            io.mxray.lab.Generator.Mix.PROVIDERS);

    @BeforeAll
    static void start() throws Exception {
        List<io.mxray.lab.Scenario> all = new java.util.ArrayList<>(Scenarios.withHostile());
        all.addAll(PROVIDERS);
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")).withScenarios(all));
        DnsConfig dnsConfig = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                .withTrustAnchor(lab.trustAnchorFile());
        resolvers = Resolvers.create(dnsConfig, Clock.systemUTC());
        dns = resolvers.stage(dnsConfig, Clock.systemUTC());
        // the lab has a server that greets after 10 s
        // every certificate of every server: the second handshake runs for each TLS host; the lab's
        // addresses take it 100 ms after the first (politeness has tests of its own)
        SmtpConfig config = SmtpConfig.defaults().allowingNonPublic(true)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(12), Duration.ofSeconds(40))
                .withAllCertificates(true).withTlsVersions(true).withPerIpInterval(Duration.ofMillis(100));
        stage = new SmtpStage(config, new CertificateJudge(TrustStores.fromPem(lab.caFile()), Clock.systemUTC()),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (resolvers != null) {
            resolvers.close();
        }
        if (stage != null) {
            stage.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    record HostCase(String scenario, String domain, ExpectedHost host) {
        @Override
        public String toString() {
            return scenario + ": " + host.host();
        }
    }

    static Stream<HostCase> hosts(String... families) {
        Set<String> wanted = Set.of(families);
        return Scenarios.withHostile().stream().filter(s -> wanted.contains(s.family()))
                .flatMap(s -> s.expected().mx().stream()
                        .filter(h -> !"no-address".equals(h.outcome()))
                        .map(h -> new HostCase(s.name(), s.expected().domain(), h)));
    }

    static Stream<HostCase> tls() {
        return hosts("tls");
    }

    static Stream<HostCase> dane() {
        return hosts("dane");
    }

    static Stream<HostCase> behaviour() {
        return hosts("behaviour");
    }

    /** Every MX host of the generated provider domains, once. */
    static Stream<HostCase> providers() {
        Set<String> seen = new java.util.HashSet<>();
        return PROVIDERS.stream().flatMap(s -> s.expected().mx().stream()
                .filter(h -> seen.add(h.host()))
                .map(h -> new HostCase(s.family(), s.expected().domain(), h)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void providerShapes(HostCase c) {
        assertDeclaredVerdict(c);
    }

    /**
     * A hoster's address serves each customer its own certificate by SNI (another name gets another
     * chain); a hosted-exchange address serves every customer name the one wildcard chain.
     */
    @Test
    void hostersChooseTheCertificateBySniWhileTheExchangeProviderSharesOneChain() {
        List<String> hosted = PROVIDERS.stream().filter(s -> s.family().equals("generated-hoster"))
                .map(s -> s.mx().get(0).host().name()).limit(2).toList();
        List<String> exchange = PROVIDERS.stream().filter(s -> s.family().equals("generated-exchange"))
                .map(s -> s.mx().get(0).host().name()).toList();
        assertEquals(lab.addressOf(hosted.get(0)), lab.addressOf(hosted.get(1)), "two customers of one hoster address");
        ProbeResult a = probe(hosted.get(0));
        ProbeResult b = probe(hosted.get(1));
        assertEquals(Level.VERIFIED, a.level());
        assertEquals(Level.VERIFIED, b.level());
        assertNotEquals(a.tls().chainDer(), b.tls().chainDer(), "each name its own certificate");
        String first = exchange.get(0);
        String sameAddress = exchange.stream().filter(n -> !n.equals(first)
                && lab.addressOf(n).equals(lab.addressOf(first))).findFirst().orElseThrow();
        assertEquals(probe(first).tls().chainDer(), probe(sameAddress).tls().chainDer(), "one wildcard chain");
    }

    static Stream<HostCase> hostile() {
        return hosts(io.mxray.lab.HostileScenarios.FAMILY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileScenarios(HostCase c) {
        assertDeclaredVerdict(c);
    }

    /**
     * A greeting of 100 lines of 2,000 control bytes and 20 EHLO keywords of them: the result keeps
     * what the bounds allow, with control characters as U+FFFD, names the cuts, and stays small.
     */
    @Test
    void aGreetingOfControlBytesIsKeptBoundedAndTheCutIsNamed() {
        ProbeRequest request = requestsFor("control-bytes.test", "mx.control-bytes.test").get(0);
        ProbeResult r = stage.probe(request).toCompletableFuture().join();
        assertEquals(ProbeOutcome.TLS_ESTABLISHED, r.outcome());
        // EHLO lines that are no RFC 5321 keyword are not kept at all: only the greeting is cut
        assertEquals(List.of("banner"), r.truncated());
        assertEquals(io.mxray.schema.Bounds.BANNER_LINES, r.banner().size());
        assertTrue(r.banner().stream().allMatch(l -> l.length() <= io.mxray.schema.Bounds.LINE_CHARS
                && l.chars().noneMatch(ch -> ch < 0x20 && ch != '\t')), "no control characters kept");
        assertTrue(r.ehlo().contains("STARTTLS"), String.valueOf(r.ehlo()));
        byte[] json = io.mxray.runtime.Topics.SMTP_RESULTS.valueSerde().serializer().serialize("t", r);
        assertTrue(json.length < 64 * 1024, "probe result of " + json.length + " bytes");
    }

    /**
     * A server that never answers QUIT after the TLS handshake: the probe hangs up a moment
     * later, as it does without TLS, instead of holding the connection (and a slot of the
     * address's politeness limit) until its read timeout.
     */
    @Test
    void aQuitNobodyAnswersInsideTlsIsClosedSoon() throws Exception {
        ProbeRequest request = requestsFor("quit-ignored.test", "mx.quit-ignored.test").get(0);
        ProbeResult r = stage.probe(request).toCompletableFuture().join();
        assertEquals(ProbeOutcome.TLS_ESTABLISHED, r.outcome());
        long start = System.nanoTime();
        while (lab.connections(request.ip()).open() > 0 && System.nanoTime() - start < 10_000_000_000L) {
            Thread.sleep(50);
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(0, lab.connections(request.ip()).open(), "the probe let go of the connection");
        assertTrue(seconds <= 4, "closed " + seconds + " s after the result (the step timeout is 12 s)");
    }

    static Stream<HostCase> dnsMxSharingAndPolicy() {
        return hosts("dns", "mx", "sharing", "policy");
    }

    /** The probe requests the DNS stage makes for a domain's MX host. */
    private static List<ProbeRequest> requestsFor(String domain, String host) {
        List<ProbeRequest> all = PROBES.computeIfAbsent(domain, d -> dns.resolve(new DomainTask("scan", d, null, 1))
                .toCompletableFuture().join().probes());
        List<ProbeRequest> mine = all.stream().filter(p -> p.mxHost().equals(host)).toList();
        assertFalse(mine.isEmpty(), "the DNS stage made no probe for " + host);
        return mine;
    }

    private static ProbeResult probe(String host) {
        return stage.probe(ProbeRequest.of("scan", lab.addressOf(host), lab.smtpPort(), host)).toCompletableFuture()
                .join();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tls")
    void tlsAndCertificateScenarios(HostCase c) {
        assertDeclaredVerdict(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dane")
    void daneScenarios(HostCase c) {
        assertDeclaredVerdict(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("behaviour")
    void serverBehaviourScenarios(HostCase c) {
        assertDeclaredVerdict(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dnsMxSharingAndPolicy")
    void dnsMxSharingAndPolicyScenarios(HostCase c) {
        assertDeclaredVerdict(c);
    }

    private static void assertDeclaredVerdict(HostCase c) {
        ExpectedHost h = c.host();
        for (ProbeRequest request : requestsFor(c.domain(), h.host())) {
            long start = System.nanoTime();
            ProbeResult r = stage.probe(request).toCompletableFuture().join();
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            String at = h.host() + " at " + request.ip() + ": ";
            assertEquals(h.outcome(), r.outcome().key(), at + "outcome");
            assertEquals(h.level(), r.level(), at + "level (decided by " + r.decidedBy() + ")");
            assertEquals(h.certType(), r.certType(), at + "certificate type");
            assertEquals(h.dane(), r.dane().status(), at + "DANE status (" + r.dane() + ")");
            assertEquals(h.pkix(), r.pkix(), at + "web PKI level");
            if (h.keyTypes() != null) {
                assertEquals(h.keyTypes(), r.certificates().stream().map(p -> p.keyType().key()).toList(),
                        at + "key types of the certificates presented (second handshake " + r.secondHandshake() + ")");
                if (h.keyTypes().size() == 1) {
                    // a server with one key refuses the handshake that asks for the other: cleanly, level unchanged
                    assertEquals(io.mxray.schema.ProbeOutcome.HANDSHAKE_FAILED, r.secondHandshake().outcome(),
                            at + "second handshake " + r.secondHandshake());
                }
            }
            if (h.versions() != null) {
                List<String> accepted = r.tlsVersions().entrySet().stream()
                        .filter(v -> v.getValue().equals(io.mxray.schema.TlsVersionResult.ACCEPTED))
                        .map(java.util.Map.Entry::getKey).toList();
                assertEquals(h.versions(), accepted, at + "TLS versions accepted " + r.tlsVersions());
                assertEquals(4, r.tlsVersions().size(), at + "every version answered " + r.tlsVersions());
            }
            if (h.allCertificates() != null) {
                assertEquals(h.allCertificates(), r.dane().allCertificates(), at + "DANE over all certificates");
            }
            if (r.outcome() == io.mxray.schema.ProbeOutcome.TLS_ESTABLISHED) {
                assertNotNull(r.secondHandshake(), at + "the second handshake is recorded");
            }
            if (h.dane() == DaneStatus.MISMATCH && r.tls() != null) {
                assertEquals("dane", r.decidedBy(), at + "a DANE mismatch decides the level");
            }
            if (h.dane() == DaneStatus.VALID) {
                assertTrue(r.decidedBy().startsWith("dane-"), at + "decided by " + r.decidedBy());
                assertNotNull(r.dane().matched(), at + "the record that matched");
                assertEquals(request.tlsa().base(), r.tls().sni(), at + "SNI is the TLSA base domain");
            }
            if (h.protocol() != null) {
                assertEquals(h.protocol(), r.tls().protocol(), at + "protocol");
            }
            if (r.outcome() == ProbeOutcome.TLS_ESTABLISHED) {
                // every lab server negotiates (EC)DHE: the group must have been seen
                assertNotNull(r.tls().group(), at + "key exchange group");
                // every lab server but the TLS 1.0 one negotiates what a modern client accepts
                boolean old = "TLSv1".equals(h.protocol()) || "TLSv1.1".equals(h.protocol());
                assertEquals(old ? "protocol-" + h.protocol().toLowerCase(java.util.Locale.ROOT) : null,
                        r.tls().legacy(), at + "legacy");
            }
            // the declared bound holds for the default settings (one connection); these are shorter, so it
            // must hold too, for each of the two connections when a second handshake was made
            int connections = 1 + (r.secondHandshake() != null && r.secondHandshake().offered() != null ? 1 : 0);
            if (!r.tlsVersions().isEmpty()) {
                // one connection per version older than the negotiated one
                List<String> offered = List.copyOf(r.tlsVersions().keySet());
                connections += offered.size() - 1 - offered.indexOf(r.tls().protocol());
            }
            int bound = h.maxSeconds() * connections;
            assertTrue(seconds <= bound, at + "took " + seconds + " s, at most " + bound + " declared for "
                    + connections + " connection(s)");
        }
    }

    @Test
    void anEstablishedSessionRecordsWhatWasNegotiatedAndTheChain() {
        ProbeResult r = probe("mx.tls-valid.test");
        assertEquals(ProbeOutcome.TLS_ESTABLISHED, r.outcome());
        assertNotNull(r.tls());
        assertTrue(r.tls().protocol().startsWith("TLSv1."), r.tls().protocol());
        assertTrue(r.tls().cipher().startsWith("TLS_"), r.tls().cipher());
        assertTrue(Set.of("x25519", "secp256r1", "secp384r1", "x448", "ffdhe2048").contains(r.tls().group()),
                r.tls().group());
        assertEquals("mx.tls-valid.test", r.tls().sni());
        assertEquals(1, r.tls().chainDer().size());
        assertTrue(r.banner().get(0).startsWith("220 mx.tls-valid.test"), r.banner().toString());
        assertTrue(r.ehlo().contains("STARTTLS"));
        assertNotNull(r.timings().handshakeMs());
        assertEquals("pkix+name", r.decidedBy());
    }

    /**
     * A probe never resumes an earlier TLS session: the second probe of a host (the next scan in a
     * long-lived worker) must see the server's certificate and key exchange again. A resumed TLS
     * 1.2 session has no ServerKeyExchange, so its group would be missing.
     */
    @Test
    void aHostProbedAgainIsMeasuredAfreshNotFromAResumedSession() {
        for (String host : List.of("mx.tls12-only.test", "mx.tls-valid.test")) {
            ProbeResult first = probe(host);
            ProbeResult second = probe(host);
            assertEquals(ProbeOutcome.TLS_ESTABLISHED, second.outcome(), host);
            assertNotNull(first.tls().group(), host);
            assertEquals(first.tls().group(), second.tls().group(), host + ": key exchange seen again");
            assertEquals(first.tls().chainDer(), second.tls().chainDer(), host);
        }
        assertEquals("TLSv1.2", probe("mx.tls12-only.test").tls().protocol());
    }

    @Test
    void theServerNameIsSentAsTheJdkWouldForAPeerHost() {
        assertEquals("mx.example.org", SmtpStage.sniHostName("mx.example.org.").getAsciiName());
        assertEquals("mx.example.org", SmtpStage.sniHostName("mx.example.org").getAsciiName());
        assertEquals(null, SmtpStage.sniHostName("192.0.2.1"));
        assertEquals(null, SmtpStage.sniHostName("2001:db8::1"));
        assertEquals(null, SmtpStage.sniHostName("localhost"));
        assertEquals(null, SmtpStage.sniHostName(null));
        assertEquals(null, SmtpStage.sniHostName("bad_name..example"));
    }

    @Test
    void theIntermediateIsPartOfTheRecordedChain() {
        assertEquals(2, probe("mx.intermediate.test").tls().chainDer().size());
        assertEquals(1, probe("mx.missing-intermediate.test").tls().chainDer().size());
    }

    @Test
    void aMultiLineGreetingIsKeptWhole() {
        ProbeResult r = probe("mx.multiline.test");
        assertEquals(4, r.banner().size(), r.banner().toString());
        assertTrue(r.ehlo().contains("ENHANCEDSTATUSCODES"));
    }

    @Test
    void aPlaintextHostKeepsItsBannerAndExtensions() {
        ProbeResult r = probe("mx.no-starttls.test");
        assertEquals(ProbeOutcome.NO_STARTTLS, r.outcome());
        assertFalse(r.ehlo().contains("STARTTLS"));
        assertTrue(r.ehlo().contains("PIPELINING"));
        assertEquals(null, r.tls());
    }

    @Test
    void aLoopbackAddressIsSkippedUnlessAllowed() {
        SmtpStage strict = new SmtpStage(SmtpConfig.defaults(), new CertificateJudge(TrustStores.fromPem(lab.caFile()),
                Clock.systemUTC()), Clock.systemUTC());
        try {
            ProbeResult r = strict.probe(ProbeRequest.of("scan", lab.addressOf("mx.tls-valid.test"), lab.smtpPort(),
                    "mx.tls-valid.test")).toCompletableFuture().join();
            assertEquals(ProbeOutcome.SKIPPED, r.outcome());
            assertEquals("non-public-address", r.reason());
            assertEquals(null, r.level());
        } finally {
            strict.close();
        }
    }

    @Test
    void theScenarioCatalogueHasEveryFamily() {
        assertEquals(java.util.Set.of("dns", "mx", "tls", "dane", "behaviour", "sharing", "policy", "mta-sts"),
                Scenarios.catalogue().stream().map(Scenario::family).collect(java.util.stream.Collectors.toSet()));
    }
}
