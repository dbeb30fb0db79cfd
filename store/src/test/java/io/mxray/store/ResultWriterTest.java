package io.mxray.store;

import static io.mxray.verdict.Fixtures.SCAN;
import static io.mxray.verdict.Fixtures.T;
import static io.mxray.verdict.Fixtures.dns;
import static io.mxray.verdict.Fixtures.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.LabCa;
import io.mxray.schema.CertType;
import io.mxray.schema.DomainResult;
import io.mxray.schema.Level;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.RejectedLine;
import io.mxray.schema.ScanCounts;
import io.mxray.schema.ScanEvent;
import io.mxray.schema.TlsSession;
import io.mxray.schema.TlsaDecision;
import io.mxray.verdict.DomainVerdicts;
import io.mxray.verdict.Fixtures;
import io.mxray.verdict.ProbeVerdict;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rows a batch of messages becomes, in a real PostgreSQL; writing twice changes nothing. */
class ResultWriterTest {
    private static EmbeddedPostgres pg;
    private static Database db;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        db = new Database(pg.getJdbcUrl("postgres", "postgres"), null, null);
        db.migrate();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static void writeAll(List<ScanEvent> scans, List<RejectedLine> rejected, List<ProbeResult> probes,
                                 List<DomainResult> domains) throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            ResultWriter w = new ResultWriter(c);
            w.scanEvents(scans);
            w.rejected(rejected);
            w.probeResults(probes);
            w.domainResults(domains);
            c.commit();
        }
    }

    private static long count(String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void aBatchWrittenTwiceLeavesTheSameRows() throws Exception {
        var cert = new LabCa(Clock.systemUTC()).issue(List.of("mx.a.example")).chain().get(0);
        String der = Base64.getEncoder().encodeToString(cert.getEncoded());
        ProbeResult p = probe("192.0.2.1", "mx.a.example", Level.VERIFIED, CertType.CA_VALID);
        p = new ProbeResult(p.scanId(), p.probeKey(), p.ip(), p.port(), p.mxHost(), p.outcome(), p.reason(), p.level(),
                p.certType(), p.decidedBy(), p.dane(), List.of("220 mx\u0000 with a NUL"), p.ehlo(),
                new TlsSession("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", "mx.a.example", List.of(der)),
                p.timings(),
                p.probedAt());
        var d = dns("a.example", "mx.a.example=192.0.2.1", "gone.a.example=");
        DomainResult domain = DomainVerdicts.assemble(d, Map.of(p.probeKey(), ProbeVerdict.of(p)), T);
        List<ScanEvent> scans = List.of(ScanEvent.started(SCAN, T, "list.txt"),
                ScanEvent.published(SCAN, T, "list.txt", new ScanCounts(3, 1, 1, 0, 1)));
        List<RejectedLine> rejected = List.of(new RejectedLine(SCAN, 2, "not a domain", "invalid-character", "x"));
        for (int i = 0; i < 2; i++) {
            writeAll(scans, rejected, List.of(p), List.of(domain));
        }
        assertEquals(1, count("SELECT count(*) FROM scan WHERE scan_id = '" + SCAN + "' AND accepted = 1 AND published_at IS NOT NULL"));
        String thisScan = " WHERE scan_id = '" + SCAN + "'";
        assertEquals(1, count("SELECT count(*) FROM rejected_input" + thisScan));
        assertEquals(1, count("SELECT count(*) FROM mx_host_result" + thisScan));
        assertEquals(1, count("SELECT count(*) FROM certificate"));
        assertEquals(1, count("SELECT count(*) FROM domain_result" + thisScan
                + " AND worst_level = 'unreachable' AND best_level = 'verified'"));
        assertEquals(2, count("SELECT count(*) FROM domain_mx WHERE domain = 'a.example'"));
        assertEquals(1, count("SELECT count(*) FROM domain_mx WHERE ip = '' AND outcome = 'no-address'"));
        assertEquals(1, count("SELECT count(*) FROM mx_host_result m JOIN certificate c ON c.sha256 = m.chain[1] "
                + "WHERE c.subject LIKE 'CN=mx.a.example%'"));
    }

    /**
     * A TLSA record of matching type 0 holds a whole certificate: longer than a btree index entry
     * may be. It is stored all the same (the key holds its digest), once per scan and base, and
     * each host's records once however many addresses the host has.
     */
    @Test
    void aTlsaRecordWithAWholeCertificateIsStoredOnce() throws Exception {
        String whole = "ab".repeat(3000); // 3,000 bytes: over PostgreSQL's 2,704-byte index entry
        io.mxray.schema.TlsaLookup t = new io.mxray.schema.TlsaLookup(TlsaDecision.LOOKED_UP, "mx.big.example",
                io.mxray.schema.LookupOutcome.OK, io.mxray.schema.DnssecStatus.SECURE, null,
                List.of(io.mxray.schema.TlsaRecord.of(3, 0, 0, whole), io.mxray.schema.TlsaRecord.of(3, 1, 1,
                        "cd".repeat(32))));
        var host = new io.mxray.schema.MxHost("mx.big.example", 10, List.of("192.0.2.7", "192.0.2.8"),
                io.mxray.schema.LookupOutcome.OK, null, List.of(), io.mxray.schema.DnssecStatus.SECURE, null, t);
        var d = new io.mxray.schema.DnsResult("tlsa-scan", "big.example", null, io.mxray.schema.DnsOutcome.MX, null,
                List.of(host), List.of(), T, 1);
        DomainResult r = DomainVerdicts.incomplete(d, Map.of(), T);
        for (int i = 0; i < 2; i++) {
            writeAll(List.of(), List.of(), List.of(), List.of(r));
        }
        assertEquals(2, count("SELECT count(*) FROM tlsa_record WHERE scan_id = 'tlsa-scan'"));
        assertEquals(1, count("SELECT count(*) FROM tlsa_record WHERE scan_id = 'tlsa-scan' AND length(data) = 6000"));
        assertEquals(2, count("SELECT count(*) FROM domain_mx WHERE scan_id = 'tlsa-scan' AND tlsa_usable = 2"),
                "every address row has the host's TLSA columns, though the message carries the RRset once");
    }

    @Test
    void aStartedEventAfterThePublishedOneDoesNotEraseTheCounts() throws Exception {
        String scan = "scan-order";
        writeAll(List.of(ScanEvent.published(scan, T, "l", new ScanCounts(1, 1, 0, 0, 0))), List.of(), List.of(), List.of());
        writeAll(List.of(ScanEvent.started(scan, T, "l")), List.of(), List.of(), List.of());
        assertEquals(1, count("SELECT accepted FROM scan WHERE scan_id = 'scan-order'"));
    }

    /**
     * Batches go to the server as multi-row statements, and one {@code ON CONFLICT DO UPDATE}
     * statement may not touch a row twice: duplicates in one batch (a replayed message next to its
     * original, an MX host named twice) must leave what row-by-row upserts left, the last of them.
     */
    @Test
    void duplicatesInOneBatchLeaveTheLastOfThem() throws Exception {
        String scan = "scan-dupes";
        ProbeResult first = withScan(probe("192.0.2.7", "mx.dup.example", Level.PLAINTEXT, null), scan);
        ProbeResult last = withScan(probe("192.0.2.7", "mx.dup.example", Level.VERIFIED, CertType.CA_VALID), scan);
        List<DomainResult> domains = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) { // more than one chunk of the rewritten statement (128 rows)
            var d = withScan(dns("d" + i + ".dup.example", "mx.dup.example=192.0.2.7"), scan);
            domains.add(DomainVerdicts.assemble(d, Map.of(last.probeKey(), ProbeVerdict.of(last)), T));
        }
        // the same host twice in one MX answer (preferences 10 and 20), then the domain's first result again
        var twice = withScan(dns("twice.dup.example", "mx.dup.example=192.0.2.7", "mx.dup.example=192.0.2.7"), scan);
        DomainResult twiceResult = DomainVerdicts.assemble(twice, Map.of(last.probeKey(), ProbeVerdict.of(last)), T);
        domains.add(twiceResult);
        domains.add(domains.get(0));
        List<RejectedLine> rejected = List.of(new RejectedLine(scan, 5, "a b", "invalid-character", "first"),
                new RejectedLine(scan, 5, "a b", "invalid-character", "second"));
        writeAll(List.of(ScanEvent.published(scan, T, "l", new ScanCounts(1, 1, 0, 0, 0)),
                        ScanEvent.published(scan, T, "l", new ScanCounts(302, 301, 1, 0, 0))),
                rejected, List.of(first, last, first, last), domains);
        assertEquals(1, count("SELECT count(*) FROM mx_host_result WHERE scan_id = 'scan-dupes'"));
        assertEquals(1, count("SELECT count(*) FROM mx_host_result WHERE scan_id = 'scan-dupes' AND level = 'verified'"));
        assertEquals(301, count("SELECT count(*) FROM domain_result WHERE scan_id = 'scan-dupes'"));
        assertEquals(301, count("SELECT count(*) FROM domain_mx WHERE scan_id = 'scan-dupes'"));
        assertEquals(20, count("SELECT preference FROM domain_mx WHERE domain = 'twice.dup.example'"));
        assertEquals(1, count("SELECT count(*) FROM rejected_input WHERE scan_id = 'scan-dupes' AND detail = 'second'"));
        assertEquals(301, count("SELECT accepted FROM scan WHERE scan_id = 'scan-dupes'"));
    }

    /** What makes the batches multi-row statements: the connection rewrites them (no per-row counts come back). */
    @Test
    void connectionsRewriteBatchedInserts() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE rewrite_probe (n int PRIMARY KEY)");
            try (var insert = c.prepareStatement("INSERT INTO rewrite_probe (n) VALUES (?) ON CONFLICT (n) DO NOTHING")) {
                for (int i = 0; i < 4; i++) { // a power of two: one statement of four rows
                    insert.setInt(1, i);
                    insert.addBatch();
                }
                int[] counts = insert.executeBatch();
                assertEquals(java.util.Collections.nCopies(4, Statement.SUCCESS_NO_INFO),
                        java.util.Arrays.stream(counts).boxed().toList());
            }
        }
    }

    @Test
    void everyCertificateOfADualKeyServerIsStoredWithItsJudgement() throws Exception {
        LabCa ca = new LabCa(Clock.systemUTC());
        String ecdsa = Base64.getEncoder().encodeToString(ca.issue(List.of("mx.dual.example")).leaf().getEncoded());
        String rsa = Base64.getEncoder().encodeToString(ca.issue(LabCa.Issuer.ROOT, List.of("mx.dual.example"),
                java.time.Instant.now().minusSeconds(60), java.time.Instant.now().plusSeconds(86_400), true).leaf()
                .getEncoded());
        ProbeResult p = probe("192.0.2.77", "mx.dual.example", Level.VERIFIED, CertType.CA_VALID);
        io.mxray.schema.DaneResult valid = new io.mxray.schema.DaneResult(io.mxray.schema.DaneStatus.VALID,
                io.mxray.schema.DaneCheck.DANE_EE,
                "3 1 1 ab", null);
        io.mxray.schema.DaneResult mismatch = new io.mxray.schema.DaneResult(io.mxray.schema.DaneStatus.MISMATCH, null,
                null, io.mxray.schema.DaneReason.parse("no-record-matched"));
        p = new ProbeResult(p.scanId(), p.probeKey(), p.ip(), p.port(), p.mxHost(), p.outcome(), p.reason(), p.level(),
                p.certType(), Level.VERIFIED, "dane-ee", valid.covering(io.mxray.schema.KeyCoverage.PARTIAL),
                p.banner(), p.ehlo(), new TlsSession("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", "mx.dual.example",
                List.of(ecdsa)), p.timings(), p.probedAt(), null, List.of(
                new io.mxray.schema.PresentedCertificate(io.mxray.schema.KeyType.ECDSA, "TLSv1.3", List.of(ecdsa), Level.VERIFIED,
                        CertType.CA_VALID, valid),
                new io.mxray.schema.PresentedCertificate(io.mxray.schema.KeyType.RSA, "TLSv1.3", List.of(rsa), Level.VERIFIED,
                        CertType.CA_VALID, mismatch)),
                new io.mxray.schema.SecondHandshake(io.mxray.schema.KeyType.RSA, io.mxray.schema.ProbeOutcome.TLS_ESTABLISHED, null),
                new java.util.LinkedHashMap<>(Map.of("TLSv1.3", "accepted", "TLSv1.2", "accepted", "TLSv1.1", "refused",
                        "TLSv1", "unknown:timeout:handshake-timeout")));
        writeAll(List.of(), List.of(), List.of(p, p), List.of());
        assertEquals(2, count("SELECT count(*) FROM mx_host_certificate WHERE mx_host = 'mx.dual.example'"));
        assertEquals(1, count("SELECT count(*) FROM mx_host_certificate WHERE mx_host = 'mx.dual.example' "
                + "AND key_type = 'rsa' AND dane = 'mismatch' AND dane_reason = 'no-record-matched' AND pkix = 'verified'"
                + " AND chain[1] IN (SELECT sha256 FROM certificate)"));
        assertEquals(1, count("SELECT count(*) FROM mx_host_result WHERE mx_host = 'mx.dual.example' "
                + "AND dane_all_certificates = 'partial' AND second_handshake = 'tls-established' "
                + "AND second_handshake_offered = 'rsa' AND pkix = 'verified'"));
        assertEquals(1, count("SELECT count(*) FROM mx_host_result WHERE mx_host = 'mx.dual.example' "
                + "AND tls_accepted @> ARRAY['TLSv1.3', 'TLSv1.2'] AND cardinality(tls_accepted) = 2 "
                + "AND tls_refused = ARRAY['TLSv1.1']"));
        assertEquals(1, count("SELECT count(*) FROM dane_partial_keys WHERE mx_host = 'mx.dual.example' "
                + "AND matched = 'ecdsa' AND not_matched = 'rsa'"));
    }

    private static ProbeResult withScan(ProbeResult p, String scan) {
        return new ProbeResult(scan, p.probeKey(), p.ip(), p.port(), p.mxHost(), p.outcome(), p.reason(), p.level(),
                p.certType(), p.decidedBy(), p.dane(), p.banner(), p.ehlo(), p.tls(), p.timings(), p.probedAt());
    }

    private static io.mxray.schema.DnsResult withScan(io.mxray.schema.DnsResult d, String scan) {
        return new io.mxray.schema.DnsResult(scan, d.domain(), d.rank(), d.outcome(), d.reason(), d.mxHosts(),
                d.probeKeys(), d.resolvedAt(), d.elapsedMs(), d.mxDnssec(), d.mxDnssecReason(), d.mtaSts(), d.tlsRpt(),
                d.lookups());
    }

    /**
     * The running statistics are counted as domain rows are written: after new domains, a domain
     * whose result changed, a replayed batch, a duplicate within a batch, and two writers at once
     * on the same domains, {@code scan_stats} holds exactly what a pass over the scan's rows gives.
     */
    @Test
    void runningStatisticsAreCountedAsRowsAreWrittenAndEqualARecount() throws Exception {
        String scan = Fixtures.SCAN;
        List<DomainResult> verified = new java.util.ArrayList<>();
        List<DomainResult> changed = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String ip = "192.0.2." + (20 + i);
            var d = dns("st" + i + ".example", "mx.st" + i + ".example=" + ip);
            ProbeResult p = probe(ip, "mx.st" + i + ".example", Level.VERIFIED, CertType.CA_VALID);
            ProbeResult q = probe(ip, "mx.st" + i + ".example", Level.UNTRUSTED, CertType.SELF_SIGNED);
            verified.add(DomainVerdicts.assemble(d, Map.of(p.probeKey(), ProbeVerdict.of(p)), T));
            changed.add(i % 3 == 0 ? DomainVerdicts.incomplete(d, Map.of(), T)
                    : DomainVerdicts.assemble(d, Map.of(q.probeKey(), ProbeVerdict.of(q)), T));
        }
        writeAll(List.of(), List.of(), List.of(), verified.subList(0, 8));
        assertStatsEqualARecount(scan, 8);
        writeAll(List.of(), List.of(), List.of(), verified.subList(0, 8)); // a replay
        assertStatsEqualARecount(scan, 8);
        List<DomainResult> mixed = new java.util.ArrayList<>(changed.subList(4, 12));
        mixed.add(verified.get(5)); // a duplicate in the batch: the last of the two is what stands
        writeAll(List.of(), List.of(), List.of(), mixed);
        Map<String, Long> levels = assertStatsEqualARecount(scan, 12);
        assertEquals(4 + 1, levels.getOrDefault("best_level=verified", 0L) - count("SELECT count(*) FROM domain_result "
                + "WHERE scan_id = '" + scan + "' AND best_level = 'verified' AND domain NOT LIKE 'st%'"),
                "st0-3 and st5 verified: " + levels);

        // two writers at once on the same domains: the second starts while the first has written
        // and not committed; it must count from the rows the first leaves, not from those before
        try (Connection first = db.connect(); Connection second = db.connect()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            // the scan's partitions exist (as for the aggregator's sink): making them would lock the table
            new ResultWriter(first, new java.util.HashSet<>(List.of(scan))).domainResults(verified);
            var other = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    new ResultWriter(second, new java.util.HashSet<>(List.of(scan))).domainResults(changed);
                    second.commit();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300); // the second is waiting by now (for the first's lock)
            first.commit();
            other.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertStatsEqualARecount(scan, 12);
    }

    /** Asserts {@code scan_stats} of the scan equals a recount from its rows; returns "category=value" counts. */
    private static Map<String, Long> assertStatsEqualARecount(String scan, long atLeast) throws Exception {
        Map<String, Long> counted = stats(scan);
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            new ResultWriter(c).recomputeStats(List.of(scan));
            Map<String, Long> recounted = stats(c, scan);
            c.rollback(); // the counted statistics stay as they were
            assertEquals(recounted, counted);
        }
        assertTrue(counted.get("finalized=") >= atLeast, "finalized: " + counted);
        assertEquals(count("SELECT count(*) FROM domain_result WHERE scan_id = '" + scan + "'"),
                Scans.state(db, scan).finalized(), "how far the scan is, as the followers ask");
        try (Connection c = db.connect();
             var s = c.prepareStatement("SELECT count(*) FROM mail_domain WHERE scan_id = ?")) {
            s.setString(1, scan);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                assertEquals(r.getLong(1), counted.get("mail:finalized="), "over the mail domains: " + counted);
            }
        }
        return counted;
    }

    private static Map<String, Long> stats(String scan) throws Exception {
        try (Connection c = db.connect()) {
            return stats(c, scan);
        }
    }

    private static Map<String, Long> stats(Connection c, String scan) throws Exception {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (var s = c.prepareStatement("SELECT category, value, domains FROM scan_stats WHERE scan_id = ?")) {
            s.setString(1, scan);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1) + "=" + r.getString(2), r.getLong(3));
                }
            }
        }
        return out;
    }
}
