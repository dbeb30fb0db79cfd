package io.mxray.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.Scenarios;
import io.mxray.local.EmbeddedDatabase;
import io.mxray.local.MxrayProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code mxray demo} as a user runs it, in a process of its own on a fresh data folder: exit 0,
 * every lab domain printed with its declared verdict, and nothing else alarming in the terminal:
 * no ERROR line (a new user reads one as "it is broken"), no password.
 */
class DemoCommandTest {
    @Test
    void theDemoPrintsEveryLabDomainAsDeclaredAndExitsZero() throws Exception {
        Path data = Files.createTempDirectory("demo");
        int status;
        String out;
        try (MxrayProcess demo = MxrayProcess.mxray("demo", data.resolveSibling(data.getFileName() + "-logs"),
                java.util.List.of("-Xmx1g"), java.util.List.of("demo", "--data-dir", data.toString(), "--partitions",
                        "2"))) {
            status = demo.await(java.time.Duration.ofMinutes(5));
            out = Files.readString(demo.log(), StandardCharsets.UTF_8); // the terminal: output and errors
        }
        System.out.println(out);
        assertEquals(0, status, out);
        assertEquals(java.util.List.of(), out.lines().filter(l -> l.matches(".*\\bERROR\\b.*")).toList(),
                "ERROR lines in a normal run");
        String password = Files.readString(EmbeddedDatabase.passwordFile(data.resolve("postgres"))).strip();
        assertTrue(!out.contains(password), "the database password was printed");
        for (ExpectedDomain e : Scenarios.catalogue().stream().map(io.mxray.lab.Scenario::expected).toList()) {
            String shown = e.domain().length() <= 25 ? e.domain() : e.domain().substring(0, 24) + "~";
            String line = out.lines().filter(l -> l.startsWith(shown + " ")).findFirst().orElse("");
            assertTrue(line.endsWith(" ok"), "line of " + e.domain() + ": " + line);
            var first = e.mx().isEmpty() ? null : e.mx().get(0);
            if (first != null) {
                assertTrue(line.contains(" " + first.level().key() + " "), line);
            }
        }
        int n = Scenarios.catalogue().size();
        assertTrue(out.contains("ground truth: " + n + " of " + n + " domains as declared"), out);
        assertTrue(out.contains("domains/s"), out);
        assertTrue(Files.isDirectory(data.resolve("postgres")) && Files.isDirectory(data.resolve("kafka")));
    }
}
