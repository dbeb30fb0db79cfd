package io.mxray.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;

/**
 * A scan's results streamed out of PostgreSQL as CSV (RFC 4180, a header line) or JSON lines. Rows
 * are read with a cursor, so a scan of millions of domains never sits in memory.
 */
public final class Export {
    public enum Format { csv, jsonl }

    private Export() {
    }

    /** One row per domain. */
    public static final String DOMAINS = """
            SELECT scan_id, domain, rank, dns_outcome, dns_reason, mx_count, mx_dnssec, mx_dnssec_reason, worst_level,
                   best_level, starttls, dane, dane_delivery, dane_delivery_reason, mta_sts, mta_sts_id, tls_rpt,
                   tls_rpt_rua, finalized_at
            FROM domain_result WHERE scan_id = ? ORDER BY domain""";
    /** One row per (domain, MX host, address), with the probe's TLS facts. */
    public static final String HOSTS = """
            SELECT m.scan_id, m.domain, m.mx_host, m.preference, m.ip, m.address_dnssec, m.level, m.cert_type,
                   m.outcome, m.reason, m.tlsa_decision, m.tlsa_base, m.tlsa_dnssec, m.tlsa_usable, m.dane,
                   m.dane_check, m.dane_matched, m.dane_reason, h.tls_protocol, h.tls_cipher, h.tls_group,
                   h.tls_legacy, h.sni, h.decided_by, h.chain[1] AS leaf_sha256, h.probed_at, h.shared_chain_of
            FROM domain_mx m LEFT JOIN mx_host_result h
              ON h.scan_id = m.scan_id AND h.ip = m.ip AND h.mx_host = m.mx_host
            WHERE m.scan_id = ? ORDER BY m.domain, m.preference, m.mx_host, m.ip""";

    /** Streams the query's rows; returns how many. */
    public static long export(Connection c, String sql, String scanId, Format format, OutputStream sink)
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
    public static String csv(String s) {
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 && !s.matches("-?[0-9]+(\\.[0-9]+)?")) {
            s = "'" + s;
        }
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
