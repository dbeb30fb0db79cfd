package io.mxray.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mxray.schema.CheckAdvice;
import io.mxray.schema.CheckResult;
import io.mxray.schema.CheckedAddress;
import io.mxray.schema.DomainResult;
import io.mxray.schema.Json;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.ScanCounts;
import io.mxray.schema.ScanEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A domain checked now ({@code mxray check}, the web's /check) kept as a scan of one domain, of
 * kind 'check' (migration V13): its verdict, its MX host addresses as probed, and the advice it
 * gave, so that the domain's history shows it beside the scans of lists. Written as the
 * aggregator writes a scan ({@link ResultWriter}), in one transaction.
 */
public final class CheckStore {
    private static final ObjectMapper JSON = Json.mapper();

    private CheckStore() {
    }

    /**
     * @param scanId the new scan's id
     * @param source what the scan's row names as its list, e.g. "web check"
     * @throws IllegalArgumentException when the result has no verdict (the name was unusable)
     */
    public static void store(Connection c, CheckResult result, String scanId, String source) throws SQLException {
        DomainResult verdict = result.verdict();
        if (verdict == null) {
            throw new IllegalArgumentException("nothing to keep: " + Objects.requireNonNullElse(result.error(), "no verdict"));
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            ResultWriter w = new ResultWriter(c);
            w.scanEvents(List.of(ScanEvent.started(scanId, result.checkedAt(), source),
                    ScanEvent.published(scanId, result.checkedAt(), source, new ScanCounts(1, 1, 0, 0, 0))));
            try (PreparedStatement s = c.prepareStatement("UPDATE scan SET kind = 'check' WHERE scan_id = ?")) {
                s.setString(1, scanId);
                s.executeUpdate();
            }
            w.partitions(List.of(scanId));
            List<ProbeResult> probes = new ArrayList<>();
            for (CheckedAddress a : result.addresses()) {
                probes.add(rekeyed(a.probe(), scanId, ProbeResult.class));
            }
            w.probeResults(probes);
            w.domainResults(List.of(rekeyed(verdict, scanId, DomainResult.class)));
            try (PreparedStatement s = c.prepareStatement("INSERT INTO domain_advice (scan_id, domain, ordinal, "
                    + "status, key, subject, text) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                int i = 0;
                for (CheckAdvice a : result.advice()) {
                    s.setString(1, scanId);
                    s.setString(2, verdict.domain());
                    s.setInt(3, i++);
                    s.setString(4, a.status().name());
                    s.setString(5, a.key());
                    s.setString(6, a.subject());
                    s.setString(7, a.text().replace('\0', ' '));
                    s.addBatch();
                }
                s.executeBatch();
            }
            w.recomputeStats(List.of(scanId));
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** The same record with another scan id: the checker's results carry its own. */
    private static <T> T rekeyed(T record, String scanId, Class<T> type) {
        ObjectNode tree = JSON.valueToTree(record);
        tree.put("scanId", scanId);
        try {
            return JSON.treeToValue(tree, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a " + type.getSimpleName() + " did not survive its own JSON", e);
        }
    }
}
