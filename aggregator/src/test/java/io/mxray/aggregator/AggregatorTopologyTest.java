package io.mxray.aggregator;

import static io.mxray.verdict.Fixtures.dns;
import static io.mxray.verdict.Fixtures.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.runtime.Topics;
import io.mxray.schema.CertType;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DomainResult;
import io.mxray.schema.Level;
import io.mxray.schema.ProbeResult;
import io.mxray.verdict.Fixtures;
import io.mxray.verdict.ProbeVerdict;
import java.nio.file.Files;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The join of DNS results and probe results, in every order the topics may deliver them. */
class AggregatorTopologyTest {
    private TopologyTestDriver driver;
    private TestInputTopic<String, DnsResult> dnsIn;
    private TestInputTopic<String, ProbeResult> probesIn;
    private TestOutputTopic<String, DomainResult> out;

    @BeforeEach
    void setUp() throws Exception {
        StreamsBuilder b = new StreamsBuilder();
        AggregatorTopology.build(b, new AggregatorConfig(Clock.fixed(Fixtures.T, ZoneOffset.UTC),
                java.time.Duration.ofMinutes(30), java.time.Duration.ofSeconds(10)));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("streams").toString());
        driver = new TopologyTestDriver(b.build(), p);
        dnsIn = driver.createInputTopic(Topics.DNS_RESULTS.name(), Topics.DNS_RESULTS.keySerde().serializer(),
                Topics.DNS_RESULTS.valueSerde().serializer());
        probesIn = driver.createInputTopic(Topics.SMTP_RESULTS.name(), Topics.SMTP_RESULTS.keySerde().serializer(),
                Topics.SMTP_RESULTS.valueSerde().serializer());
        out = driver.createOutputTopic(Topics.DOMAIN_RESULTS.name(), Topics.DOMAIN_RESULTS.keySerde().deserializer(),
                Topics.DOMAIN_RESULTS.valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void send(DnsResult d) {
        dnsIn.pipeInput(d.key(), d);
    }

    /** A probe result into the global verdict store, then as long as the domain side takes to look. */
    private void send(ProbeResult p) {
        probesIn.pipeInput(p.probeKey(), p);
        driver.advanceWallClockTime(DomainAssembler.ARRIVALS_EVERY);
    }

    /** The aggregator's metrics: DNS results taken, and the domains waiting for verdicts as its items in flight. */
    @Test
    void theAggregatorCountsDnsResultsInAndDomainsWaiting() {
        var in = io.mxray.runtime.Metrics.ITEMS_IN.labelValues(DomainAssembler.STAGE);
        var waiting = io.mxray.runtime.Metrics.IN_FLIGHT.labelValues(DomainAssembler.STAGE);
        double in0 = in.get();
        double waiting0 = waiting.get();
        send(dns("a.example", "mx.a.example=192.0.2.1"));
        send(dns("null.example"));
        assertEquals(in0 + 2, in.get());
        assertEquals(waiting0 + 1, waiting.get(), "a.example waits for its probe; null.example is final at once");
        send(probe("192.0.2.1", "mx.a.example", Level.VERIFIED, CertType.CA_VALID));
        assertEquals(2, out.readValuesToList().size());
        assertEquals(waiting0, waiting.get());
    }

    /** The verdict store reads smtp-results as verdicts directly: the same as taking them from the result. */
    @Test
    void aVerdictReadFromAProbeResultsJsonIsTheVerdictOfTheResult() {
        var serde = new io.mxray.runtime.JsonSerde<>(ProbeVerdict.class);
        for (ProbeResult p : List.of(probe("192.0.2.1", "mx.a.example", Level.VERIFIED, CertType.CA_VALID),
                probe("192.0.2.2", "mx.b.example", Level.PLAINTEXT, null),
                probe("192.0.2.3", "mx.c.example", Level.UNREACHABLE, null))) {
            byte[] json = Topics.SMTP_RESULTS.valueSerde().serializer().serialize("t", p);
            assertEquals(ProbeVerdict.of(p), serde.deserialize("t", json));
        }
        ProbeResult withDane = probe("192.0.2.4", "mx.d.example", Level.VERIFIED, CertType.CA_VALID);
        withDane = new ProbeResult(withDane.scanId(), withDane.probeKey(), withDane.ip(), withDane.port(),
                withDane.mxHost(), withDane.outcome(), "some-reason", withDane.level(), withDane.certType(), "dane-ee",
                new io.mxray.schema.DaneResult(io.mxray.schema.DaneStatus.VALID,
                        io.mxray.schema.DaneCheck.DANE_EE, "3 1 1", null), withDane.banner(),
                withDane.ehlo(), withDane.tls(), withDane.timings(), withDane.probedAt());
        assertEquals(ProbeVerdict.of(withDane), serde.deserialize("t",
                Topics.SMTP_RESULTS.valueSerde().serializer().serialize("t", withDane)));
    }

    /** Verdicts of scans older than the horizon leave the store (scan ids begin with their start time). */
    @Test
    void verdictsOfOldScansArePruned() {
        var store = driver.<String, ProbeVerdict>getKeyValueStore(VerdictKeeper.STORE);
        String oldScan = "20000101T000000Z-0001";
        ProbeResult p = probe("192.0.2.1", "mx.a.example", Level.VERIFIED, CertType.CA_VALID);
        String oldKey = io.mxray.schema.Keys.probeKey(oldScan, p.ip(), 25, p.mxHost());
        probesIn.pipeInput(oldKey, new ProbeResult(oldScan, oldKey, p.ip(), p.port(), p.mxHost(), p.outcome(),
                p.reason(), p.level(), p.certType(), p.decidedBy(), p.dane(), p.banner(), p.ehlo(), p.tls(),
                p.timings(), p.probedAt()));
        send(p);
        assertEquals(null, store.get(oldKey), "a verdict of a scan started in 2000 is gone");
        assertEquals(ProbeVerdict.of(p), store.get(p.probeKey()));
    }

    /**
     * The "done" entries of finished domains (kept so that a replay changes nothing) leave the
     * store once their scan is older than the horizon: the store does not grow with history.
     */
    @Test
    void finishedDomainsOfOldScansAreForgotten() {
        var states = driver.<String, DomainState>getKeyValueStore(DomainAssembler.STATE);
        String oldScan = "20000101T000000Z-0002";
        DnsResult old = new DnsResult(oldScan, "old.example", null, io.mxray.schema.DnsOutcome.NULL_MX, null,
                List.of(), List.of(), Fixtures.T, 1);
        send(old);
        var d = dns("new.example");
        send(d);
        assertEquals(true, states.get(d.key()).finalized(), "a finished domain of the current scan is kept");
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(11)); // the next sweep prunes
        assertEquals(null, states.get(old.key()), "the domain of a scan started in 2000 is forgotten");
        assertEquals(true, states.get(d.key()).finalized());
    }

