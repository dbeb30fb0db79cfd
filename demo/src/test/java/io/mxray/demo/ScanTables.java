package io.mxray.demo;

import io.mxray.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** A scan's tables as text, without what differs between any two scans (ids, times): for comparing runs. */
final class ScanTables {
    static final String DOMAIN_ROWS = """
            SELECT domain, dns_outcome, dns_reason, mx_count, worst_level, best_level, starttls, mx_dnssec,
                   mx_dnssec_reason, mta_sts, tls_rpt, dane, dane_delivery, dane_delivery_reason, missing_probes
            FROM domain_result WHERE scan_id = ? ORDER BY domain""";
    static final String HOST_ROWS = """
            SELECT domain, mx_host, preference, level, cert_type, outcome, reason, address_dnssec, tlsa_decision,
                   tlsa_dnssec, dane, dane_reason
            FROM domain_mx WHERE scan_id = ? ORDER BY domain, mx_host, preference, level""";
    static final String DOMAINS = "SELECT count(*) FROM domain_result WHERE scan_id = ?";
    static final String PROBES = "SELECT count(*) FROM mx_host_result WHERE scan_id = ?";
    /** Zero unless a domain has two rows (the key forbids it; asserted all the same). */
    static final String DOUBLED = "SELECT count(*) - count(DISTINCT domain) FROM domain_result WHERE scan_id = ?";

    private ScanTables() {
    }

    /** Equal lists, or a failure naming how many rows differ and the first few of each side. */
    static void assertSameRows(List<String> expected, List<String> actual, String what) {
        if (expected.equals(actual)) {
            return;
        }
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(new java.util.HashSet<>(actual));
        List<String> extra = new ArrayList<>(actual);
        extra.removeAll(new java.util.HashSet<>(expected));
        org.junit.jupiter.api.Assertions.fail(String.format("%s: %d expected, %d found; %d only expected, e.g. %s; "
                        + "%d only found, e.g. %s", what, expected.size(), actual.size(), missing.size(),
                missing.subList(0, Math.min(5, missing.size())), extra.size(), extra.subList(0, Math.min(5, extra.size()))));
    }

    static long count(Database db, String sql, String scanId) throws Exception {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, scanId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    static List<String> rows(Database db, String sql, String scanId) throws Exception {
        return rows(db, sql, "|", scanId);
    }

    /** Each row of the query as one line, its columns joined by {@code separator}. */
    static List<String> rows(Database db, String sql, String separator, String... args) throws Exception {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    StringBuilder b = new StringBuilder();
                    for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                        b.append(i > 1 ? separator : "").append(r.getString(i));
                    }
                    out.add(b.toString());
                }
            }
            return out;
        }
    }
}
