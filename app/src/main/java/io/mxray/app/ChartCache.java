package io.mxray.app;

import io.mxray.store.ReportData;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The charts' shares of the scans asked for lately, each kept for as long as the scan's count of
 * final domains stays what it was: a finished scan's shares never change, and reading them from a
 * scan of 200,000 domains takes half a second ({@code docs/benchmarks.md}, {@code bench web}).
 */
final class ChartCache {
    /** Scans whose shares are kept. */
    static final int SCANS = 32;

    private final Map<String, ReportData.Shares> shares = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ReportData.Shares> eldest) {
            return size() > SCANS;
        }
    };

    /** The scan's shares, read again when {@code finalized} moved since they were read. */
    ReportData.Shares shares(Connection c, String scanId, long finalized) throws SQLException {
        String key = finalized + "/" + scanId;
        synchronized (shares) {
            ReportData.Shares kept = shares.get(key);
            if (kept != null) {
                return kept;
            }
        }
        ReportData.Shares read = ReportData.shares(c, scanId);
        synchronized (shares) {
            shares.keySet().removeIf(k -> k.endsWith("/" + scanId)); // an older count of the same scan
            shares.put(key, read);
        }
        return read;
    }
}
