package io.mxray.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.ExpectedHost;
import io.mxray.lab.HostSpec;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenario;
import io.mxray.lab.Scenarios;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.DomainTask;
import io.mxray.schema.LookupOutcome;
import io.mxray.schema.MxHost;
import io.mxray.schema.TlsaLookup;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DNS stage against the lab's DNS over the network, validating with the lab's trust anchor:
 * one case per lab domain, grouped by scenario family, judged by the lab's declared ground truth
 * (never by the stage's own logic).
 */
class DnsStageLabTest {
    private static Lab lab;
    private static Resolvers resolvers;
    private static DnsStage stage;

    @BeforeAll
    static void startLab() throws Exception {
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")).withScenarios(Scenarios.withHostile()));
        DnsConfig config = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                .withTrustAnchor(lab.trustAnchorFile());
        resolvers = Resolvers.create(config, Clock.systemUTC());
        stage = resolvers.stage(config, Clock.systemUTC());
    }

    @AfterAll
    static void stopLab() {
        if (resolvers != null) {
            resolvers.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    static Stream<Scenario> family(String family) {
        return Scenarios.catalogue().stream().filter(s -> s.family().equals(family));
    }

    static Stream<Scenario> dns() {
        return Stream.concat(family("dns"), family("mx"));
    }

    static Stream<Scenario> tls() {
        return family("tls");
    }

    static Stream<Scenario> dane() {
        return family("dane");
    }

    static Stream<Scenario> behaviourAndSharing() {
        return Stream.concat(family("behaviour"), family("sharing"));
    }

    static Stream<Scenario> policy() {
        return family("policy");
    }

    static Stream<Scenario> hostile() {
        return io.mxray.lab.HostileScenarios.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileScenarios(Scenario s) {
        check(s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policy")
    void policyScenarios(Scenario s) {
        check(s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dns")
    void dnsScenarios(Scenario s) {
        check(s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tls")
    void tlsScenarios(Scenario s) {
        check(s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dane")
    void daneScenarios(Scenario s) {
        check(s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("behaviourAndSharing")
    void behaviourAndSharingScenarios(Scenario s) {
        check(s);
    }

    /**
     * The reason a bogus MX answer must carry, from the fault each scenario declares (RFC 8914
     * names): a broken signature, an expired one, a missing one, a DS naming no key of the zone.
     */
    private static final java.util.Map<String, String> BOGUS_REASON = java.util.Map.of(
            "bogus-mx", "dnssec-bogus",
            "expired-rrsig", "signature-expired",
            "missing-rrsig", "rrsigs-missing",
            "dnskey-expired", "signature-expired",
            "wrong-ds", "dnskey-missing",
            "broken-denial", "dnssec-bogus",
            "keytrap", "validation-limit-exceeded");

    private static void check(Scenario scenario) {
        ExpectedDomain expected = scenario.expected();
        DnsResolution r = stage.resolve(new DomainTask("scan", expected.domain(), null, 1)).toCompletableFuture().join();
        DnsResult result = r.result();
        assertEquals(expected.dnsOutcome(), result.outcome(), "DNS outcome of " + expected.domain());
        assertEquals(expected.mxDnssec(), result.mxDnssec(), "DNSSEC status of the MX answer (" + result.mxDnssecReason() + ")");
        if (expected.mxDnssec() == io.mxray.schema.DnssecStatus.BOGUS) {
            assertEquals(BOGUS_REASON.get(scenario.name()), result.mxDnssecReason(), "why the MX answer is bogus");
        }
        List<MxHost> hosts = result.mxHosts();
        assertEquals(expected.mx().stream().map(ExpectedHost::host).toList(), hosts.stream().map(MxHost::name).toList());
        assertEquals(expected.mx().stream().map(ExpectedHost::preference).toList(),
                hosts.stream().map(MxHost::preference).toList());
        for (int i = 0; i < hosts.size(); i++) {
            MxHost h = hosts.get(i);
            ExpectedHost e = expected.mx().get(i);
            HostSpec spec = scenario.mx().stream().map(Scenario.Mx::host).filter(x -> x.name().equals(h.name()))
                    .findFirst().orElseThrow();
            assertEquals(e.addressDnssec(), h.addressDnssec(), "DNSSEC status of " + h.name() + "'s addresses");
            if (spec.address() != HostSpec.Address.NONE && e.outcome().equals("no-address")) {
                // published, but what came back is not usable as an address (a hostile scenario)
                assertEquals(List.of(), h.addresses(), h.name());
                continue;
            }
            switch (spec.address()) {
                case NONE -> {
                    assertEquals(List.of(), h.addresses());
                    assertEquals(LookupOutcome.NXDOMAIN, h.addressOutcome(), "the lab has no such name at all");
                }
                case IPV6_LOOPBACK -> assertEquals(List.of("::1"), h.addresses());
                case IPV4 -> assertEquals(List.of(lab.addressOf(h.name())), h.addresses(), h.name());
            }
            assertEquals(spec.cnameTarget() == null ? List.of() : List.of(spec.cnameTarget()), h.cnameChain());
            checkTlsa(spec, e, h);
        }
        assertEquals(r.probes().size(), result.probeKeys().size());
        assertTrue(r.probes().stream().allMatch(p -> p.port() == lab.smtpPort()));
        assertEquals(expected.mtaSts(), result.mtaSts() == null ? null : result.mtaSts().status(), "MTA-STS record");
        assertEquals(expected.tlsRpt(), result.tlsRpt() == null ? null : result.tlsRpt().status(), "TLS-RPT record");
    }

    /** What the TLSA lookup must look like, from the declared address status and DANE status. */
    private static void checkTlsa(HostSpec spec, ExpectedHost e, MxHost h) {
        TlsaLookup t = h.tlsa();
        if (h.addresses().isEmpty()) {
            return;
        }
        if (e.addressDnssec() != DnssecStatus.SECURE) {
            assertEquals("skipped-address-" + e.addressDnssec().key(), t.decision().key(), h.name());
            assertEquals(null, t.outcome());
            return;
        }
        assertTrue(t.lookedUp(), h.name() + " has secure addresses: its TLSA RRset is looked up");
        if (t.dropped() != null) {
            // an RRset larger than the bounds (hostile scenarios publish it as zone records): cut, and said so
            assertEquals(DnssecStatus.SECURE, t.dnssec(), h.name());
            assertTrue(t.records().size() <= io.mxray.schema.Bounds.TLSA_RECORDS, h.name());
            assertTrue(t.records().stream().mapToInt(r -> r.data().length()).sum() <= io.mxray.schema.Bounds.TLSA_DATA_HEX);
            assertTrue(spec.tlsa().stream().allMatch(x -> t.records().stream().anyMatch(r -> r.usage() == x.usage()
                    && r.selector() == x.selector() && r.matching() == x.matching())), "the digests are kept");
            return;
        }
        if (spec.tlsa().isEmpty()) {
            assertEquals(DnssecStatus.SECURE, t.dnssec(), h.name() + ": no TLSA, proven");
            assertEquals(List.of(), t.records());
            return;
        }
        if (e.dane() == DaneStatus.BOGUS) {
            assertEquals(DnssecStatus.BOGUS, t.dnssec(), h.name());
            assertTrue(t.failed());
            return;
        }
        assertEquals(DnssecStatus.SECURE, t.dnssec(), h.name());
        assertEquals(spec.tlsa().size(), t.records().size(), h.name());
        boolean anyUsable = spec.tlsa().stream().anyMatch(x -> x.usage() == 2 || x.usage() == 3);
        assertEquals(anyUsable, t.hasUsableSecureRecords(), h.name());
        for (int i = 0; i < spec.tlsa().size(); i++) {
            var declared = spec.tlsa().get(i);
            assertTrue(t.records().stream().anyMatch(x -> x.usage() == declared.usage() && x.selector() == declared.selector()
                    && x.matching() == declared.matching()), h.name() + " record " + declared);
        }
    }

    /**
     * Sixteen MX hosts with TLSA RRsets of 30 KB and policy records of 30 KB: the DNS result keeps
     * what the bounds allow (a few hundred KB at most, far below what a broker takes) and names
     * every cut; every host's RRset is carried once.
     */
    @Test
    void aDomainOfOversizedRRsetsStaysWithinAMessageAndNamesWhatWasCut() {
        DnsResolution r = stage.resolve(new DomainTask("scan", "many-mx.test", null, 1)).toCompletableFuture().join();
        byte[] json = io.mxray.runtime.Topics.DNS_RESULTS.valueSerde().serializer().serialize("t", r.result());
        assertTrue(json.length < io.mxray.schema.Bounds.MESSAGE_BYTES / 2, "DNS result of " + json.length + " bytes");
        List<String> cut = r.result().truncated();
        assertEquals(18, cut.size(), String.valueOf(cut));
        assertTrue(cut.containsAll(List.of("tlsa:mx1.many-mx.test", "tlsa:mx16.many-mx.test", "mta-sts-txt",
                "tls-rpt-txt")), String.valueOf(cut));
        assertEquals(io.mxray.schema.TxtStatus.VALID, r.result().mtaSts().status(), "parsed in full, kept in part");
        assertTrue(r.result().mtaSts().records().get(0).length() <= io.mxray.schema.Bounds.TXT_CHARS);
        assertEquals(io.mxray.schema.Bounds.TXT_RECORDS, r.result().tlsRpt().rua().size());
    }

    @Test
    void theGroundTruthFileListsEveryScenario() {
        List<ExpectedDomain> file = io.mxray.lab.GroundTruth.read(lab.groundTruthFile());
        assertEquals(Scenarios.withHostile().stream().map(Scenario::expected).toList(), file);
    }

    @Test
    void aSharedMxHostIsTheSameProbeForBothDomains() {
        var a = stage.resolve(new DomainTask("scan", "shared-a.test", null, 1)).toCompletableFuture().join();
        var b = stage.resolve(new DomainTask("scan", "shared-b.test", null, 2)).toCompletableFuture().join();
        assertEquals(a.result().probeKeys(), b.result().probeKeys());
    }

    @Test
    void theShippedIanaAnchorDoesNotValidateTheLab() {
        // the lab has its own root: with the Internet's anchor its answers cannot be secure
        DnsConfig config = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort());
        try (Resolvers iana = Resolvers.create(config, Clock.systemUTC())) {
            DnsResult r = iana.stage(config, Clock.systemUTC()).resolve(new DomainTask("scan", "tls-valid.test", null, 1))
                    .toCompletableFuture().join().result();
            assertTrue(r.mxDnssec() != DnssecStatus.SECURE, "got " + r.mxDnssec());
        }
    }
}
