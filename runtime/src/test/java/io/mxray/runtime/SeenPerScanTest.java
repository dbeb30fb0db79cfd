package io.mxray.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeenPerScanTest {
    @Test
    void aKeyIsNewOncePerScan() {
        SeenPerScan seen = new SeenPerScan(2);
        assertTrue(seen.firstTime("s1", "k"));
        assertFalse(seen.firstTime("s1", "k"));
        assertTrue(seen.firstTime("s2", "k"), "another scan probes again");
    }

    @Test
    void theOldestScanIsForgottenFirst() {
        SeenPerScan seen = new SeenPerScan(2);
        seen.firstTime("s1", "k");
        seen.firstTime("s2", "k");
        seen.firstTime("s1", "other"); // s1 used recently
        seen.firstTime("s3", "k");     // evicts s2, the least recently used
        assertFalse(seen.firstTime("s1", "k"));
        assertTrue(seen.firstTime("s2", "k"));
    }
}
