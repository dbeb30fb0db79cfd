package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.ResolverMode;
import io.mxray.lab.Scenarios;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code mxray scan} through a broken resolver stops before it scans anything, with one message
 * naming the resolver and what it failed: a million domains must not be stored as bogus or dead
 * because of the resolver.
 */
class ScanResolverTest {
    private static Lab lab;

    @BeforeAll
    static void start() throws Exception {
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")).withScenarios(Scenarios.catalogue().stream()
                .filter(s -> List.of("signed", "tls-valid").contains(s.name())).toList()));
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = ResolverMode.class, names = {"NXDOMAIN_ALL", "STRIP_DNSSEC", "SERVFAIL_ALL", "SILENT"})
    void aScanThroughABrokenResolverStopsBeforeItBeginsNamingTheResolver(ResolverMode mode) throws Exception {
        Path data = Files.createTempDirectory("scan-data");
        String resolver = lab.resolver().getAddress().getHostAddress() + ":" + lab.resolver().getPort();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int status;
        lab.resolverMode(mode);
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            status = Mxray.commandLine().execute("scan", lab.domainsFile().toString(), "--resolver", resolver,
                    "--trust-anchor", lab.trustAnchorFile().toString(), "--dns-timeout", "PT0.5S", "--data-dir",
                    data.toString());
        } finally {
            System.setErr(original);
            lab.resolverMode(ResolverMode.HONEST);
        }
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(3, status, said);
        assertTrue(said.contains("mxray scan: the DNS resolver " + resolver + " cannot be used: "), said);
        assertFalse(Files.exists(data.resolve("postgres")), "nothing started, no row written");
    }
}
