package io.mxray.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.ExpectedHost;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Pending;
import io.mxray.lab.Scenario;
import io.mxray.lab.Scenarios;
import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.ProbeResult;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SMTP stage against every lab MX host, judged by the lab's declared verdicts (those that a
 * later stage must still meet are skipped, as io.mxray.lab.Pending says).
 */
class SmtpStageLabTest {
    private static Lab lab;
    private static SmtpStage stage;

    @BeforeAll
    static void start() throws Exception {
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")));
        // the lab has a server that greets after 10 s
        SmtpConfig config = SmtpConfig.defaults().allowingNonPublic(true)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(12), Duration.ofSeconds(40));
        stage = new SmtpStage(config, new CertificateJudge(TrustStores.fromPem(lab.caFile()), Clock.systemUTC()),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (stage != null) {
            stage.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    record HostCase(String scenario, ExpectedHost host) {
        @Override
        public String toString() {
            return scenario + ": " + host.host();
        }
    }

    static Stream<HostCase> hosts() {
        return Scenarios.catalogue().stream().flatMap(s -> s.expected().mx().stream()
                .filter(h -> !"no-address".equals(h.outcome()))
                .map(h -> new HostCase(s.name(), h)));
    }

    private static ProbeResult probe(String host) {
        return stage.probe(ProbeRequest.of("scan", lab.addressOf(host), lab.smtpPort(), host)).toCompletableFuture()
                .join();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hosts")
    void everyLabHostGetsItsDeclaredVerdict(HostCase c) {
        ExpectedHost h = c.host();
        long start = System.nanoTime();
        ProbeResult r = probe(h.host());
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(h.outcome(), r.outcome().key(), "outcome");
        if (Pending.forHost(h, Pending.Field.LEVEL) == null) {
            assertEquals(h.level(), r.level(), "level");
        }
        if (Pending.forHost(h, Pending.Field.CERT_TYPE) == null) {
            assertEquals(h.certType(), r.certType(), "certificate type");
        }
        if (h.protocol() != null) {
            assertEquals(h.protocol(), r.tls().protocol(), "protocol");
        }
        // the declared bound holds for the default settings; these are shorter, so it must hold too
        assertTrue(seconds <= h.maxSeconds(), "took " + seconds + " s, at most " + h.maxSeconds() + " declared");
    }

    @Test
    void anEstablishedSessionRecordsWhatWasNegotiatedAndTheChain() {
        ProbeResult r = probe("mx.tls-valid.test");
        assertEquals(ProbeOutcome.TLS_ESTABLISHED, r.outcome());
        assertNotNull(r.tls());
        assertTrue(r.tls().protocol().startsWith("TLSv1."), r.tls().protocol());
        assertTrue(r.tls().cipher().startsWith("TLS_"), r.tls().cipher());
        assertEquals("mx.tls-valid.test", r.tls().sni());
        assertEquals(1, r.tls().chainDer().size());
        assertTrue(r.banner().get(0).startsWith("220 mx.tls-valid.test"), r.banner().toString());
        assertTrue(r.ehlo().contains("STARTTLS"));
        assertNotNull(r.timings().handshakeMs());
        assertEquals("pkix+name", r.decidedBy());
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
        assertEquals(java.util.Set.of("dns", "mx", "tls", "dane", "behaviour", "sharing", "policy"),
                Scenarios.catalogue().stream().map(Scenario::family).collect(java.util.stream.Collectors.toSet()));
    }
}
