package io.mxray.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.app.Report;
import io.mxray.app.StatsCommand;
import io.mxray.dns.DnsConfig;
import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.ExpectedHost;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.local.Infrastructure;
import io.mxray.local.Pipeline;
import io.mxray.runtime.KafkaSettings;
import io.mxray.runtime.Topics;
import io.mxray.scheduler.ScanSummary;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.Level;
import io.mxray.schema.ScanCounts;
import io.mxray.smtp.SmtpConfig;
import io.mxray.store.Export;
import io.mxray.store.ScanResults;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on a real Kafka broker (KRaft) and a real PostgreSQL server, scanning the
 * lab: every verdict is checked against the lab's ground-truth file, read back from the database
 * with SQL. The same suite runs on embedded servers ({@link EndToEndTest}) and, where a Docker
 * engine answers, on Testcontainers' Kafka and PostgreSQL ({@link EndToEndContainersTest}).
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
abstract class EndToEndSuite {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private Lab lab;
    private Infrastructure infra;
    private Pipeline pipeline;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("e2e");
        // every scenario of the catalogue and of the hostile family, and 400 generated domains shared as on the Internet
        var scenarios = new java.util.ArrayList<>(io.mxray.lab.Scenarios.withHostile());
        scenarios.addAll(io.mxray.lab.Generator.generate(400, 7));
        lab = Lab.start(LabConfig.defaults(dir.resolve("lab")).withScenarios(scenarios));
        infra = infrastructure(dir.resolve("data"));
        DnsConfig dns = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                .withTrustAnchor(lab.trustAnchorFile());
        // the lab has a server that greets after 10 s and one that never does
        SmtpConfig smtp = SmtpConfig.defaults().allowingNonPublic(true)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(40));
        CertificateJudge judge = new CertificateJudge(TrustStores.fromPem(lab.caFile()), Clock.systemUTC());
        pipeline = new Pipeline(infra, dns, smtp, Pipeline.policyConfig(smtp, lab.httpsPort()), judge,
                Clock.systemUTC(), true);
    }

    /** Kafka and PostgreSQL for the suite, with 3 partitions per topic. */
    abstract Infrastructure infrastructure(Path dataDir) throws Exception;

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (infra != null) {
            infra.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    private ScanSummary scan(String list) throws Exception {
        ScanSummary s = pipeline.schedule(new StringReader(list), "test");
        long done = ScanResults.await(infra.database(), s.scanId(), s.counts().accepted(), TIMEOUT, n -> { });
        assertEquals(s.counts().accepted(), done, "every accepted domain has a final row");
        return s;
    }

    private List<List<String>> query(String sql, Object... args) throws Exception {
        try (Connection c = infra.database().connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                int n = r.getMetaData().getColumnCount();
                while (r.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(r.getString(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    @Test
    void everyLabDomainGetsTheVerdictItsGroundTruthDeclares() throws Exception {
        List<ExpectedDomain> truth = io.mxray.lab.GroundTruth.read(lab.groundTruthFile());
        ScanSummary s = scan(Files.readString(lab.domainsFile()));
        assertEquals(truth.size(), s.counts().accepted());
        var rows = ScanResults.rows(infra.database(), s.scanId());
        GroundTruthCheck.Result check = GroundTruthCheck.check(truth, rows);
        assertEquals(List.of(), check.mismatches());
        assertTrue(check.compared() > 300, "compared " + check.compared());
        // and straight from the tables, as a user would ask
        assertEquals(List.of(List.of(String.valueOf(truth.size()))),
                query("SELECT count(*) FROM domain_result WHERE scan_id = ?", s.scanId()));
        assertEquals(List.of(List.of("verified", "ca-valid", "TLSv1.3")), query("""
                SELECT m.level, m.cert_type, h.tls_protocol FROM domain_mx m
                JOIN mx_host_result h ON h.scan_id = m.scan_id AND h.ip = m.ip AND h.mx_host = m.mx_host
                WHERE m.scan_id = ? AND m.domain = 'tls-valid.test'""", s.scanId()));
        assertEquals(List.of(List.of("plaintext", "verified")), query(
                "SELECT worst_level, best_level FROM domain_result WHERE scan_id = ? AND domain = 'two-mx.test'",
                s.scanId()));
        // the shared MX host was probed once for both domains
        assertEquals(List.of(List.of("1")), query(
                "SELECT count(*) FROM mx_host_result WHERE scan_id = ? AND mx_host = 'mx.provider.test'", s.scanId()));
        assertEquals(List.of(List.of("2")), query(
                "SELECT count(*) FROM domain_mx WHERE scan_id = ? AND mx_host = 'mx.provider.test'", s.scanId()));
        // the certificate is stored once and linked from the probe
        assertEquals(List.of(List.of("CN=mx.tls-valid.test")), query("""
                SELECT c.subject FROM mx_host_result h JOIN certificate c ON c.sha256 = h.chain[1]
                WHERE h.scan_id = ? AND h.mx_host = 'mx.tls-valid.test'""", s.scanId()));
    }

    private ScanSummary catalogueScan;

    /** One scan of the scenario catalogue, shared by the tests that read it. */
    private synchronized ScanSummary catalogueScan() throws Exception {
        if (catalogueScan == null) {
            StringBuilder list = new StringBuilder();
            io.mxray.lab.Scenarios.catalogue().forEach(sc -> list.append(sc.domain()).append('\n'));
            catalogueScan = scan(list.toString());
        }
        return catalogueScan;
    }

    /** {value -> count} of a view's (value, count) columns for a scan. */
    private java.util.Map<String, Long> counts(String sql, String scanId) throws Exception {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        for (List<String> row : query(sql, scanId)) {
            out.put(row.get(0), Long.valueOf(row.get(1)));
        }
        return out;
    }

    private static <T> java.util.Map<String, Long> tally(java.util.stream.Stream<T> items,
                                                         java.util.function.Function<T, String> key) {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        items.forEach(i -> out.merge(key.apply(i), 1L, Long::sum));
        return out;
    }

    /**
     * Each view counts what the lab declares. The expected counts come from the declarations in
     * the ground truth, with the rules of the SPEC applied here: STARTTLS over reachable hosts, a
     * domain DANE-protected when all its hosts are DANE-valid, and a DANE sender (RFC 7672)
     * deferring when no MX host would take the mail under DANE's rules.
     */
    @Test
    void theViewsCountWhatTheGroundTruthDeclares() throws Exception {
        ScanSummary s = catalogueScan();
        String id = s.scanId();
        List<ExpectedDomain> truth = io.mxray.lab.GroundTruth.read(lab.groundTruthFile()).stream()
                .filter(e -> io.mxray.lab.Scenarios.catalogue().stream().anyMatch(sc -> sc.domain().equals(e.domain())))
                .toList();
        assertEquals(truth.size(), s.counts().accepted());
        List<ExpectedDomain> mail = truth.stream()
                .filter(e -> e.dnsOutcome() == DnsOutcome.MX || e.dnsOutcome() == DnsOutcome.IMPLICIT_MX).toList();

        assertEquals(tally(mail.stream(), e -> e.mxDnssec().key()),
                counts("SELECT mx_dnssec, domains FROM mx_dnssec_share WHERE scan_id = ?", id), "MX DNSSEC");

        assertEquals(tally(mail.stream(), e -> {
            List<Level> reached = e.mx().stream().map(ExpectedHost::level)
                    .filter(l -> l != null && l != Level.UNREACHABLE).toList();
            long tls = reached.stream().filter(Level::hasTls).count();
            return reached.isEmpty() ? "n/a" : tls == reached.size() ? "all" : tls == 0 ? "none" : "some";
        }), counts("SELECT starttls, domains FROM starttls_support WHERE scan_id = ?", id), "STARTTLS");

        assertEquals(tally(truth.stream().flatMap(e -> e.mx().stream()).filter(h -> h.certType() != null),
                h -> h.certType().key()),
                counts("SELECT cert_type, addresses FROM certificate_types WHERE scan_id = ?", id), "certificate types");

        java.util.function.Function<ExpectedDomain, String> dane = e -> {
            List<ExpectedHost> probed = e.mx().stream().filter(h -> h.level() != null
                    && !"no-address".equals(h.outcome())).toList();
            long valid = probed.stream().filter(h -> h.dane() == DaneStatus.VALID).count();
            return probed.isEmpty() ? "n/a" : valid == probed.size() ? "all" : valid == 0 ? "none" : "some";
        };
        assertEquals(tally(mail.stream(), dane),
                counts("SELECT dane, domains FROM dane_coverage WHERE scan_id = ?", id), "DANE coverage");
        assertEquals(mail.stream().filter(e -> dane.apply(e).equals("all")).map(ExpectedDomain::domain).sorted().toList(),
                query("SELECT domain FROM dane_hall_of_fame WHERE scan_id = ? ORDER BY domain", id).stream()
                        .map(r -> r.get(0)).toList(), "hall of fame");

        // RFC 7672: a DANE sender defers when the MX answer is bogus, or when no host would take
        // the mail: TLSA bogus, usable TLSA not matched, TLS missing where DANE requires it, unreachable
        List<String> defer = truth.stream().filter(e -> {
            if (e.mxDnssec() == DnssecStatus.BOGUS) {
                return true;
            }
            if (e.dnsOutcome() != DnsOutcome.MX && e.dnsOutcome() != DnsOutcome.IMPLICIT_MX) {
                return false;
            }
            return e.mx().stream().noneMatch(h -> {
                if (h.level() == null || "no-address".equals(h.outcome()) || h.level() == Level.UNREACHABLE
                        || h.dane() == DaneStatus.BOGUS) {
                    return false;
                }
                return switch (h.dane()) {
                    case VALID, NONE -> true;
                    case UNUSABLE_ONLY -> h.level().hasTls();
                    default -> false;
                };
            });
        }).map(ExpectedDomain::domain).sorted().toList();
        assertEquals(defer, query("SELECT domain FROM dane_undeliverable WHERE scan_id = ? ORDER BY domain", id).stream()
                .map(r -> r.get(0)).toList(), "domains a DANE sender defers");
        assertTrue(defer.contains("dane-mismatch.test") && defer.contains("dane-bogus.test"), defer.toString());

        List<String> expiring = io.mxray.lab.Scenarios.catalogue().stream().flatMap(sc -> sc.mx().stream())
                .map(mx -> mx.host()).filter(h -> h.server() != null && h.server().cert() == io.mxray.lab.CertSpec.EXPIRING_SOON)
                .map(io.mxray.lab.HostSpec::name).sorted().toList();
        assertEquals(List.of("mx.expiring-soon.test"), expiring);
        assertEquals(expiring, query("SELECT mx_host FROM certificates_expiring WHERE scan_id = ? ORDER BY 1", id)
                .stream().map(r -> r.get(0)).toList(), "certificates expiring within 30 days");

        // the running statistics, once the scan is final, are the same counts
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        java.util.Map<String, Long> finalized = java.util.Map.of();
        while (System.nanoTime() < deadline) {
            finalized = counts("SELECT value, domains FROM scan_stats WHERE scan_id = ? AND category = 'finalized'", id);
            if (java.util.Map.of("", (long) truth.size()).equals(finalized)) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals(java.util.Map.of("", (long) truth.size()), finalized, "scan_stats finalized");
        java.util.Map<String, Long> byDnssec = new java.util.TreeMap<>(tally(truth.stream(),
                e -> e.mxDnssec() == null ? "-" : e.mxDnssec().key()));
        assertEquals(byDnssec, counts("SELECT value, domains FROM scan_stats WHERE scan_id = ? AND category = 'mx_dnssec'",
                id), "scan_stats mx_dnssec");
        // dual-key servers whose TLSA covers one key: counted per domain
        long partial = truth.stream().filter(e -> e.mx().stream()
                .anyMatch(h -> h.allCertificates() == io.mxray.schema.KeyCoverage.PARTIAL)).count();
        assertTrue(partial >= 2, "the lab declares partial coverage");
        assertEquals(partial, counts("SELECT value, domains FROM scan_stats WHERE scan_id = ? "
                + "AND category = 'dane_all_certificates'", id).getOrDefault("partial", 0L), "scan_stats partial keys");
    }

    /** Every SQL statement of docs/queries.md runs against a real scan (the docs cannot rot). */
    @Test
    void theQueriesOfTheDocsRun() throws Exception {
        String id = catalogueScan().scanId();
        String doc = Files.readString(Path.of("..", "docs", "queries.md"));
        java.util.regex.Matcher blocks = java.util.regex.Pattern.compile("```sql\n(.*?)```", java.util.regex.Pattern.DOTALL)
                .matcher(doc);
        int statements = 0;
        try (Connection c = infra.database().connect(); java.sql.Statement st = c.createStatement()) {
            while (blocks.find()) {
                for (String sql : blocks.group(1).split(";\\s*\n")) {
                    String stripped = sql.lines().filter(l -> !l.strip().startsWith("--"))
                            .collect(java.util.stream.Collectors.joining("\n")).strip();
                    if (stripped.isEmpty()) {
                        continue;
                    }
                    String run = stripped.replace(":'scan'", "'" + id + "'").replace("'OLD_SCAN_ID'", "'" + id + "'")
                            .replace("'NEW_SCAN_ID'", "'" + id + "'");
                    try (ResultSet r = st.executeQuery(run)) {
                        statements++;
                    } catch (java.sql.SQLException e) {
                        throw new AssertionError("docs/queries.md: " + e.getMessage() + "\n" + run, e);
                    }
                }
            }
        }
        assertTrue(statements >= 12, statements + " statements run");
    }

    @Test
    void statsAndExportShowTheScan() throws Exception {
        ScanSummary s = catalogueScan();
        long domains = s.counts().accepted();
        // the statistics are rewritten shortly after the last domain is final
        String printed = "";
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && !printed.contains(domains + " of " + domains + " domains final")) {
            var buffer = new java.io.ByteArrayOutputStream();
            try (Connection c = infra.database().connect()) {
                assertTrue(StatsCommand.print(c, s.scanId(), new java.io.PrintStream(buffer, true,
                        java.nio.charset.StandardCharsets.UTF_8)));
            }
            printed = buffer.toString(java.nio.charset.StandardCharsets.UTF_8);
            Thread.sleep(200);
        }
        assertTrue(printed.contains(domains + " of " + domains + " domains final (100.0%)"), printed);
        assertTrue(printed.contains("\nmx dnssec\n") && printed.contains("\ndane delivery\n"), printed);

        try (Connection c = infra.database().connect()) {
            var csv = new java.io.ByteArrayOutputStream();
            assertEquals(domains, Export.export(c, Export.DOMAINS, s.scanId(), Export.Format.csv, csv));
            List<String> lines = csv.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
            assertEquals(domains + 1, lines.size(), "a header and a line per domain");
            assertTrue(lines.get(0).startsWith("scan_id,domain,rank,dns_outcome"), lines.get(0));
            var jsonl = new java.io.ByteArrayOutputStream();
            long hosts = Export.export(c, Export.HOSTS, s.scanId(), Export.Format.jsonl, jsonl);
            assertEquals(Long.parseLong(query("SELECT count(*) FROM domain_mx WHERE scan_id = ?", s.scanId()).get(0).get(0)),
                    hosts);
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            List<String> json = jsonl.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
            assertEquals(hosts, json.size());
            var row = json.stream().map(l -> {
                try {
                    return mapper.readTree(l);
                } catch (java.io.IOException e) {
                    throw new AssertionError(l, e);
                }
            }).filter(n -> n.get("mx_host").asText().equals("mx.dane-ee-311.test")).findFirst().orElseThrow();
            assertEquals("valid", row.get("dane").asText());
            assertEquals("dane-ee", row.get("dane_check").asText());
            assertTrue(row.get("dane_matched").asText().startsWith("3 1 1 "), row.toString());
        }
    }

    /**
     * The report of the catalogue scan, opened in headless Chromium (Debian's package): the DOM
     * after loading holds every chart as SVG with its labels, and the screenshot shows the bars
     * in their colours. Report and screenshot stay in target/report as artifacts.
     */
    @Test
    void theReportRendersItsChartsInHeadlessChromium() throws Exception {
        io.mxray.lab.ReferenceTool.require("chromium", "chromium");
        String id = catalogueScan().scanId();
        Path dir = Path.of("target", "report").toAbsolutePath();
        Files.createDirectories(dir);
        Path html = dir.resolve("mxray-report.html");
        try (Connection c = infra.database().connect()) {
            Files.writeString(html, Report.html(c, id));
        }
        String page = Files.readString(html);
        assertTrue(!page.contains("<script"), "no script");
        assertEquals(-1, page.replace("http://www.w3.org/2000/svg", "").indexOf("http"), "nothing fetched");
        List<String> chrome = List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=" + dir.resolve("chromium-profile"));
        String dom = io.mxray.lab.ReferenceTool.run(concat(chrome, "--dump-dom", html.toUri().toString()), null, 120);
        for (String chart : List.of("chart-dnssec", "chart-starttls", "chart-certificates", "chart-dane",
                "chart-dane-delivery", "chart-mta-sts")) {
            assertTrue(dom.contains("<svg id=\"" + chart + "\""), chart + " in the rendered DOM");
        }
        for (String label : List.of(">secure<", ">bogus<", ">ca-valid<", ">dane-only<", ">defer<", "DANE hall of fame",
                "dane-ee-311.test", "dane-mismatch.test", "Dual-key servers whose TLSA covers only some keys",
                ">mx.dual-dane-ecdsa.test<", ">mx.dual-dane-rsa.test<", ">enforce<", ">enforce, would bounce<",
                "Domains that lose mail from an MTA-STS-enforcing sender", ">sts-enforce-failing.test<",
                ">sts-dane-disagree.test<")) {
            assertTrue(dom.contains(label), label + " in the rendered DOM");
        }
        Path png = dir.resolve("mxray-report.png");
        Files.deleteIfExists(png);
        io.mxray.lab.ReferenceTool.run(concat(chrome, "--window-size=1200,2200", "--screenshot=" + png,
                html.toUri().toString()), null, 120);
        assertTrue(Files.size(png) > 10_000, "a screenshot was taken");
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        Map<Integer, Integer> colours = new HashMap<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.merge(image.getRGB(x, y) & 0xffffff, 1, Integer::sum);
            }
        }
        // the bars' colours, as Svg paints them: green for secure/valid, red for bogus/defer, orange for insecure/none
        assertTrue(colours.getOrDefault(0x2b8a3e, 0) > 2000, "green bars drawn: " + colours.get(0x2b8a3e));
        assertTrue(colours.getOrDefault(0xc92a2a, 0) > 300, "red bars drawn: " + colours.get(0xc92a2a));
        assertTrue(colours.getOrDefault(0xe67700, 0) > 300, "orange bars drawn: " + colours.get(0xe67700));
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }

    @Test
    void aMessyListScansTheGoodNamesAndStoresEveryRejectedLineWithItsReason() throws Exception {
        String longName = "x".repeat(300) + ".test";
        String list = String.join("\n",
                "# a messy list",
                "",
                "TLS-VALID.TEST",
                "no-starttls.test.",
                "bücher.test",
                longName,
                "not a domain",
                "tls-valid.test",
                "   ");
        ScanSummary s = scan(list);
        assertEquals(new ScanCounts(9, 3, 2, 1, 3), s.counts());
        List<List<String>> domains = query(
                "SELECT domain, dns_outcome, best_level FROM domain_result WHERE scan_id = ? ORDER BY domain", s.scanId());
        assertEquals(List.of(
                List.of("no-starttls.test", "mx", "plaintext"),
                List.of("tls-valid.test", "mx", "verified"),
                List.of("xn--bcher-kva.test", "nxdomain", "null")), domains.stream()
                .map(r -> r.stream().map(String::valueOf).toList()).toList());
        assertEquals(List.of(
                List.of("6", longName, "name-too-long"),
                List.of("7", "not a domain", "invalid-character"),
                List.of("8", "tls-valid.test", "duplicate")), query(
                "SELECT line_no, line, reason FROM rejected_input WHERE scan_id = ? ORDER BY line_no", s.scanId()));
        assertEquals(List.of(List.of("9", "3", "2", "1", "3")), query(
                "SELECT lines, accepted, rejected, duplicates, ignored FROM scan WHERE scan_id = ?", s.scanId()));
    }

    @Test
    void scansAccumulateAsHistory() throws Exception {
        ScanSummary first = scan("tls-valid.test\n");
        ScanSummary second = scan("tls-valid.test\n");
        assertTrue(!first.scanId().equals(second.scanId()));
        assertEquals(List.of(List.of("verified"), List.of("verified")), query(
                "SELECT best_level FROM domain_result WHERE domain = 'tls-valid.test' AND scan_id IN (?, ?)",
                first.scanId(), second.scanId()));
    }

    /** Dead letters whose key is one of {@code keys}, by key: value, stage and error. */
    private Map<String, Map<String, String>> deadLetters(java.util.Set<String> keys, int expected) {
        var props = KafkaSettings.consumer(infra.bootstrap(), "dlq-check-" + UUID.randomUUID(), "test", 100, 300_000);
        Map<String, Map<String, String>> found = new HashMap<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props)) {
            consumer.subscribe(List.of(Topics.DEAD_LETTERS.name()));
            long deadline = System.currentTimeMillis() + 60_000;
            while (found.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String key = r.key() == null ? "" : new String(r.key());
                    if (keys.contains(key)) {
                        Map<String, String> d = new HashMap<>();
                        d.put("value", r.value() == null ? null : new String(r.value()));
                        d.put("stage", new String(r.headers().lastHeader("mxray.stage").value()));
                        d.put("error", new String(r.headers().lastHeader("mxray.error").value()));
                        d.put("source", new String(r.headers().lastHeader("mxray.source").value()));
                        if (found.put(key, d) != null) {
                            d.put("twice", "true");
                        }
                    }
                }
            }
        }
        return found;
    }

    /**
     * A message no stage can read, on every topic of the pipeline: each goes to the dead-letter
     * topic with the stage that gave it up and why, once, and the pipeline goes on (a scan after
     * them completes).
     */
    @Test
    void anUndecodableMessageOnEveryTopicIsDeadLetteredAndThePipelineGoesOn() throws Exception {
        String marker = "garbage-" + UUID.randomUUID();
        Map<String, String> stageOf = new java.util.LinkedHashMap<>();
        stageOf.put(Topics.DOMAINS.name(), "dns-worker");
        stageOf.put(Topics.PROBES.name(), "smtp-worker");
        stageOf.put(Topics.DNS_RESULTS.name(), "aggregator");
        stageOf.put(Topics.SMTP_RESULTS.name(), "db-sink");
        stageOf.put(Topics.DOMAIN_RESULTS.name(), "db-sink");
        stageOf.put(Topics.SCANS.name(), "db-sink");
        stageOf.put(Topics.REJECTED.name(), "db-sink");
        try (var producer = new KafkaProducer<byte[], byte[]>(KafkaSettings.producer(infra.bootstrap(), "test"))) {
            for (String topic : stageOf.keySet()) {
                producer.send(new ProducerRecord<>(topic, (marker + "@" + topic).getBytes(), "{not json".getBytes()))
                        .get();
            }
        }
        scan("no-starttls.test\n"); // every stage is still alive and answering
        var found = deadLetters(stageOf.keySet().stream().map(t -> marker + "@" + t)
                .collect(java.util.stream.Collectors.toSet()), stageOf.size());
        for (var e : stageOf.entrySet()) {
            Map<String, String> d = found.get(marker + "@" + e.getKey());
            assertTrue(d != null, "dead letter of " + e.getKey() + ": " + found.keySet());
            assertEquals("{not json", d.get("value"), e.getKey());
            assertEquals(e.getValue(), d.get("stage"), e.getKey());
            assertTrue(d.get("source").startsWith(e.getKey() + "-"), d.get("source"));
            assertTrue(!d.get("error").isBlank(), e.getKey());
        }
        assertTrue(found.get(marker + "@" + Topics.DOMAINS.name()).get("error").contains("cannot read DomainTask"),
                found.get(marker + "@" + Topics.DOMAINS.name()).get("error"));
    }

    /**
     * A domain result PostgreSQL refuses for what is in it (a timestamp out of its range): after a
     * few attempts the batch is written message by message; that one message goes to the dead
     * letters with the database's reason, the others of its batch are written.
     */
    @Test
    void aRowTheDatabaseRefusesIsTheOnlyOneDeadLettered() throws Exception {
        String scan = "refused-" + UUID.randomUUID();
        java.time.Instant now = java.time.Instant.now();
        List<io.mxray.schema.DomainResult> rows = List.of(
                new io.mxray.schema.DomainResult(scan, "good-1.test", null, io.mxray.schema.DnsOutcome.NXDOMAIN, null,
                        List.of(), null, null, io.mxray.schema.Coverage.NOT_APPLICABLE, now),
                new io.mxray.schema.DomainResult(scan, "refused.test", null, io.mxray.schema.DnsOutcome.NXDOMAIN, null,
                        List.of(), null, null, io.mxray.schema.Coverage.NOT_APPLICABLE,
                        java.time.Instant.parse("+300000-01-01T00:00:00Z")),
                new io.mxray.schema.DomainResult(scan, "good-2.test", null, io.mxray.schema.DnsOutcome.NXDOMAIN, null,
                        List.of(), null, null, io.mxray.schema.Coverage.NOT_APPLICABLE, now));
        try (var producer = new KafkaProducer<byte[], byte[]>(KafkaSettings.producer(infra.bootstrap(), "test"))) {
            for (var r : rows) {
                producer.send(new ProducerRecord<>(Topics.DOMAIN_RESULTS.name(), r.key().getBytes(),
                        Topics.DOMAIN_RESULTS.valueSerde().serializer().serialize("t", r)));
            }
            producer.flush();
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (query("SELECT domain FROM domain_result WHERE scan_id = ?", scan).size() < 2
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(List.of(List.of("good-1.test"), List.of("good-2.test")),
                query("SELECT domain FROM domain_result WHERE scan_id = ? ORDER BY domain", scan));
        var found = deadLetters(java.util.Set.of(rows.get(0).key(), rows.get(1).key(), rows.get(2).key()), 1);
        assertEquals(java.util.Set.of(rows.get(1).key()), found.keySet(), "only the refused row is dead-lettered");
        Map<String, String> d = found.get(rows.get(1).key());
        assertEquals("db-sink", d.get("stage"));
        assertTrue(d.get("error").startsWith("PostgreSQL refused it"), d.get("error"));
        scan("no-starttls.test\n"); // and the writer goes on
    }
}
