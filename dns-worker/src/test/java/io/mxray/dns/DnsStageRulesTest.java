package io.mxray.dns;

import static io.mxray.dns.Answers.a;
import static io.mxray.dns.Answers.aaaa;
import static io.mxray.dns.Answers.bogus;
import static io.mxray.dns.Answers.cname;
import static io.mxray.dns.Answers.mx;
import static io.mxray.dns.Answers.nodata;
import static io.mxray.dns.Answers.rcode;
import static io.mxray.dns.Answers.records;
import static io.mxray.dns.Answers.secure;
import static io.mxray.dns.Answers.timeout;
import static io.mxray.dns.Answers.tlsa;
import static io.mxray.dns.Answers.txt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.DomainTask;
import io.mxray.schema.LookupOutcome;
import io.mxray.schema.MxHost;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.TlsaDecision;
import io.mxray.schema.TlsaLookup;
import io.mxray.schema.TxtStatus;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The RFC 5321 / RFC 7505 decisions of the DNS stage, on scripted answers. */
class DnsStageRulesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T00:00:00Z"), ZoneOffset.UTC);
    private final ScriptedResolver dns = new ScriptedResolver();
    private final DnsConfig config = DnsConfig.defaults(new InetSocketAddress("127.0.0.1", 53))
            .withTimeout(Duration.ofSeconds(1), 3, Duration.ofMillis(1)).withLimits(3, 2, 100, 100);

    private DnsResolution resolve(String domain) {
        // the scripted resolver stands for the validator; it also answers the CD re-fetch of bogus data
        return new DnsStage(config, dns, dns, CLOCK).resolve(new DomainTask("s1", domain, null, 1))
                .toCompletableFuture().join();
    }

    /** The DNS facts of a host without its DNSSEC facts, for the RFC 5321 tests. */
    private static MxHost plain(MxHost h) {
        return new MxHost(h.name(), h.preference(), h.addresses(), h.addressOutcome(), h.reason(), h.cnameChain());
    }

    private static List<MxHost> plain(List<MxHost> hosts) {
        return hosts.stream().map(DnsStageRulesTest::plain).toList();
    }

    /** Answers "nothing here" to the policy TXT lookups of a domain. */
    private void noPolicies(String domain) {
        dns.on("_mta-sts." + domain + ".", Type.TXT, rcode(Rcode.NXDOMAIN))
                .on("_smtp._tls." + domain + ".", Type.TXT, rcode(Rcode.NXDOMAIN));
    }

    @org.junit.jupiter.api.BeforeEach
    void policiesAreAbsentUnlessATestSaysOtherwise() {
        noPolicies("example.org");
    }

    @Test
    void mxHostsAreSortedByPreferenceAndEachAddressIsOneProbe() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 20, "mx2.example.org"),
                        mx("example.org", 10, "mx1.example.org")))
                .on("mx1.example.org.", Type.A, records(a("mx1.example.org", "192.0.2.1")))
                .on("mx1.example.org.", Type.AAAA, records(aaaa("mx1.example.org", "2001:db8::1")))
                .on("mx2.example.org.", Type.A, records(a("mx2.example.org", "192.0.2.2")))
                .on("mx2.example.org.", Type.AAAA, nodata());
        DnsResolution r = resolve("example.org");
        assertEquals(DnsOutcome.MX, r.result().outcome());
        assertEquals(List.of(
                new MxHost("mx1.example.org", 10, List.of("192.0.2.1", "2001:db8::1"), LookupOutcome.OK, null, List.of()),
                new MxHost("mx2.example.org", 20, List.of("192.0.2.2"), LookupOutcome.OK, null, List.of())),
                plain(r.result().mxHosts()));
        assertEquals(List.of(ProbeRequest.of("s1", "192.0.2.1", 25, "mx1.example.org"),
                ProbeRequest.of("s1", "2001:db8::1", 25, "mx1.example.org"),
                ProbeRequest.of("s1", "192.0.2.2", 25, "mx2.example.org")), r.probes());
        assertEquals(r.probes().stream().map(ProbeRequest::probeKey).toList(), r.result().probeKeys());
    }

    @Test
    void nullMxMeansNoMailAndNoProbe() { // RFC 7505
        dns.on("example.org.", Type.MX, records(mx("example.org", 0, ".")));
        DnsResolution r = resolve("example.org");
        assertEquals(DnsOutcome.NULL_MX, r.result().outcome());
        assertEquals(List.of(), r.result().mxHosts());
        assertEquals(List.of(), r.probes());
    }

    @Test
    void aNullMxAmongOtherMxRecordsIsIgnoredAndNoted() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 0, "."), mx("example.org", 10, "mx.example.org")))
                .on("mx.example.org.", Type.A, records(a("mx.example.org", "192.0.2.1")))
                .on("mx.example.org.", Type.AAAA, nodata());
        DnsResult r = resolve("example.org").result();
        assertEquals(DnsOutcome.MX, r.outcome());
        assertEquals("null-mx-among-others", r.reason());
        assertEquals(1, r.mxHosts().size());
    }

    @Test
    void noMxButAnAddressIsAnImplicitMx() { // RFC 5321 section 5.1
        dns.on("example.org.", Type.MX, nodata())
                .on("example.org.", Type.A, records(a("example.org", "192.0.2.9")))
                .on("example.org.", Type.AAAA, nodata());
        DnsResolution r = resolve("example.org");
        assertEquals(DnsOutcome.IMPLICIT_MX, r.result().outcome());
        assertEquals(List.of(new MxHost("example.org", 0, List.of("192.0.2.9"), LookupOutcome.OK, null, List.of())),
                plain(r.result().mxHosts()));
        assertEquals(1, r.probes().size());
    }

    @Test
    void noMxAndNoAddressMeansNoMailHost() {
        dns.on("example.org.", Type.MX, nodata()).on("example.org.", Type.A, nodata())
                .on("example.org.", Type.AAAA, nodata());
        assertEquals(DnsOutcome.NO_MAIL_HOST, resolve("example.org").result().outcome());
    }

    @Test
    void nxdomainIsItsOwnOutcome() {
        dns.on("example.org.", Type.MX, rcode(Rcode.NXDOMAIN));
        assertEquals(DnsOutcome.NXDOMAIN, resolve("example.org").result().outcome());
    }

    @Test
    void anMxHostThatIsACnameGetsTheTargetsAddressesAndTheChainIsRecorded() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 10, "mx.example.org")))
                .on("mx.example.org.", Type.A, records(cname("mx.example.org", "in.provider.example"),
                        a("in.provider.example", "192.0.2.5")))
                .on("mx.example.org.", Type.AAAA, records(cname("mx.example.org", "in.provider.example")));
        MxHost h = resolve("example.org").result().mxHosts().get(0);
        assertEquals("mx.example.org", h.name());
        assertEquals(List.of("192.0.2.5"), h.addresses());
        assertEquals(List.of("in.provider.example"), h.cnameChain());
    }

    @Test
    void anMxHostWithoutAddressIsKeptWithItsLookupOutcome() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 10, "gone.example.org")))
                .on("gone.example.org.", Type.A, rcode(Rcode.NXDOMAIN))
                .on("gone.example.org.", Type.AAAA, rcode(Rcode.NXDOMAIN));
        DnsResolution r = resolve("example.org");
        assertEquals(new MxHost("gone.example.org", 10, List.of(), LookupOutcome.NXDOMAIN, null, List.of()),
                plain(r.result().mxHosts().get(0)));
        assertEquals(List.of(), r.probes());
    }

    @Test
    void timeoutsAreRetriedAndThenReportedAsTimeoutNeverAsNoMx() {
        dns.on("example.org.", Type.MX, timeout());
        DnsResult r = resolve("example.org").result();
        assertEquals(DnsOutcome.TIMEOUT, r.outcome());
        assertEquals(3, dns.queries.get(), "three attempts, and no policy lookup for a domain that did not answer");
    }

    @Test
    void aServfailThatRecoversOnRetryIsNotAFailure() {
        dns.on("example.org.", Type.MX, rcode(Rcode.SERVFAIL))
                .on("example.org.", Type.MX, records(mx("example.org", 0, ".")));
        assertEquals(DnsOutcome.NULL_MX, resolve("example.org").result().outcome());
    }

    @Test
    void aPersistentServfailIsServfail() {
        dns.on("example.org.", Type.MX, rcode(Rcode.SERVFAIL));
        assertEquals(DnsOutcome.SERVFAIL, resolve("example.org").result().outcome());
    }

    @Test
    void anAddressLookupFailureIsKeptNextToTheAddressesFound() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 10, "mx.example.org")))
                .on("mx.example.org.", Type.A, records(a("mx.example.org", "192.0.2.1")))
                .on("mx.example.org.", Type.AAAA, timeout());
        MxHost h = resolve("example.org").result().mxHosts().get(0);
        assertEquals(LookupOutcome.OK, h.addressOutcome());
        assertEquals("aaaa-timeout", h.reason());
    }

    @Test
    void mxHostsAndAddressesAreBounded() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 1, "a.example.org"), mx("example.org", 2, "b.example.org"),
                mx("example.org", 3, "c.example.org"), mx("example.org", 4, "d.example.org")));
        for (String h : List.of("a", "b", "c")) {
            dns.on(h + ".example.org.", Type.A, records(a(h + ".example.org", "192.0.2.1"),
                    a(h + ".example.org", "192.0.2.2"), a(h + ".example.org", "192.0.2.3")));
            dns.on(h + ".example.org.", Type.AAAA, nodata());
        }
        DnsResult r = resolve("example.org").result();
        assertEquals("mx-hosts-truncated", r.reason());
        assertEquals(3, r.mxHosts().size());
        assertEquals(List.of("192.0.2.1", "192.0.2.2"), r.mxHosts().get(0).addresses());
        assertEquals("addresses-truncated", r.mxHosts().get(0).reason());
    }

    @Test
    void theSameHostTwiceIsOneHostAtItsBestPreference() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 20, "mx.example.org"), mx("example.org", 10, "MX.example.org")))
                .on("mx.example.org.", Type.A, records(a("mx.example.org", "192.0.2.1")))
                .on("mx.example.org.", Type.AAAA, nodata());
        DnsResult r = resolve("example.org").result();
        assertEquals(1, r.mxHosts().size());
        assertEquals(10, r.mxHosts().get(0).preference());
    }

    // --- DNSSEC decisions (the scripted resolver plays the validator: AD for secure, EDE for bogus) ---

    @Test
    void aSecureMxAnswerIsSecureAndAnInsecureOneIsInsecure() {
        dns.on("example.org.", Type.MX, secure(records(mx("example.org", 0, "."))));
        assertEquals(DnssecStatus.SECURE, resolve("example.org").result().mxDnssec());
        dns.on("example.net.", Type.MX, records(mx("example.net", 0, ".")));
        noPolicies("example.net");
        assertEquals(DnssecStatus.INSECURE, resolve("example.net").result().mxDnssec());
    }

    @Test
    void aBogusMxAnswerIsRecordedWithItsReasonAndItsContentIsStillMeasured() {
        dns.on("example.org.", Type.MX, bogus(7))
                .on("example.org.", Type.MX, records(mx("example.org", 10, "mx.example.org"))) // the CD re-fetch
                .on("example.org.", Type.MX, bogus(7)) // asked once more: still bogus
                .on("example.org.", Type.MX, records(mx("example.org", 10, "mx.example.org")))
                .on("mx.example.org.", Type.A, secure(records(a("mx.example.org", "192.0.2.1"))))
                .on("mx.example.org.", Type.AAAA, secure(nodata()))
                .on("_25._tcp.mx.example.org.", Type.TLSA, secure(rcode(Rcode.NXDOMAIN)));
        DnsResolution r = resolve("example.org");
        assertEquals(DnssecStatus.BOGUS, r.result().mxDnssec());
        assertEquals("signature-expired", r.result().mxDnssecReason());
        assertEquals(DnsOutcome.MX, r.result().outcome());
        assertEquals(1, r.probes().size());
    }

    @Test
    void tlsaIsLookedUpOnlyForHostsWithSecureAddresses() { // RFC 7672 2.2
        dns.on("example.org.", Type.MX, secure(records(mx("example.org", 10, "safe.example.org"),
                        mx("example.org", 20, "open.example.org"))))
                .on("safe.example.org.", Type.A, secure(records(a("safe.example.org", "192.0.2.1"))))
                .on("safe.example.org.", Type.AAAA, secure(nodata()))
                .on("_25._tcp.safe.example.org.", Type.TLSA, secure(records(tlsa("_25._tcp.safe.example.org", 3, 1, 1,
                        "ab".repeat(32)))))
                .on("open.example.org.", Type.A, records(a("open.example.org", "192.0.2.2")))
                .on("open.example.org.", Type.AAAA, nodata());
        DnsResolution r = resolve("example.org");
        TlsaLookup safe = r.result().mxHosts().get(0).tlsa();
        assertEquals("looked-up", safe.decision().key());
        assertEquals("safe.example.org", safe.base());
        assertEquals(DnssecStatus.SECURE, safe.dnssec());
        assertTrue(safe.hasUsableSecureRecords());
        assertEquals("skipped-address-insecure", r.result().mxHosts().get(1).tlsa().decision().key());
        assertEquals(null, r.result().mxHosts().get(1).tlsa().outcome());
        // the probe of the DANE host carries its TLSA set; the other none
        assertEquals(safe, r.probes().get(0).tlsa());
        assertEquals(null, r.probes().get(1).tlsa());
    }

    @Test
    void underAnInsecureMxTheHostsSecureTlsaIsStillLookedUpAndThatIsSaid() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 10, "mx.provider.example")))
                .on("mx.provider.example.", Type.A, secure(records(a("mx.provider.example", "192.0.2.1"))))
                .on("mx.provider.example.", Type.AAAA, secure(nodata()))
                .on("_25._tcp.mx.provider.example.", Type.TLSA, secure(rcode(Rcode.NXDOMAIN)));
        MxHost h = resolve("example.org").result().mxHosts().get(0);
        assertEquals("looked-up-mx-insecure", h.tlsa().decision().key());
        assertEquals(LookupOutcome.NXDOMAIN, h.tlsa().outcome());
    }

    @Test
    void afterASecureCnameTheExpandedNameIsTheFirstTlsaBase() { // RFC 7672 2.2.2
        dns.on("example.org.", Type.MX, secure(records(mx("example.org", 10, "mx.example.org"))))
                .on("mx.example.org.", Type.A, secure(records(cname("mx.example.org", "in.provider.example"),
                        a("in.provider.example", "192.0.2.5"))))
                .on("mx.example.org.", Type.AAAA, secure(records(cname("mx.example.org", "in.provider.example"))))
                .on("_25._tcp.in.provider.example.", Type.TLSA, secure(records(tlsa("_25._tcp.in.provider.example",
                        3, 1, 1, "cd".repeat(32)))));
        DnsResolution r = resolve("example.org");
        TlsaLookup t = r.result().mxHosts().get(0).tlsa();
        assertEquals("in.provider.example", t.base());
        assertEquals("in.provider.example", r.probes().get(0).sni(), "the TLSA base domain is the SNI name");
        assertEquals("mx.example.org", r.probes().get(0).mxHost());
    }

    @Test
    void withoutTlsaAtTheExpandedNameTheOriginalNameIsTried() {
        dns.on("example.org.", Type.MX, secure(records(mx("example.org", 10, "mx.example.org"))))
                .on("mx.example.org.", Type.A, secure(records(cname("mx.example.org", "in.provider.example"),
                        a("in.provider.example", "192.0.2.5"))))
                .on("mx.example.org.", Type.AAAA, secure(records(cname("mx.example.org", "in.provider.example"))))
                .on("_25._tcp.in.provider.example.", Type.TLSA, secure(rcode(Rcode.NXDOMAIN)))
                .on("_25._tcp.mx.example.org.", Type.TLSA, secure(records(tlsa("_25._tcp.mx.example.org", 3, 1, 1,
                        "ef".repeat(32)))));
        TlsaLookup t = resolve("example.org").result().mxHosts().get(0).tlsa();
        assertEquals("mx.example.org", t.base());
        assertEquals(1, t.records().size());
    }

    /**
     * RFC 7672 section 2.2.2: only a validated denial at the expanded name sends the sender on to
     * the original name; an answer that could not be validated (its chain of trust unreachable)
     * is a failed TLSA lookup, not a reason to try another name.
     */
    @Test
    void anUnvalidatedDenialAtTheExpandedNameIsAFailureNotAFallback() {
        java.util.Map<String, io.mxray.dns.dnssec.Validated> answers = new java.util.HashMap<>();
        java.util.function.BiConsumer<String, io.mxray.dns.dnssec.Validated> on = answers::put;
        java.util.function.BiFunction<String, Integer, Message> q = (n, t) -> Message.newQuery(
                org.xbill.DNS.Record.newRecord(ScriptedResolver.name(n), t, org.xbill.DNS.DClass.IN));
        on.accept("example.org./MX", new io.mxray.dns.dnssec.Validated(records(mx("example.org", 10, "mx.example.org"))
                .apply(q.apply("example.org", Type.MX)), DnssecStatus.SECURE, null));
        on.accept("mx.example.org./A", new io.mxray.dns.dnssec.Validated(records(cname("mx.example.org",
                "in.provider.example"), a("in.provider.example", "192.0.2.5")).apply(q.apply("mx.example.org", Type.A)),
                DnssecStatus.SECURE, null));
        on.accept("mx.example.org./AAAA", new io.mxray.dns.dnssec.Validated(records(cname("mx.example.org",
                "in.provider.example")).apply(q.apply("mx.example.org", Type.AAAA)), DnssecStatus.SECURE, null));
        on.accept("_25._tcp.in.provider.example./TLSA", new io.mxray.dns.dnssec.Validated(nodata()
                .apply(q.apply("_25._tcp.in.provider.example", Type.TLSA)), DnssecStatus.INDETERMINATE, "no-trust-anchor"));
        on.accept("_25._tcp.mx.example.org./TLSA", new io.mxray.dns.dnssec.Validated(records(tlsa(
                "_25._tcp.mx.example.org", 3, 1, 1, "ef".repeat(32))).apply(q.apply("_25._tcp.mx.example.org", Type.TLSA)),
                DnssecStatus.SECURE, null));
        io.mxray.dns.dnssec.SecureResolver scripted = (name, type) -> {
            io.mxray.dns.dnssec.Validated v = answers.get(name + "/" + Type.string(type));
            return java.util.concurrent.CompletableFuture.completedFuture(v != null ? v
                    : new io.mxray.dns.dnssec.Validated(rcode(Rcode.NXDOMAIN).apply(q.apply(name.toString(), type)),
                    DnssecStatus.SECURE, null));
        };
        TlsaLookup t = new DnsStage(config, scripted, CLOCK).resolve(new DomainTask("s1", "example.org", null, 1))
                .toCompletableFuture().join().result().mxHosts().get(0).tlsa();
        assertEquals("in.provider.example", t.base(), "no fallback to the original name");
        assertEquals(DnssecStatus.INDETERMINATE, t.dnssec());
        assertTrue(t.failed(), "a DANE sender defers");
    }

    /** RFC 7672 section 2.2: bogus address records are a failed TLSA lookup; the probe carries why. */
    @Test
    void bogusAddressesTellTheProbeWhyThereIsNoTlsaLookup() {
        dns.on("example.org.", Type.MX, secure(records(mx("example.org", 10, "mx.example.org"))))
                .on("mx.example.org.", Type.A, bogus(6))
                .on("mx.example.org.", Type.A, records(a("mx.example.org", "192.0.2.1")))
                .on("mx.example.org.", Type.A, bogus(6))
                .on("mx.example.org.", Type.A, records(a("mx.example.org", "192.0.2.1")))
                .on("mx.example.org.", Type.AAAA, secure(nodata()));
        DnsResolution r = resolve("example.org");
        TlsaLookup t = r.result().mxHosts().get(0).tlsa();
        assertEquals(TlsaDecision.SKIPPED_ADDRESS_BOGUS, t.decision());
        assertTrue(t.addressFailed());
        assertEquals(t, r.probes().get(0).tlsa(), "the probe judges DANE bogus from it");
    }

    @Test
    void aBogusAnswerIsAskedOnceMoreBeforeItIsBelieved() {
        dns.on("example.org.", Type.MX, bogus(6))
                .on("example.org.", Type.MX, records(mx("example.org", 10, "mx.example.org"))) // the CD re-fetch
                .on("example.org.", Type.MX, secure(records(mx("example.org", 10, "mx.example.org"))))
                .on("mx.example.org.", Type.A, secure(records(a("mx.example.org", "192.0.2.1"))))
                .on("mx.example.org.", Type.AAAA, secure(nodata()))
                .on("_25._tcp.mx.example.org.", Type.TLSA, secure(rcode(Rcode.NXDOMAIN)));
        DnsResolution r = resolve("example.org");
        assertEquals(DnssecStatus.SECURE, r.result().mxDnssec(), "a damaged first answer does not decide");
        assertEquals(8, dns.queries.get(), "MX asked twice (and the CD re-fetch), then A, AAAA, TLSA and 2 TXT");
    }

    @Test
    void aBogusTlsaLookupIsAFailureNeverNoTlsa() {
        dns.on("example.org.", Type.MX, secure(records(mx("example.org", 10, "mx.example.org"))))
                .on("mx.example.org.", Type.A, secure(records(a("mx.example.org", "192.0.2.1"))))
                .on("mx.example.org.", Type.AAAA, secure(nodata()))
                .on("_25._tcp.mx.example.org.", Type.TLSA, bogus(6))
                .on("_25._tcp.mx.example.org.", Type.TLSA, records(tlsa("_25._tcp.mx.example.org", 3, 1, 1,
                        "ab".repeat(32))))
                .on("_25._tcp.mx.example.org.", Type.TLSA, bogus(6))
                .on("_25._tcp.mx.example.org.", Type.TLSA, records(tlsa("_25._tcp.mx.example.org", 3, 1, 1,
                        "ab".repeat(32))));
        TlsaLookup t = resolve("example.org").result().mxHosts().get(0).tlsa();
        assertEquals(DnssecStatus.BOGUS, t.dnssec());
        assertEquals("dnssec-bogus", t.reason());
        assertTrue(t.failed(), "a DANE sender defers");
        assertTrue(!t.hasUsableSecureRecords());
    }

    @Test
    void aTlsaLookupThatTimesOutIsAFailure() {
        dns.on("example.org.", Type.MX, secure(records(mx("example.org", 10, "mx.example.org"))))
                .on("mx.example.org.", Type.A, secure(records(a("mx.example.org", "192.0.2.1"))))
                .on("mx.example.org.", Type.AAAA, secure(nodata()))
                .on("_25._tcp.mx.example.org.", Type.TLSA, timeout());
        TlsaLookup t = resolve("example.org").result().mxHosts().get(0).tlsa();
        assertEquals(LookupOutcome.TIMEOUT, t.outcome());
        assertTrue(t.failed());
    }

    @Test
    void policyRecordsAreParsed() {
        dns.on("example.com.", Type.MX, records(mx("example.com", 0, ".")))
                .on("_mta-sts.example.com.", Type.TXT, records(txt("_mta-sts.example.com", "v=STSv1; id=20260101")))
                .on("_smtp._tls.example.com.", Type.TXT, records(txt("_smtp._tls.example.com", "v=TLSRPTv1;")));
        var r = resolve("example.com").result();
        assertEquals(TxtStatus.VALID, r.mtaSts().status());
        assertEquals("20260101", r.mtaSts().id());
        assertEquals(TxtStatus.MALFORMED, r.tlsRpt().status());
        assertEquals("rua-missing", r.tlsRpt().reason());
    }

    /** RFC 8461 section 3.3: a valid TXT record sends a policy fetch to mta-sts.<domain>'s addresses. */
    @Test
    void aValidMtaStsRecordAsksForThePolicyFromItsHostsAddresses() {
        dns.on("example.net.", Type.MX, records(mx("example.net", 10, "mx.example.net")))
                .on("mx.example.net.", Type.A, records(a("mx.example.net", "192.0.2.1")))
                .on("mx.example.net.", Type.AAAA, nodata())
                .on("_mta-sts.example.net.", Type.TXT, records(txt("_mta-sts.example.net", "v=STSv1; id=abc1")))
                .on("_smtp._tls.example.net.", Type.TXT, nodata())
                .on("mta-sts.example.net.", Type.A, records(a("mta-sts.example.net", "192.0.2.80")))
                .on("mta-sts.example.net.", Type.AAAA, nodata());
        DnsResolution r = resolve("example.net");
        assertEquals(List.of("192.0.2.80"), r.policy().addresses());
        assertEquals("mta-sts.example.net", r.policy().host());
        assertEquals("abc1", r.policy().policyId());
        assertEquals(r.policy().policyKey(), r.result().policyKey(), "the domain waits for that fetch");
        assertEquals(null, r.policyDecided());
    }

    @Test
    void aPolicyHostWithoutAddressIsDecidedWithoutAFetch() {
        dns.on("example.net.", Type.MX, records(mx("example.net", 10, "mx.example.net")))
                .on("mx.example.net.", Type.A, records(a("mx.example.net", "192.0.2.1")))
                .on("mx.example.net.", Type.AAAA, nodata())
                .on("_mta-sts.example.net.", Type.TXT, records(txt("_mta-sts.example.net", "v=STSv1; id=abc1")))
                .on("_smtp._tls.example.net.", Type.TXT, nodata())
                .on("mta-sts.example.net.", Type.A, rcode(Rcode.NXDOMAIN))
                .on("mta-sts.example.net.", Type.AAAA, rcode(Rcode.NXDOMAIN));
        DnsResolution r = resolve("example.net");
        assertEquals(null, r.policy());
        assertEquals("policy-host-nxdomain", r.policyDecided().reason().text());
        assertEquals(r.policyDecided().policyKey(), r.result().policyKey());
    }

    @Test
    void aFailedPolicyLookupIsNotNoPolicy() {
        dns.on("example.com.", Type.MX, records(mx("example.com", 0, ".")))
                .on("_mta-sts.example.com.", Type.TXT, rcode(Rcode.SERVFAIL))
                .on("_smtp._tls.example.com.", Type.TXT, bogus(10));
        var r = resolve("example.com").result();
        assertEquals(TxtStatus.LOOKUP_FAILED, r.mtaSts().status());
        assertEquals(TxtStatus.LOOKUP_FAILED, r.tlsRpt().status());
        assertEquals("bogus:rrsigs-missing", r.tlsRpt().reason());
    }

    @Test
    void theLookupBudgetBoundsADomain() {
        DnsConfig tight = config.withLimits(16, 2, 100, 3);
        dns.on("example.org.", Type.MX, records(mx("example.org", 10, "a.example.org"), mx("example.org", 20, "b.example.org")))
                .on("a.example.org.", Type.A, records(a("a.example.org", "192.0.2.1")))
                .on("a.example.org.", Type.AAAA, nodata())
                .on("b.example.org.", Type.A, records(a("b.example.org", "192.0.2.2")))
                .on("b.example.org.", Type.AAAA, nodata());
        var r = new DnsStage(tight, dns, dns, CLOCK).resolve(new DomainTask("s1", "example.org", null, 1))
                .toCompletableFuture().join().result();
        assertEquals(3, r.lookups());
        assertTrue(r.mxHosts().stream().anyMatch(h -> "lookup-budget-exceeded".equals(h.reason())
                || h.addressOutcome() == LookupOutcome.ERROR) || r.mtaSts().status() == TxtStatus.LOOKUP_FAILED);
    }

    @Test
    void aSharedHostIsResolvedOncePerScan() {
        var stage = new DnsStage(config, dns, dns, CLOCK);
        for (String d : List.of("a.example", "b.example")) {
            dns.on(d + ".", Type.MX, records(mx(d, 10, "mx.provider.example")));
            noPolicies(d);
        }
        dns.on("mx.provider.example.", Type.A, records(a("mx.provider.example", "192.0.2.1")))
                .on("mx.provider.example.", Type.AAAA, nodata());
        stage.resolve(new DomainTask("s1", "a.example", null, 1)).toCompletableFuture().join();
        int after = dns.queries.get();
        var b = stage.resolve(new DomainTask("s1", "b.example", null, 2)).toCompletableFuture().join();
        assertEquals(3, dns.queries.get() - after, "MX and two policy lookups; the host came from the cache");
        assertEquals(List.of("192.0.2.1"), b.result().mxHosts().get(0).addresses());
        stage.resolve(new DomainTask("s2", "b.example", null, 2)).toCompletableFuture().join();
        assertEquals(3 + 5, dns.queries.get() - after, "another scan resolves the host again");
    }
}
