package io.mxray.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.HostileScenarios;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.LabSmtpServer;
import io.mxray.local.BrokerProcess;
import io.mxray.local.EmbeddedDatabase;
import io.mxray.local.LocalCluster;
import io.mxray.local.MxrayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Politeness is per address across every instance, not per instance: twelve MX names, all
 * aliases of one host, probed by three SMTP worker processes. The lab's server at that address
 * counts what it sees: never more than two connections at once (--per-ip-connections), never two
 * starting less than a second apart (--per-ip-interval), however the names fall on partitions.
 * Every name is probed (--no-shared-chain): judging names from a chain another name's probe
 * captured would leave two probes to pace (SharedChainLabTest shows that).
 */
class PolitenessAcrossInstancesTest {
    @Test
    void threeSmtpWorkersTogetherKeepThePerAddressLimits() throws Exception {
        Path dir = Files.createTempDirectory("politeness");
        try (Lab lab = Lab.start(LabConfig.defaults(dir.resolve("lab")).withScenarios(HostileScenarios.sharedIp()));
             EmbeddedDatabase postgres = EmbeddedDatabase.start(dir.resolve("postgres"));
             BrokerProcess broker = BrokerProcess.start(dir.resolve("kafka"));
             LocalCluster cluster = new LocalCluster(broker, postgres.database(), LabInternet.of(lab), dir.resolve("processes"),
                     new LocalCluster.Settings(1, 3, 6, Duration.ofSeconds(8), List.of("-Xmx512m"), List.of(),
                             List.of("--connect-timeout", "PT5S", "--step-timeout", "PT20S", "--no-shared-chain")))) {
            String scan = cluster.schedule(lab.domainsFile(), "politeness");
            try (MxrayProcess wait = cluster.follow(scan, Duration.ofMinutes(3))) {
                int status = wait.await(Duration.ofMinutes(4));
                assertEquals(0, status, wait.tail(10));
            }
            String ip = lab.addressOf(HostileScenarios.SHARED_IP_HOST);
            LabSmtpServer.ConnectionStats seen = lab.connections(ip);
            // one probe per name, each of two connections: the handshake, and the second one that asks for
            // the other key type (--all-certificates, on by default)
            assertEquals(2 * HostileScenarios.SHARED_IP_DOMAINS, seen.total(), "one probe per name: " + seen);
            assertTrue(seen.peak() <= 2, "at most 2 connections at once to " + ip + ": " + seen);
            assertTrue(seen.minGapMillis() >= 950, "at least a second between connections to " + ip + ": " + seen);
            assertEquals(HostileScenarios.SHARED_IP_DOMAINS, ScanTables.count(postgres.database(),
                    "SELECT count(*) FROM domain_result WHERE scan_id = ? AND best_level = 'verified'", scan));
        }
    }
}
