package io.mxray.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scan by scan, oldest first, the share of final domains per level, per DANE status and per
 * MTA-STS mode: read from the scans' running statistics ({@code scan_stats}), a few rows per scan,
 * so the trend over many large scans costs no pass over their domains.
 *
 * @param labels each scan's start day and id
 * @param level  per worst level of a domain's MX host addresses, a percentage per scan
 * @param dane   per DANE status of a domain (all, some, none of its MX host addresses DANE-valid)
 * @param mtaSts per MTA-STS mode of a domain's policy
 */
public record Trends(List<String> labels, Map<String, List<Double>> level, Map<String, List<Double>> dane,
                     Map<String, List<Double>> mtaSts) {
    /** How a missing value (the column was null) is labelled. */
    private static final Map<String, String> NONE = Map.of("worst_level", "no MX host address", "dane", "not judged",
            "sts_mode", "no policy");

    /** The {@code limit} scans started last. */
    public static Trends load(Connection c, int limit) throws SQLException {
        List<String> labels = new ArrayList<>();
        List<Map<String, Map<String, Long>>> perScan = new ArrayList<>();
        List<Long> finals = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT s.scan_id, s.started_at, t.category, t.value, t.domains
                FROM (SELECT scan_id, started_at FROM scan WHERE kind = 'list' ORDER BY started_at DESC, scan_id DESC LIMIT ?) s
                JOIN scan_stats t ON t.scan_id = s.scan_id
                  AND t.category IN ('finalized', 'worst_level', 'dane', 'sts_mode')
                ORDER BY s.started_at, s.scan_id""")) {
            s.setInt(1, limit);
            try (ResultSet r = s.executeQuery()) {
                String scan = null;
                while (r.next()) {
                    if (!r.getString(1).equals(scan)) {
                        scan = r.getString(1);
                        labels.add(r.getTimestamp(2).toInstant().toString().substring(0, 10) + " " + scan);
                        perScan.add(new LinkedHashMap<>());
                        finals.add(0L);
                    }
                    String category = r.getString(3);
                    if (category.equals("finalized")) {
                        finals.set(finals.size() - 1, r.getLong(5));
                    } else {
                        String value = r.getString(4).equals("-") ? NONE.get(category) : r.getString(4);
                        perScan.get(perScan.size() - 1).computeIfAbsent(category, k -> new LinkedHashMap<>())
                                .merge(value, r.getLong(5), Long::sum);
                    }
                }
            }
        }
        return new Trends(labels, series(perScan, finals, "worst_level"), series(perScan, finals, "dane"),
                series(perScan, finals, "sts_mode"));
    }

    /** One series per value seen in any scan; a scan without it counts 0%. */
    private static Map<String, List<Double>> series(List<Map<String, Map<String, Long>>> perScan, List<Long> finals,
                                                    String category) {
        Map<String, List<Double>> out = new LinkedHashMap<>();
        for (Map<String, Map<String, Long>> scan : perScan) {
            scan.getOrDefault(category, Map.of()).keySet().forEach(v -> out.putIfAbsent(v, new ArrayList<>()));
        }
        for (int i = 0; i < perScan.size(); i++) {
            Map<String, Long> counts = perScan.get(i).getOrDefault(category, Map.of());
            long total = Math.max(1, finals.get(i));
            for (var e : out.entrySet()) {
                e.getValue().add(100.0 * counts.getOrDefault(e.getKey(), 0L) / total);
            }
        }
        return out;
    }
}