    @Test
    void dnsFirstThenTheProbe() {
        var d = dns("a.example", "mx.a.example=192.0.2.1");
        send(d);
        assertTrue(out.isEmpty(), "not final before its probe");
        send(probe("192.0.2.1", "mx.a.example", Level.VERIFIED, CertType.CA_VALID));
        List<DomainResult> results = out.readValuesToList();
        assertEquals(1, results.size());
        assertEquals(Level.VERIFIED, results.get(0).worstLevel());
        assertEquals("a.example", results.get(0).domain());
    }

    @Test
    void theProbeFirstThenDns() {
        send(probe("192.0.2.1", "mx.a.example", Level.TRUSTED, CertType.CA_NAME_MISMATCH));
        assertTrue(out.isEmpty());
        send(dns("a.example", "mx.a.example=192.0.2.1"));
        var kv = out.readKeyValue();
        assertEquals("scan-1/a.example", kv.key);
        assertEquals(Level.TRUSTED, kv.value.bestLevel());
        assertTrue(out.isEmpty());
    }

    @Test
    void oneProbeOfASharedHostServesEveryDomainWhateverTheOrder() {
        send(dns("early.example", "mx.provider.example=192.0.2.9"));
        send(probe("192.0.2.9", "mx.provider.example", Level.VERIFIED, CertType.CA_VALID));
        send(dns("late.example", "mx.provider.example=192.0.2.9"));
        List<String> domains = out.readValuesToList().stream().map(DomainResult::domain).sorted().toList();
        assertEquals(List.of("early.example", "late.example"), domains);
    }

