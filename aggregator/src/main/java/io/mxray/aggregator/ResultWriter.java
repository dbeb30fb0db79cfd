package io.mxray.aggregator;

import io.mxray.schema.DomainResult;
import io.mxray.schema.MxHostVerdict;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.RejectedLine;
import io.mxray.schema.ScanEvent;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes messages as rows, idempotently: every statement is an upsert on the row's natural key,
 * so writing the same message twice (a replay after a crash) leaves the same rows. The caller
 * owns the transaction.
 */
public final class ResultWriter {
    private final Connection c;

    public ResultWriter(Connection c) {
        this.c = c;
    }

    public void scanEvents(List<ScanEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement started = c.prepareStatement("""
                INSERT INTO scan (scan_id, source, started_at) VALUES (?, ?, ?)
                ON CONFLICT (scan_id) DO NOTHING""");
             PreparedStatement published = c.prepareStatement("""
                INSERT INTO scan (scan_id, source, started_at, published_at, lines, accepted, rejected, duplicates, ignored)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scan_id) DO UPDATE SET published_at = EXCLUDED.published_at, lines = EXCLUDED.lines,
                  accepted = EXCLUDED.accepted, rejected = EXCLUDED.rejected, duplicates = EXCLUDED.duplicates,
                  ignored = EXCLUDED.ignored""")) {
            for (ScanEvent e : events) {
                if (e.kind() == ScanEvent.Kind.STARTED) {
                    started.setString(1, e.scanId());
                    started.setString(2, e.source());
                    started.setTimestamp(3, ts(e.at()));
                    started.addBatch();
                } else {
                    var n = e.counts();
                    published.setString(1, e.scanId());
                    published.setString(2, e.source());
                    published.setTimestamp(3, ts(e.at())); // only used if STARTED was never seen
                    published.setTimestamp(4, ts(e.at()));
                    published.setLong(5, n.lines());
                    published.setLong(6, n.accepted());
                    published.setLong(7, n.rejected());
                    published.setLong(8, n.duplicates());
                    published.setLong(9, n.ignored());
                    published.addBatch();
                }
            }
            started.executeBatch();
            published.executeBatch();
        }
    }

    public void rejected(List<RejectedLine> lines) throws SQLException {
        if (lines.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO rejected_input (scan_id, line_no, line, reason, detail) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (scan_id, line_no) DO UPDATE SET line = EXCLUDED.line, reason = EXCLUDED.reason,
                  detail = EXCLUDED.detail""")) {
            for (RejectedLine r : lines) {
                s.setString(1, r.scanId());
                s.setLong(2, r.lineNo());
                s.setString(3, noNul(r.line()));
                s.setString(4, r.reason());
                s.setString(5, noNul(r.detail()));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    public void probeResults(List<ProbeResult> results) throws SQLException {
        if (results.isEmpty()) {
            return;
        }
        try (PreparedStatement cert = c.prepareStatement("""
                INSERT INTO certificate (sha256, der, subject, issuer, not_before, not_after) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (sha256) DO NOTHING""");
             PreparedStatement host = c.prepareStatement("""
                INSERT INTO mx_host_result (scan_id, ip, port, mx_host, outcome, reason, level, cert_type, decided_by,
                  banner, ehlo, tls_protocol, tls_cipher, sni, chain, connect_ms, banner_ms, ehlo_ms, starttls_ms,
                  handshake_ms, total_ms, probed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scan_id, ip, port, mx_host) DO UPDATE SET outcome = EXCLUDED.outcome,
                  reason = EXCLUDED.reason, level = EXCLUDED.level, cert_type = EXCLUDED.cert_type,
                  decided_by = EXCLUDED.decided_by, banner = EXCLUDED.banner, ehlo = EXCLUDED.ehlo,
                  tls_protocol = EXCLUDED.tls_protocol, tls_cipher = EXCLUDED.tls_cipher, sni = EXCLUDED.sni,
                  chain = EXCLUDED.chain, connect_ms = EXCLUDED.connect_ms, banner_ms = EXCLUDED.banner_ms,
                  ehlo_ms = EXCLUDED.ehlo_ms, starttls_ms = EXCLUDED.starttls_ms,
                  handshake_ms = EXCLUDED.handshake_ms, total_ms = EXCLUDED.total_ms,
                  probed_at = EXCLUDED.probed_at""")) {
            for (ProbeResult r : results) {
                String[] chain = new String[0];
                if (r.tls() != null) {
                    List<String> ders = r.tls().chainDer();
                    chain = new String[ders.size()];
                    for (int i = 0; i < chain.length; i++) {
                        chain[i] = certificate(cert, ders.get(i));
                    }
                }
                int i = 1;
                host.setString(i++, r.scanId());
                host.setString(i++, r.ip());
                host.setInt(i++, r.port());
                host.setString(i++, r.mxHost());
                host.setString(i++, r.outcome().key());
                host.setString(i++, r.reason());
                host.setString(i++, r.level() == null ? null : r.level().key());
                host.setString(i++, r.certType() == null ? null : r.certType().key());
                host.setString(i++, r.decidedBy());
                host.setString(i++, r.banner().isEmpty() ? null : noNul(String.join("\n", r.banner())));
                host.setArray(i++, c.createArrayOf("text", r.ehlo().toArray()));
                host.setString(i++, r.tls() == null ? null : r.tls().protocol());
                host.setString(i++, r.tls() == null ? null : r.tls().cipher());
                host.setString(i++, r.tls() == null ? null : r.tls().sni());
                host.setArray(i++, r.tls() == null ? null : c.createArrayOf("text", chain));
                var t = r.timings();
                setLong(host, i++, t == null ? null : t.connectMs());
                setLong(host, i++, t == null ? null : t.bannerMs());
                setLong(host, i++, t == null ? null : t.ehloMs());
                setLong(host, i++, t == null ? null : t.starttlsMs());
                setLong(host, i++, t == null ? null : t.handshakeMs());
                host.setLong(i++, t == null ? 0 : t.totalMs());
                host.setTimestamp(i, ts(r.probedAt()));
                host.addBatch();
            }
            cert.executeBatch();
            host.executeBatch();
        }
    }

    /** Adds the certificate (once, by fingerprint) to the batch and returns its fingerprint. */
    private static String certificate(PreparedStatement s, String base64) throws SQLException {
        byte[] der = Base64.getDecoder().decode(base64);
        String sha = sha256(der);
        try {
            X509Certificate x = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            s.setString(1, sha);
            s.setBytes(2, der);
            s.setString(3, x.getSubjectX500Principal().getName());
            s.setString(4, x.getIssuerX500Principal().getName());
            s.setTimestamp(5, new Timestamp(x.getNotBefore().getTime()));
            s.setTimestamp(6, new Timestamp(x.getNotAfter().getTime()));
            s.addBatch();
        } catch (CertificateException e) {
            // an unparsable certificate keeps its fingerprint in the chain; its row is not written
        }
        return sha;
    }

    public void domainResults(List<DomainResult> results) throws SQLException {
        if (results.isEmpty()) {
            return;
        }
        try (PreparedStatement domain = c.prepareStatement("""
                INSERT INTO domain_result (scan_id, domain, rank, dns_outcome, dns_reason, mx_count, worst_level,
                  best_level, starttls, finalized_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scan_id, domain) DO UPDATE SET rank = EXCLUDED.rank, dns_outcome = EXCLUDED.dns_outcome,
                  dns_reason = EXCLUDED.dns_reason, mx_count = EXCLUDED.mx_count, worst_level = EXCLUDED.worst_level,
                  best_level = EXCLUDED.best_level, starttls = EXCLUDED.starttls,
                  finalized_at = EXCLUDED.finalized_at""");
             PreparedStatement clear = c.prepareStatement("DELETE FROM domain_mx WHERE scan_id = ? AND domain = ?");
             PreparedStatement mx = c.prepareStatement("""
                INSERT INTO domain_mx (scan_id, domain, mx_host, preference, ip, level, cert_type, outcome, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scan_id, domain, mx_host, ip) DO UPDATE SET preference = EXCLUDED.preference,
                  level = EXCLUDED.level, cert_type = EXCLUDED.cert_type, outcome = EXCLUDED.outcome,
                  reason = EXCLUDED.reason""")) {
            for (DomainResult r : results) {
                domain.setString(1, r.scanId());
                domain.setString(2, r.domain());
                setLong(domain, 3, r.rank());
                domain.setString(4, r.dnsOutcome().key());
                domain.setString(5, r.dnsReason());
                domain.setInt(6, (int) r.mxHosts().stream().map(MxHostVerdict::mxHost).distinct().count());
                domain.setString(7, r.worstLevel() == null ? null : r.worstLevel().key());
                domain.setString(8, r.bestLevel() == null ? null : r.bestLevel().key());
                domain.setString(9, r.starttls().key());
                domain.setTimestamp(10, ts(r.finalizedAt()));
                domain.addBatch();
                // the domain's MX rows are replaced as a whole: a replay cannot leave stale rows
                clear.setString(1, r.scanId());
                clear.setString(2, r.domain());
                clear.addBatch();
                for (MxHostVerdict h : r.mxHosts()) {
                    mx.setString(1, r.scanId());
                    mx.setString(2, r.domain());
                    mx.setString(3, h.mxHost());
                    mx.setInt(4, h.preference());
                    mx.setString(5, h.ip() == null ? "" : h.ip());
                    mx.setString(6, h.level() == null ? null : h.level().key());
                    mx.setString(7, h.certType() == null ? null : h.certType().key());
                    mx.setString(8, h.outcome());
                    mx.setString(9, h.reason());
                    mx.addBatch();
                }
            }
            domain.executeBatch();
            clear.executeBatch();
            mx.executeBatch();
        }
    }

    private static void setLong(PreparedStatement s, int i, Long v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.BIGINT);
        } else {
            s.setLong(i, v);
        }
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    /** PostgreSQL text cannot hold NUL; hostile input may contain it. */
    private static String noNul(String s) {
        return s == null ? null : s.replace('\0', '\uFFFD');
    }

    static String sha256(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
