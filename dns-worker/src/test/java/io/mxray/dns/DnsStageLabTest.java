package io.mxray.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.ExpectedHost;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.schema.DomainTask;
import io.mxray.schema.LookupOutcome;
import io.mxray.schema.MxHost;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * by the lab's declared ground truth (never by the stage's own logic).
 */
class DnsStageLabTest {
    private static Lab lab;
    private static DnsStage stage;

    @BeforeAll
    static void startLab() throws Exception {
        Path dir = Files.createTempDirectory("lab");
        lab = Lab.start(LabConfig.defaults(dir));
        DnsConfig config = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort());
        stage = new DnsStage(config, Main.resolver(config), Clock.systemUTC());
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    static Stream<ExpectedDomain> domains() {
        // the catalogue is declared in code; read it back from the ground-truth file as a user would
        return io.mxray.lab.Scenarios.basic().stream().map(io.mxray.lab.Scenario::expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("domains")
    void everyLabDomainResolvesAsDeclared(ExpectedDomain expected) {
        DnsResolution r = stage.resolve(new DomainTask("scan", expected.domain(), null, 1)).toCompletableFuture().join();
        assertEquals(expected.dnsOutcome(), r.result().outcome(), "DNS outcome of " + expected.domain());
        List<MxHost> hosts = r.result().mxHosts();
        assertEquals(expected.mx().stream().map(ExpectedHost::host).toList(), hosts.stream().map(MxHost::name).toList());
        assertEquals(expected.mx().stream().map(ExpectedHost::preference).toList(),
                hosts.stream().map(MxHost::preference).toList());
        for (int i = 0; i < hosts.size(); i++) {
            MxHost h = hosts.get(i);
            boolean declaredWithoutAddress = "no-address".equals(expected.mx().get(i).outcome());
            if (declaredWithoutAddress) {
                assertEquals(List.of(), h.addresses());
                assertEquals(LookupOutcome.NXDOMAIN, h.addressOutcome(), "the lab has no such name at all");
            } else {
                assertEquals(List.of(lab.addressOf(h.name())), h.addresses(), h.name());
            }
        }
        assertEquals(r.probes().size(), r.result().probeKeys().size());
        assertTrue(r.probes().stream().allMatch(p -> p.port() == lab.smtpPort()));
    }

    @Test
    void theGroundTruthFileListsEveryScenario() {
        List<ExpectedDomain> file = io.mxray.lab.GroundTruth.read(lab.groundTruthFile());
        assertEquals(domains().toList(), file);
    }

    @Test
    void aSharedMxHostIsTheSameProbeForBothDomains() {
        var a = stage.resolve(new DomainTask("scan", "shared-a.test", null, 1)).toCompletableFuture().join();
        var b = stage.resolve(new DomainTask("scan", "shared-b.test", null, 2)).toCompletableFuture().join();
        assertEquals(a.result().probeKeys(), b.result().probeKeys());
    }
}