    @Test
    void aDomainIsFinalOnlyWhenAllItsProbesAnswered() {
        send(dns("two.example", "mx1.two.example=192.0.2.1,192.0.2.11", "mx2.two.example=192.0.2.2"));
        send(probe("192.0.2.1", "mx1.two.example", Level.VERIFIED, CertType.CA_VALID));
        send(probe("192.0.2.2", "mx2.two.example", Level.PLAINTEXT, null));
        assertTrue(out.isEmpty());
        send(probe("192.0.2.11", "mx1.two.example", Level.UNTRUSTED, CertType.EXPIRED));
        DomainResult r = out.readValue();
        assertEquals(3, r.mxHosts().size());
        assertEquals(Level.PLAINTEXT, r.worstLevel());
        assertEquals(Level.VERIFIED, r.bestLevel());
    }

    @Test
    void aDomainWithoutProbesIsFinalAtOnce() {
        send(dns("null.example"));
        DomainResult r = out.readValue();
        assertEquals("null.example", r.domain());
        assertEquals(List.of(), r.mxHosts());
    }

    @Test
    void replaysNeverMakeASecondResult() {
        var d = dns("a.example", "mx.a.example=192.0.2.1");
        var p = probe("192.0.2.1", "mx.a.example", Level.VERIFIED, CertType.CA_VALID);
        send(d);
        send(d);
        send(p);
        send(p);
        send(d);
        assertEquals(1, out.readValuesToList().size());
    }

    @Test
    void theSameHostNameOnAnotherAddressIsAnotherProbe() {
        send(dns("a.example", "mx.a.example=192.0.2.1"));
        send(probe("192.0.2.99", "mx.a.example", Level.VERIFIED, CertType.CA_VALID));
        assertTrue(out.isEmpty(), "a result for another address must not complete the domain");
    }

    @Test
    void resultsDependingOnTheNameAreNotSharedBetweenNames() {
        // two names on one address: one probe each, each judged against its own name
        send(dns("a.example", "mx.a.example=192.0.2.1"));
        send(dns("b.example", "mx.b.example=192.0.2.1"));
        send(probe("192.0.2.1", "mx.a.example", Level.VERIFIED, CertType.CA_VALID));
        send(probe("192.0.2.1", "mx.b.example", Level.TRUSTED, CertType.CA_NAME_MISMATCH));
        var byDomain = new java.util.HashMap<String, Level>();
        out.readValuesToList().forEach(r -> byDomain.put(r.domain(), r.bestLevel()));
        assertEquals(Level.VERIFIED, byDomain.get("a.example"));
        assertEquals(Level.TRUSTED, byDomain.get("b.example"));
    }

    @Test
    void aDomainWhoseVerdictCannotBeAssembledGetsARowNamingTheErrorAndTheNextDomainsStillFlow() {
        var d = dns("a.example", "mx.a.example=192.0.2.1");
        send(d);
        // a probe result under the right key that describes another address: inconsistent input
        ProbeResult p = probe("192.0.2.1", "mx.a.example", Level.VERIFIED, CertType.CA_VALID);
        send(new ProbeResult(p.scanId(), p.probeKey(), "192.0.2.99", p.port(), p.mxHost(), p.outcome(), p.reason(),
                p.level(), p.certType(), p.decidedBy(), p.dane(), p.banner(), p.ehlo(), p.tls(), p.timings(),
                p.probedAt()));
        List<DomainResult> results = out.readValuesToList();
        assertEquals(1, results.size());
        assertTrue(results.get(0).dnsReason().startsWith("aggregator-error: IllegalArgumentException"),
                results.get(0).dnsReason());
        var next = dns("b.example", "mx.b.example=192.0.2.2");
        send(next);
        send(probe("192.0.2.2", "mx.b.example", Level.VERIFIED, CertType.CA_VALID));
        assertEquals(List.of("b.example"), out.readValuesToList().stream().map(DomainResult::domain).toList());
    }

