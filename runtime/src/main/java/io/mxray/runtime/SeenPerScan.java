package io.mxray.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which keys (probe keys) this instance has already handled in each scan, for the few
 * most recent scans; an older scan is forgotten first. Forgetting only costs a repeated probe,
 * which the aggregator and the database absorb. Thread-safe.
 */
public final class SeenPerScan {
    private final Map<String, Set<String>> scans;

    public SeenPerScan(int rememberedScans) {
        this.scans = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
                return size() > rememberedScans;
            }
        };
    }

    /** True the first time {@code key} is seen in {@code scanId}. */
    public boolean firstTime(String scanId, String key) {
        Set<String> seen;
        synchronized (scans) {
            seen = scans.computeIfAbsent(scanId, k -> ConcurrentHashMap.newKeySet());
        }
        return seen.add(key);
    }
}
