package io.mxray.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One domain across the scans that saw it: its verdict in each (newest first), and for the
 * latest its MX hosts and addresses with the chain each presented and the TLSA records found.
 */
public record DomainHistory(String domain, List<Verdict> verdicts, List<Host> hosts, String adviceScan,
                            List<Advice> advice) {
    /** Scans listed at most. */
    public static final int SCANS = 100;
    /** The verdict fields compared from one scan to the next, in the order shown. */
    public static final List<String> FIELDS = List.of("dns", "mx DNSSEC", "STARTTLS", "best level", "worst level",
            "DANE", "DANE delivery", "MTA-STS");

    /** The domain's row in one scan (of a list, or a check kept from the web); {@code values} follow {@link #FIELDS}. */
    public record Verdict(String scanId, String kind, Instant startedAt, List<String> values,
                          String daneDeliveryReason) {
    }

    /** One piece of advice a check gave, as {@code mxray check} words it. */
    public record Advice(String status, String key, String subject, String text) {
    }

    /** One certificate of a chain, leaf first. */
    public record Certificate(String sha256, String subject, String issuer, Instant notAfter) {
    }

    /** A TLSA record at {@code _25._tcp.} and the host's TLSA base domain (RFC 7672 section 2.2.3). */
    public record Tlsa(String record, boolean usable, String unusableReason) {
    }

    /** An MX host address of the latest scan, as probed; {@code tlsaBase} null when no TLSA lookup was made. */
    public record Host(String mxHost, int preference, String ip, String level, String outcome, String reason,
                       String dane, String daneReason, List<Certificate> chain, String tlsaBase, List<Tlsa> tlsa) {
    }

    /** Empty verdicts: no scan saw the domain. */
    public static DomainHistory load(Connection c, String domain) throws SQLException {
        List<Verdict> verdicts = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT d.scan_id, s.started_at, d.dns_outcome, d.mx_dnssec, d.starttls, d.best_level, d.worst_level,
                       d.dane, d.dane_delivery, d.mta_sts, d.dane_delivery_reason, s.kind
                FROM domain_result d JOIN scan s ON s.scan_id = d.scan_id
                WHERE d.domain = ? ORDER BY s.started_at DESC, d.scan_id DESC LIMIT ?""")) {
            s.setString(1, domain);
            s.setInt(2, SCANS);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    List<String> values = new ArrayList<>();
                    for (int i = 3; i <= 10; i++) {
                        String v = r.getString(i);
                        values.add(v == null ? "-" : v);
                    }
                    verdicts.add(new Verdict(r.getString(1), r.getString(12), r.getTimestamp(2).toInstant(), values,
                            r.getString(11)));
                }
            }
        }
        List<Host> hosts = verdicts.isEmpty() ? List.of() : hosts(c, verdicts.get(0).scanId(), domain);
        String adviceScan = verdicts.stream().filter(v -> v.kind().equals("check")).map(Verdict::scanId).findFirst()
                .orElse(null);
        return new DomainHistory(domain, verdicts, hosts, adviceScan,
                adviceScan == null ? List.of() : advice(c, adviceScan, domain));
    }

    /** The advice kept with a check of the domain. */
    private static List<Advice> advice(Connection c, String scanId, String domain) throws SQLException {
        List<Advice> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT status, key, subject, text FROM domain_advice "
                + "WHERE scan_id = ? AND domain = ? ORDER BY ordinal")) {
            s.setString(1, scanId);
            s.setString(2, domain);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Advice(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
                }
            }
        }
        return out;
    }

    private static List<Host> hosts(Connection c, String scanId, String domain) throws SQLException {
        List<Host> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT m.mx_host, m.preference, m.ip, m.level, m.outcome, m.reason, m.dane, m.dane_reason, r.chain,
                       m.tlsa_base
                FROM domain_mx m LEFT JOIN mx_host_result r
                  ON r.scan_id = m.scan_id AND r.ip = m.ip AND r.mx_host = m.mx_host
                WHERE m.scan_id = ? AND m.domain = ? ORDER BY m.preference, m.mx_host, m.ip""")) {
            s.setString(1, scanId);
            s.setString(2, domain);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Array chain = r.getArray(9);
                    List<String> hashes = chain == null ? List.of() : List.of((String[]) chain.getArray());
                    out.add(new Host(r.getString(1), r.getInt(2), r.getString(3), r.getString(4), r.getString(5),
                            r.getString(6), r.getString(7), r.getString(8), certificates(c, hashes),
                            r.getString(10), tlsa(c, scanId, r.getString(10))));
                }
            }
        }
        return out;
    }

    private static List<Certificate> certificates(Connection c, List<String> hashes) throws SQLException {
        if (hashes.isEmpty()) {
            return List.of();
        }
        Map<String, Certificate> found = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT sha256, subject, issuer, not_after FROM certificate WHERE sha256 = ANY (?)")) {
            s.setArray(1, c.createArrayOf("text", hashes.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.put(r.getString(1), new Certificate(r.getString(1), r.getString(2), r.getString(3),
                            r.getTimestamp(4).toInstant()));
                }
            }
        }
        List<Certificate> out = new ArrayList<>();
        for (String h : hashes) {
            Certificate cert = found.get(h);
            if (cert != null) {
                out.add(cert);
            }
        }
        return out;
    }

    private static List<Tlsa> tlsa(Connection c, String scanId, String base) throws SQLException {
        List<Tlsa> out = new ArrayList<>();
        if (base == null) {
            return out;
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT usage, selector, matching, data, usable, unusable_reason FROM tlsa_record
                WHERE scan_id = ? AND base = ? ORDER BY usage, selector, matching, data""")) {
            s.setString(1, scanId);
            s.setString(2, base);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Tlsa(r.getInt(1) + " " + r.getInt(2) + " " + r.getInt(3) + " " + r.getString(4),
                            r.getBoolean(5), r.getString(6)));
                }
            }
        }
        return out;
    }

    /**
     * What changed from each scan to the next one that saw the domain, newest first: for each
     * later scan, the fields whose value differs, as "field: before → after".
     */
    public Map<String, List<String>> changes() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < verdicts.size(); i++) {
            Verdict now = verdicts.get(i);
            Verdict before = verdicts.get(i + 1);
            List<String> diff = new ArrayList<>();
            for (int f = 0; f < FIELDS.size(); f++) {
                if (!now.values().get(f).equals(before.values().get(f))) {
                    diff.add(FIELDS.get(f) + ": " + before.values().get(f) + " \u2192 " + now.values().get(f));
                }
            }
            if (!diff.isEmpty()) {
                out.put(now.scanId(), diff);
            }
        }
        return out;
    }
}
