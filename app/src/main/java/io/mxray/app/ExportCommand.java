package io.mxray.app;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mxray.aggregator.DatabaseOptions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Streams a scan's results out of PostgreSQL, one row per domain or per (domain, MX host,
 * address), as CSV (RFC 4180, a header line) or JSON lines. Rows are read with a cursor, so a
 * scan of millions of domains never sits in memory.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a scan's per-domain or per-host results as CSV or JSON lines.")
final class ExportCommand implements Callable<Integer> {
    enum Format { csv, jsonl }

    enum Rows { domains, hosts }

    @Mixin
    DatabaseOptions db;

    @Option(names = "--scan", paramLabel = "ID", defaultValue = "${env:MXRAY_SCAN}",
            description = "The scan (env MXRAY_SCAN; default: the one started last).")
    String scanId;

    @Option(names = "--format", defaultValue = "${env:MXRAY_EXPORT_FORMAT:-csv}",
            description = "csv or jsonl (env MXRAY_EXPORT_FORMAT, default ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--rows", defaultValue = "${env:MXRAY_EXPORT_ROWS:-domains}",
            description = "domains (one row per domain) or hosts (one per domain, MX host and address, with the "
                    + "probe's TLS facts) (env MXRAY_EXPORT_ROWS, default ${DEFAULT-VALUE}).")
    Rows rows;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "${env:MXRAY_OUTPUT}",
            description = "Write here instead of standard output (env MXRAY_OUTPUT).")
    Path output;

    static final String DOMAINS = """
            SELECT scan_id, domain, rank, dns_outcome, dns_reason, mx_count, mx_dnssec, mx_dnssec_reason, worst_level,
                   best_level, starttls, dane, dane_delivery, dane_delivery_reason, mta_sts, mta_sts_id, tls_rpt,
                   tls_rpt_rua, finalized_at
            FROM domain_result WHERE scan_id = ? ORDER BY domain""";
    static final String HOSTS = """
            SELECT m.scan_id, m.domain, m.mx_host, m.preference, m.ip, m.address_dnssec, m.level, m.cert_type,
                   m.outcome, m.reason, m.tlsa_decision, m.tlsa_base, m.tlsa_dnssec, m.tlsa_usable, m.dane,
                   m.dane_check, m.dane_matched, m.dane_reason, h.tls_protocol, h.tls_cipher, h.tls_group,
                   h.tls_legacy, h.sni, h.decided_by, h.chain[1] AS leaf_sha256, h.probed_at
            FROM domain_mx m LEFT JOIN mx_host_result h
              ON h.scan_id = m.scan_id AND h.ip = m.ip AND h.mx_host = m.mx_host
            WHERE m.scan_id = ? ORDER BY m.domain, m.preference, m.mx_host, m.ip""";

    @Override
    public Integer call() throws SQLException, IOException {
        try (Connection c = db.database().connect()) {
            String id = scanId != null ? scanId : latestScan(c);
            if (id == null) {
                System.err.println("mxray export: no scan in the database");
                return 1;
            }
            if (!exists(c, id)) {
                System.err.println("mxray export: no scan " + id + " (mxray stats shows the latest)");
                return 1;
            }
            OutputStream out = output == null ? System.out : Files.newOutputStream(output);
            try {
                long n = export(c, rows == Rows.domains ? DOMAINS : HOSTS, id, format, out);
                if (output != null) {
                    System.err.printf("mxray export: %,d rows of scan %s written to %s%n", n, id, output);
                }
            } finally {
                if (output != null) {
                    out.close();
                } else {
                    out.flush();
                }
            }
            return 0;
        }
    }

    static boolean exists(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM scan WHERE scan_id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    static String latestScan(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT scan_id FROM scan ORDER BY started_at DESC, scan_id DESC LIMIT 1");
             ResultSet r = s.executeQuery()) {
            return r.next() ? r.getString(1) : null;
        }
    }

    /** Streams the query's rows; returns how many. */
    static long export(Connection c, String sql, String scanId, Format format, OutputStream sink)
            throws SQLException, IOException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setFetchSize(1000);
            s.setString(1, scanId);
            Writer w = new BufferedWriter(new OutputStreamWriter(sink, StandardCharsets.UTF_8), 1 << 16);
            long n = 0;
            try (ResultSet r = s.executeQuery()) {
                ResultSetMetaData meta = r.getMetaData();
                int columns = meta.getColumnCount();
                if (format == Format.csv) {
                    for (int i = 1; i <= columns; i++) {
                        w.write((i > 1 ? "," : "") + csv(meta.getColumnLabel(i)));
                    }
                    w.write("\r\n");
                }
                ObjectMapper json = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                while (r.next()) {
                    n++;
                    if (format == Format.csv) {
                        for (int i = 1; i <= columns; i++) {
                            Object v = value(r, i);
                            w.write((i > 1 ? "," : "") + csv(v == null ? "" : v instanceof String[] a
                                    ? String.join(" ", a) : v.toString()));
                        }
                        w.write("\r\n");
                    } else {
                        var row = new LinkedHashMap<String, Object>();
                        for (int i = 1; i <= columns; i++) {
                            row.put(meta.getColumnLabel(i), value(r, i));
                        }
                        json.writeValue(w, row);
                        w.write('\n');
                    }
                }
            }
            w.flush();
            return n;
        } finally {
            c.commit();
            c.setAutoCommit(auto);
        }
    }

    private static Object value(ResultSet r, int i) throws SQLException {
        Object v = r.getObject(i);
        if (v instanceof Array a) {
            Object[] items = (Object[]) a.getArray();
            String[] out = new String[items.length];
            for (int k = 0; k < items.length; k++) {
                out[k] = String.valueOf(items[k]);
            }
            return out;
        }
        if (v instanceof Timestamp t) {
            return t.toInstant().toString();
        }
        return v;
    }

    /**
     * A CSV field per RFC 4180: quoted when it holds a comma, a quote or a line break. A field that
     * a spreadsheet would take for a formula (starting with {@code = + - @}, a tab or a CR: a
     * banner or a TXT record can be anything) gets a leading {@code '}, as OWASP advises against
     * CSV injection; numbers are left alone.
     */
    static String csv(String s) {
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 && !s.matches("-?[0-9]+(\\.[0-9]+)?")) {
            s = "'" + s;
        }
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
