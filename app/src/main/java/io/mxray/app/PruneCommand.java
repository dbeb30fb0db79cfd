package io.mxray.app;

import io.mxray.local.ResultsDatabase;
import io.mxray.store.Scans;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Drops old scans from the database. Every result table is partitioned by scan, so dropping one
 * is dropping its partitions: the same short catalog change for ten rows or ten million, with
 * nothing left for VACUUM. Each scan goes in a transaction of its own.
 */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Drop old scans from the database: all but the newest --keep N, or those started more than "
                + "--older-than ago, or the --drop named. Each scan's rows go with its partitions (O(1) however "
                + "large it is); certificates, shared by every scan, stay.")
final class PruneCommand implements Callable<Integer> {
    @Mixin
    ResultsDatabase db;

    @Spec
    CommandSpec spec;

    @Option(names = "--keep", paramLabel = "N", defaultValue = "${env:MXRAY_PRUNE_KEEP}",
            description = "Keep the N scans started last, drop the others (env MXRAY_PRUNE_KEEP).")
    Integer keep;

    @Option(names = "--older-than", paramLabel = "DURATION", defaultValue = "${env:MXRAY_PRUNE_OLDER_THAN}",
            description = "Drop the scans started longer ago than this, ISO-8601, e.g. P90D "
                    + "(env MXRAY_PRUNE_OLDER_THAN).")
    Duration olderThan;

    @Option(names = "--drop", paramLabel = "ID", split = ",", defaultValue = "${env:MXRAY_PRUNE_DROP}",
            description = "Drop this scan; repeatable, or a comma-separated list (env MXRAY_PRUNE_DROP).")
    List<String> scans = new ArrayList<>();

    @Option(names = "--dry-run", defaultValue = "${env:MXRAY_PRUNE_DRY_RUN:-false}",
            description = "Only list the scans that would be dropped (env MXRAY_PRUNE_DRY_RUN).")
    boolean dryRun;

    @Override
    public Integer call() throws SQLException {
        if (scans == null) {
            scans = new ArrayList<>();
        }
        if (keep == null && olderThan == null && scans.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "say which scans to drop: --keep, --older-than or --drop");
        }
        if (keep != null && keep < 0) {
            throw new ParameterException(spec.commandLine(), "--keep must be 0 or more, not " + keep);
        }
        if (olderThan != null && olderThan.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--older-than must not be negative");
        }
        try (ResultsDatabase.Open open = db.open(); Connection c = open.database().connect()) {
            List<String> drop = new ArrayList<>();
            for (String id : scans) {
                if (!Scans.exists(c, id)) {
                    System.err.println("mxray prune: no scan " + id);
                    return 1;
                }
                drop.add(id);
            }
            if (keep != null || olderThan != null) {
                Instant before = olderThan == null ? null : Instant.now().minus(olderThan);
                for (Scans.Listed s : Scans.toPrune(c, keep, before)) {
                    if (!drop.contains(s.id())) {
                        drop.add(s.id());
                    }
                }
            }
            if (drop.isEmpty()) {
                System.out.println("mxray prune: no scan to drop");
                return 0;
            }
            c.setAutoCommit(false);
            for (String id : drop) {
                if (dryRun) {
                    System.out.println("would drop scan " + id);
                    continue;
                }
                long t0 = System.nanoTime();
                int partitions = Scans.drop(c, id);
                c.commit();
                System.out.printf("dropped scan %s (%d partitions, %.0f ms)%n", id, partitions,
                        (System.nanoTime() - t0) / 1e6);
            }
        }
        return 0;
    }
}
