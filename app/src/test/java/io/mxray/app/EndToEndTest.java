package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.dns.DnsConfig;
import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.runtime.KafkaSettings;
import io.mxray.scheduler.ScanSummary;
import io.mxray.schema.ScanCounts;
import io.mxray.schema.Topics;
import io.mxray.smtp.CertificateJudge;
import io.mxray.smtp.SmtpConfig;
import io.mxray.smtp.TrustStores;
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
 * The whole pipeline on a real Kafka broker (KRaft, in this JVM) and a real PostgreSQL server,
 * scanning the lab: every verdict is checked against the lab's ground-truth file, read back from
 * the database with SQL.
 */
class EndToEndTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static Lab lab;
    private static Infrastructure infra;
    private static Pipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("e2e");
        // every scenario of the catalogue, and 400 generated domains shared as on the Internet
        var scenarios = new java.util.ArrayList<>(io.mxray.lab.Scenarios.catalogue());
        scenarios.addAll(io.mxray.lab.Generator.generate(400, 7));
        lab = Lab.start(LabConfig.defaults(dir.resolve("lab")).withScenarios(scenarios));
        infra = Infrastructure.start(null, null, dir.resolve("data"), 3);
        DnsConfig dns = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                .withTrustAnchor(lab.trustAnchorFile());
        // the lab has a server that greets after 10 s and one that never does
        SmtpConfig smtp = SmtpConfig.defaults().allowingNonPublic(true)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(12), Duration.ofSeconds(40));
        CertificateJudge judge = new CertificateJudge(TrustStores.fromPem(lab.caFile()), Clock.systemUTC());
        pipeline = new Pipeline(infra, dns, smtp, judge, 3, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
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

    private static ScanSummary scan(String list) throws Exception {
        ScanSummary s = pipeline.schedule(new StringReader(list), "test");
        long done = ScanResults.await(infra.database(), s.scanId(), s.counts().accepted(), TIMEOUT, n -> { });
        assertEquals(s.counts().accepted(), done, "every accepted domain has a final row");
        return s;
    }

    private static List<List<String>> query(String sql, Object... args) throws Exception {
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

    @Test
    void anUnreadableMessageGoesToTheDeadLetterTopicAndTheStageCarriesOn() throws Exception {
        String marker = "garbage-" + UUID.randomUUID();
        try (var producer = new KafkaProducer<byte[], byte[]>(KafkaSettings.producer(infra.bootstrap(), "test"))) {
            producer.send(new ProducerRecord<>(Topics.DOMAINS.name(), marker.getBytes(), "{not json".getBytes())).get();
        }
        scan("no-starttls.test\n"); // the worker is still alive and answering
        var props = KafkaSettings.consumer(infra.bootstrap(), "dlq-check-" + UUID.randomUUID(), "test", 100, 300_000);
        Map<String, String> found = new HashMap<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props)) {
            consumer.subscribe(List.of(Topics.DEAD_LETTERS.name()));
            long deadline = System.currentTimeMillis() + 30_000;
            while (found.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && new String(r.key()).equals(marker)) {
                        found.put("value", new String(r.value()));
                        found.put("stage", new String(r.headers().lastHeader("mxray.stage").value()));
                        found.put("error", new String(r.headers().lastHeader("mxray.error").value()));
                    }
                }
            }
        }
        assertEquals("{not json", found.get("value"));
        assertEquals("dns-worker", found.get("stage"));
        assertTrue(found.get("error").contains("cannot read DomainTask"), found.get("error"));
    }
}
