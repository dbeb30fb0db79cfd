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
    static {
        // as every mxray process starts, before the HTTP client makes the JVM's TLS context: the
        // other tests of this JVM probe TLS 1.0 and 1.1 servers
        io.mxray.runtime.Jvm.prepare();
    }

    @Test
    void theDemoPrintsEveryLabDomainAsDeclaredAndExitsZeroThenTheReadersFindItsData() throws Exception {
        Path home = Files.createTempDirectory("demo");
        Path logs = home.resolveSibling(home.getFileName() + "-logs");
        Path data = home.resolve("mxray-data"); // the default data folder of a user working in home
        int status;
        String out;
        try (MxrayProcess demo = MxrayProcess.mxrayIn(home, "demo", logs, java.util.List.of("-Xmx1g"),
                java.util.List.of("demo", "--partitions", "2"))) {
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
        String scan = out.lines().filter(l -> l.startsWith("report written to ")).findFirst()
                .map(l -> l.replaceAll(".*mxray-report-(.*)\\.html$", "$1")).orElseThrow(() -> new AssertionError(
                        "the demo names its report: " + out));
        assertTrue(Files.readString(data.resolve("mxray-report-" + scan + ".html")).contains("<svg"),
                "the demo's report, with its charts");

        // then, in the same folder, the commands that read results, with no option at all
        String report = run(home, logs, "report");
        Path file = home.resolve("mxray-report-" + scan + ".html");
        assertTrue(report.contains("report of scan " + scan + " written to " + file), report);
        assertTrue(Files.readString(file).contains("<svg"));
        String stats = run(home, logs, "stats");
        assertTrue(stats.contains("scan " + scan + " (lab demo): " + n + " of " + n + " domains final"), stats);
        String export = run(home, logs, "export");
        assertTrue(export.lines().anyMatch(l -> l.startsWith("scan_id,domain,")), "the CSV header: " + export);
        assertEquals(n, export.lines().filter(l -> l.startsWith(scan + ",")).count(), "a row per lab domain: " + export);

        // and the web application on the same folder, as the demo's last lines say
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (MxrayProcess serve = MxrayProcess.mxrayIn(home, "serve", logs, java.util.List.of("-Xmx512m"),
                java.util.List.of("serve", "--listen", "127.0.0.1:" + port))) {
            String base = "http://127.0.0.1:" + port;
            String home1 = get(base + "/", serve);
            assertTrue(home1.contains("Latest scan: <a href=\"/scan/" + scan + "\">") && home1.contains("<svg"), home1);
            String domains = get(base + "/scan/" + scan + "/domains?per=500", serve);
            assertEquals(n, domains.lines().mapToInt(l -> l.split("<a href=\"/domain/", -1).length - 1).sum(),
                    "a row per lab domain: " + domains);
            assertTrue(get(base + "/api/scans", serve).contains("\"id\":\"" + scan + "\""));
        }
    }

    /** A page of the server {@code serve} started, once it answers. */
    private static String get(String url, MxrayProcess serve) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (int i = 0; i < 600; i++) {
            try {
                var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), url + ": " + r.body());
                return r.body();
            } catch (java.net.ConnectException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("mxray serve did not answer: " + Files.readString(serve.log()));
    }

    /** {@code mxray <command>} with no option, working in {@code home}; its output, after exit 0. */
    private static String run(Path home, Path logs, String command) throws Exception {
        try (MxrayProcess p = MxrayProcess.mxrayIn(home, command, logs, java.util.List.of("-Xmx512m"),
                java.util.List.of(command))) {
            int status = p.await(java.time.Duration.ofMinutes(2));
            String out = Files.readString(p.log(), StandardCharsets.UTF_8);
            assertEquals(0, status, command + ": " + out);
            return out;
        }
    }
}
