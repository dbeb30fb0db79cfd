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
import io.mxray.schema.DomainTask;
import io.mxray.schema.LookupOutcome;
import io.mxray.schema.MxHost;
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
 * The DNS stage against the lab's DNS server over the network, one case per lab domain, judged
 * by the lab's declared ground truth (never by the stage's own logic). DNSSEC statuses are not
 * produced yet (see io.mxray.lab.Pending).
 */
class DnsStageLabTest {
    private static Lab lab;
    private static DnsStage stage;

    @BeforeAll
    static void startLab() throws Exception {
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")));
        DnsConfig config = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort());
        stage = new DnsStage(config, Main.resolver(config), Clock.systemUTC());
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    static Stream<Scenario> scenarios() {
        return Scenarios.catalogue().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyLabDomainResolvesAsDeclared(Scenario scenario) {
        ExpectedDomain expected = scenario.expected();
        DnsResolution r = stage.resolve(new DomainTask("scan", expected.domain(), null, 1)).toCompletableFuture().join();
        assertEquals(expected.dnsOutcome(), r.result().outcome(), "DNS outcome of " + expected.domain());
        List<MxHost> hosts = r.result().mxHosts();
        assertEquals(expected.mx().stream().map(ExpectedHost::host).toList(), hosts.stream().map(MxHost::name).toList());
        assertEquals(expected.mx().stream().map(ExpectedHost::preference).toList(),
                hosts.stream().map(MxHost::preference).toList());
        for (MxHost h : hosts) {
            HostSpec spec = scenario.mx().stream().map(Scenario.Mx::host).filter(s -> s.name().equals(h.name()))
                    .findFirst().orElseThrow();
            switch (spec.address()) {
                case NONE -> {
                    assertEquals(List.of(), h.addresses());
                    assertEquals(LookupOutcome.NXDOMAIN, h.addressOutcome(), "the lab has no such name at all");
                }
                case IPV6_LOOPBACK -> assertEquals(List.of("::1"), h.addresses());
                case IPV4 -> assertEquals(List.of(lab.addressOf(h.name())), h.addresses(), h.name());
            }
            assertEquals(spec.cnameTarget() == null ? List.of() : List.of(spec.cnameTarget()), h.cnameChain());
        }
        assertEquals(r.probes().size(), r.result().probeKeys().size());
        assertTrue(r.probes().stream().allMatch(p -> p.port() == lab.smtpPort()));
    }

    @Test
    void theGroundTruthFileListsEveryScenario() {
        List<ExpectedDomain> file = io.mxray.lab.GroundTruth.read(lab.groundTruthFile());
        assertEquals(scenarios().map(Scenario::expected).toList(), file);
    }

    @Test
    void aSharedMxHostIsTheSameProbeForBothDomains() {
        var a = stage.resolve(new DomainTask("scan", "shared-a.test", null, 1)).toCompletableFuture().join();
        var b = stage.resolve(new DomainTask("scan", "shared-b.test", null, 2)).toCompletableFuture().join();
        assertEquals(a.result().probeKeys(), b.result().probeKeys());
    }
}
