package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.store.Database;
import io.mxray.store.ResultWriter;
import io.mxray.store.Scans;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code mxray wait} started beside a fresh deployment asks before the aggregator has created the
 * schema: it waits for the scan, as for one not recorded yet, and follows it once it is there.
 */
class WaitCommandTest {
    @Test
    void followsAScanWhoseSchemaIsCreatedAfterItStarted() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            Database db = new Database(pg.getJdbcUrl("postgres", "postgres"), null, null);
            try (Connection c = db.connect()) {
                assertNull(Scans.latestScan(c), "no schema: no scan");
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            Progress progress = new Progress(out, false, Duration.ofHours(1), "scan s1");
            CompletableFuture<Boolean> followed = CompletableFuture.supplyAsync(() -> {
                try {
                    return WaitCommand.follow(db, "s1", Duration.ofMinutes(1), progress, out);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1_500); // a few polls on a database with no table at all
            assertTrue(!followed.isDone(), "still waiting, not failed: " + bytes.toString(StandardCharsets.UTF_8));
            db.migrate();
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO scan (scan_id, source, started_at, published_at, accepted) "
                        + "VALUES ('s1', 'list', now(), now(), 2)");
                s.execute("SELECT create_scan_partitions('s1')");
                s.execute("INSERT INTO domain_result (scan_id, domain, dns_outcome, mx_count, starttls, finalized_at) "
                        + "SELECT 's1', 'd' || g || '.example', 'mx', 1, 'all', now() FROM generate_series(1, 2) g");
                new ResultWriter(c).recomputeStats(List.of("s1")); // the running statistics, as the writer keeps them
            }
            assertTrue(followed.get(30, TimeUnit.SECONDS), bytes.toString(StandardCharsets.UTF_8));
            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("scan s1: not in the database yet"), printed);
            assertTrue(printed.contains("scan s1 complete: 2 domains final"), printed);
        }
    }
}