    @Test
    void aDomainWhoseProbeNeverAnswersIsFinalizedIncompleteNamingTheMissingProbe() {
        var d = dns("slow.example", "mx1.slow.example=192.0.2.1", "mx2.slow.example=192.0.2.2");
        send(d);
        send(probe("192.0.2.1", "mx1.slow.example", Level.VERIFIED, CertType.CA_VALID));
        driver.advanceWallClockTime(java.time.Duration.ofMinutes(29));
        assertTrue(out.isEmpty(), "still waiting within the probe wait");
        driver.advanceWallClockTime(java.time.Duration.ofMinutes(2));
        List<DomainResult> results = out.readValuesToList();
        assertEquals(1, results.size());
        DomainResult r = results.get(0);
        assertTrue(r.incomplete());
        assertEquals(List.of(Fixtures.key("192.0.2.2", "mx2.slow.example")), r.missingProbes());
        assertEquals(Level.VERIFIED, r.bestLevel(), "what did arrive is kept");
        var missing = r.mxHosts().stream().filter(h -> h.mxHost().equals("mx2.slow.example")).findFirst().orElseThrow();
        assertEquals(io.mxray.schema.HostOutcome.MISSING, missing.outcome());
        assertEquals(null, missing.level());
        // the late result changes nothing: the domain is final
        send(probe("192.0.2.2", "mx2.slow.example", Level.VERIFIED, CertType.CA_VALID));
        driver.advanceWallClockTime(java.time.Duration.ofMinutes(40));
        assertTrue(out.isEmpty());
    }

    @Test
    void aCompleteDomainIsNotSweptLater() {
        var d = dns("quick.example", "mx.quick.example=192.0.2.1");
        send(d);
        send(probe("192.0.2.1", "mx.quick.example", Level.VERIFIED, CertType.CA_VALID));
        assertEquals(1, out.readValuesToList().size());
        driver.advanceWallClockTime(java.time.Duration.ofHours(2));
        assertTrue(out.isEmpty(), "finalized once");
    }

    /**
     * A probe answered twice (an SMTP worker re-probed after a crash, and the result changed): the
     * domains that come later get the verdict written last, as the store holds it, not one kept
     * in memory from before.
     */
    @Test
    void aProbeAnsweredAgainServesLaterDomainsItsLastVerdict() {
        send(probe("192.0.2.5", "mx.again.example", Level.VERIFIED, CertType.CA_VALID));
        send(dns("first.example", "mx.again.example=192.0.2.5"));
        send(probe("192.0.2.5", "mx.again.example", Level.PLAINTEXT, null));
        send(dns("second.example", "mx.again.example=192.0.2.5"));
        List<DomainResult> results = out.readValuesToList();
        assertEquals(List.of("first.example", "second.example"), results.stream().map(DomainResult::domain).toList());
        assertEquals(Level.VERIFIED, results.get(0).worstLevel());
        assertEquals(Level.PLAINTEXT, results.get(1).worstLevel());
    }

    /** The pending index sorts by time as text: the key must be the zero-padded form, whatever the number. */
    @Test
    void pendingKeysAreZeroPaddedTimesThenTheDomain() {
        for (long ms : new long[] {0, 7, 1_700_000_000_123L, Long.MAX_VALUE, -5}) {
            assertEquals(String.format("%019d|%s", ms, "scan/a.example"), DomainAssembler.pendingKey(ms, "scan/a.example"));
        }
        assertTrue(DomainAssembler.pendingKey(999, "z").compareTo(DomainAssembler.pendingKey(1000, "a")) < 0);
    }
}
