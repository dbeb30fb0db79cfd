package io.mxray.store;

import io.mxray.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/** Reads a scan's results back from PostgreSQL: what the terminal table and the checks show. */
public final class ScanResults {
    private ScanResults() {
    }

    /** One row per (domain, MX host, address); domains without MX hosts have one row of nulls. */
    public record HostRow(String domain, String dnsOutcome, String worstLevel, String bestLevel, String mxHost,
                          Integer preference, String ip, String level, String certType, String outcome,
                          String reason, String mxDnssec, String addressDnssec, String tlsaDecision, String mtaSts,
                          String tlsRpt, String dane, String pkix, String daneAllCertificates, String keyTypes,
                          String stsPolicy, String stsPolicyReason, String stsDelivery, String stsDeliveryReason,
                          String delivery, String stsMatch) {
    }

    public record RejectedRow(long lineNo, String line, String reason, String detail) {
    }

    private static final String ROWS = """
                SELECT d.domain, d.dns_outcome, d.worst_level, d.best_level, m.mx_host, m.preference, m.ip, m.level,
                       m.cert_type, m.outcome, m.reason, d.mx_dnssec, m.address_dnssec, m.tlsa_decision, d.mta_sts,
                       d.tls_rpt, m.dane, m.pkix, m.dane_all_certificates,
                       (SELECT string_agg(c.key_type, ' ' ORDER BY c.key_type)
                        FROM mx_host_certificate c
                        WHERE c.scan_id = m.scan_id AND c.ip = m.ip AND c.mx_host = m.mx_host),
                       d.sts_policy, d.sts_policy_reason, d.sts_delivery, d.sts_delivery_reason, d.delivery, m.sts_match
                FROM domain_result d LEFT JOIN domain_mx m ON m.scan_id = d.scan_id AND m.domain = d.domain
                WHERE d.scan_id = ?
                ORDER BY d.domain, m.preference, m.mx_host, m.ip""";

    public static List<HostRow> rows(Database db, String scanId) throws SQLException {
        List<HostRow> out = new ArrayList<>();
        forEachRow(db, scanId, out::add);
        return out;
    }

    /**
     * The rows of each domain in turn, together, as the database streams them (a few thousand
     * rows held at a time): for scans too large to hold, a million domains and more.
     */
    public static void forEachDomain(Database db, String scanId, Consumer<List<HostRow>> each) throws SQLException {
        List<HostRow> domain = new ArrayList<>();
        forEachRow(db, scanId, r -> {
            if (!domain.isEmpty() && !domain.get(0).domain().equals(r.domain())) {
                each.accept(List.copyOf(domain));
                domain.clear();
            }
            domain.add(r);
        });
        if (!domain.isEmpty()) {
            each.accept(List.copyOf(domain));
        }
    }

    private static void forEachRow(Database db, String scanId, Consumer<HostRow> each) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false); // the driver streams by cursor only inside a transaction
            try (PreparedStatement s = c.prepareStatement(ROWS)) {
                s.setFetchSize(5_000);
                s.setString(1, scanId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        int pref = r.getInt(6);
                        Integer preference = r.wasNull() ? null : pref;
                        each.accept(new HostRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                                r.getString(5), preference, r.getString(7), r.getString(8), r.getString(9),
                                r.getString(10), r.getString(11), r.getString(12), r.getString(13), r.getString(14),
                                r.getString(15), r.getString(16), r.getString(17), r.getString(18), r.getString(19),
                                r.getString(20), r.getString(21), r.getString(22), r.getString(23), r.getString(24),
                                r.getString(25), r.getString(26)));
                    }
                }
            } finally {
                c.rollback();
            }
        }
    }

    public static List<RejectedRow> rejected(Database db, String scanId) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT line_no, line, reason, detail FROM rejected_input WHERE scan_id = ? ORDER BY line_no")) {
            s.setString(1, scanId);
            List<RejectedRow> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new RejectedRow(r.getLong(1), r.getString(2), r.getString(3), r.getString(4)));
                }
            }
            return out;
        }
    }

    /**
     * Waits until {@code expected} domains of the scan have a final row, reporting progress.
     *
     * @return the number finalized when it returned (less than expected on timeout)
     */
    public static long await(Database db, String scanId, long expected, Duration timeout, LongConsumer progress)
            throws SQLException, InterruptedException {
        return await(db, scanId, expected, timeout, progress, () -> { });
    }

    /** As above; {@code healthCheck} runs at every poll and aborts the wait by throwing. */
    public static long await(Database db, String scanId, long expected, Duration timeout, LongConsumer progress,
                             Runnable healthCheck) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long done = 0;
        long last = -1;
        try (Scans.Poller poller = new Scans.Poller(db, scanId)) {
            while (System.nanoTime() < deadline) {
                healthCheck.run();
                done = poller.state().finalized();
                if (done != last) {
                    progress.accept(done);
                    last = done;
                }
                if (done >= expected) {
                    return done;
                }
                Thread.sleep(100);
            }
        }
        return done;
    }
}
