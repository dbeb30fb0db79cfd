package io.mxray.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.ResolverMode;
import io.mxray.lab.Scenarios;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.DomainTask;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The resolver is not the domain. A resolver that answers NXDOMAIN or SERVFAIL to everything,
 * strips DNSSEC records, or goes away fails its check with words that say so; while it fails, no
 * answer through it is called bogus for the domain, and a worker waits instead of answering.
 */
class ResolverHealthTest {
    private static Lab lab;
    private static DnsConfig config;

    @BeforeAll
    static void start() throws Exception {
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")).withScenarios(
                Scenarios.catalogue().stream().filter(s -> List.of("signed", "tls-valid", "unsigned").contains(s.name()))
                        .toList()));
        config = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort()).withTrustAnchor(lab.trustAnchorFile())
                .withTimeout(Duration.ofMillis(500), 2, Duration.ofMillis(50));
    }

    @AfterEach
    void honest() {
        lab.resolverMode(ResolverMode.HONEST);
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void anHonestResolverPasses() {
        ResolverHealth.Report r = ResolverHealth.preflight(config, Clock.systemUTC());
        assertTrue(r.healthy(), String.valueOf(r.failure()));
    }

    @ParameterizedTest
    @EnumSource(value = ResolverMode.class, names = {"NXDOMAIN_ALL", "SERVFAIL_ALL", "STRIP_DNSSEC", "SILENT"})
    void aBrokenResolverFailsItsCheckSayingWhat(ResolverMode mode) {
        lab.resolverMode(mode);
        ResolverHealth.Report r = ResolverHealth.preflight(config, Clock.systemUTC());
        assertFalse(r.healthy(), mode.name());
        String expected = switch (mode) {
            case NXDOMAIN_ALL -> "answers NXDOMAIN for the root zone";
            case SERVFAIL_ALL -> "answers SERVFAIL for the root zone";
            case STRIP_DNSSEC -> "withholds DNSSEC records";
            default -> "no answer to the root zone's DNSKEY question";
        };
        assertTrue(r.failure().contains(expected), mode + ": " + r.failure());
    }

    /**
     * Through a resolver that answers NXDOMAIN to everything or strips RRSIGs, a domain's MX
     * answer cannot be validated: that is indeterminate and blames the resolver, never bogus.
     */
    @ParameterizedTest
    @EnumSource(value = ResolverMode.class, names = {"NXDOMAIN_ALL", "STRIP_DNSSEC"})
    void throughABrokenResolverNoDomainIsCalledBogus(ResolverMode mode) {
        lab.resolverMode(mode);
        try (Resolvers resolvers = Resolvers.create(config, Clock.systemUTC())) {
            DnsResult r = resolvers.stage(config, Clock.systemUTC()).resolve(new DomainTask("s", "signed.test", null, 1))
                    .toCompletableFuture().join().result();
            assertNotEquals(DnssecStatus.BOGUS, r.mxDnssec(), mode + ": " + r);
            assertEquals(DnssecStatus.INDETERMINATE, r.mxDnssec(), mode + ": " + r);
            assertTrue(r.mxDnssecReason().startsWith("resolver-"), r.mxDnssecReason());
            assertTrue(ResolverHealth.suspect(r), "a worker checks the resolver before believing it");
        }
    }

    /**
     * The breaker: a worker whose resolver dies mid-scan waits (its items stay in hand) instead
     * of answering with timeouts, and answers correctly once the resolver is back.
     */
    @Test
    void aWorkerWaitsForADeadResolverAndAnswersRightWhenItIsBack() throws Exception {
        try (Resolvers resolvers = Resolvers.create(config, Clock.systemUTC())) {
            DnsWorker worker = new DnsWorker(resolvers.stage(config, Clock.systemUTC()), resolvers.health(),
                    Clock.systemUTC());
            lab.resolverMode(ResolverMode.SILENT);
            CompletableFuture<List<io.mxray.runtime.Output<?, ?>>> answer = worker.handle(
                    new DomainTask("s", "signed.test", null, 1)).toCompletableFuture();
            Thread.sleep(4000); // timeouts, then the check fails: the breaker opens
            assertFalse(answer.isDone(), "no answer while the resolver is dead");
            assertTrue(resolvers.health().isOpen());
            assertEquals(0, resolvers.health().up());
            lab.resolverMode(ResolverMode.HONEST);
            List<io.mxray.runtime.Output<?, ?>> out = answer.get(30, TimeUnit.SECONDS);
            DnsResult r = (DnsResult) out.get(out.size() - 1).value();
            assertEquals(DnsOutcome.MX, r.outcome());
            assertEquals(DnssecStatus.SECURE, r.mxDnssec());
            assertFalse(resolvers.health().isOpen());
        }
    }
}
