package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.Scenarios;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code mxray demo} as a user runs it: exit 0, every lab domain printed with its declared verdict. */
class DemoCommandTest {
    @Test
    void theDemoPrintsEveryLabDomainAsDeclaredAndExitsZero() throws Exception {
        Path data = Files.createTempDirectory("demo");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int status;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            status = Mxray.commandLine().execute("demo", "--data-dir", data.toString(), "--partitions", "2");
        } finally {
            System.setOut(original);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        original.println(out);
        assertEquals(0, status, out);
        for (ExpectedDomain e : Scenarios.catalogue().stream().map(io.mxray.lab.Scenario::expected).toList()) {
            String shown = e.domain().length() <= 25 ? e.domain() : e.domain().substring(0, 24) + "~";
            String line = out.lines().filter(l -> l.startsWith(shown + " ")).findFirst().orElse("");
            assertTrue(line.endsWith(" ok"), "line of " + e.domain() + ": " + line);
            var first = e.mx().isEmpty() ? null : e.mx().get(0);
            if (first != null && io.mxray.lab.Pending.forHost(first, io.mxray.lab.Pending.Field.LEVEL) == null) {
                assertTrue(line.contains(" " + first.level().key() + " "), line);
            }
        }
        int n = Scenarios.catalogue().size();
        assertTrue(out.contains("ground truth: " + n + " of " + n + " domains as declared"), out);
        assertTrue(out.contains("domains/s"), out);
        assertTrue(Files.isDirectory(data.resolve("postgres")) && Files.isDirectory(data.resolve("kafka")));
    }
}
