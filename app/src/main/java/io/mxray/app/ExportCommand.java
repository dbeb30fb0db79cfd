package io.mxray.app;

import io.mxray.local.ResultsDatabase;
import io.mxray.store.Export;
import io.mxray.store.Scans;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
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
    enum Rows { domains, hosts }

    @Mixin
    ResultsDatabase db;

    @Option(names = "--scan", paramLabel = "ID", defaultValue = "${env:MXRAY_SCAN}",
            description = "The scan (env MXRAY_SCAN; default: the one started last).")
    String scanId;

    @Option(names = "--format", defaultValue = "${env:MXRAY_EXPORT_FORMAT:-csv}",
            description = "csv or jsonl (env MXRAY_EXPORT_FORMAT, default ${DEFAULT-VALUE}).")
    Export.Format format;

    @Option(names = "--rows", defaultValue = "${env:MXRAY_EXPORT_ROWS:-domains}",
            description = "domains (one row per domain) or hosts (one per domain, MX host and address, with the "
                    + "probe's TLS facts) (env MXRAY_EXPORT_ROWS, default ${DEFAULT-VALUE}).")
    Rows rows;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "${env:MXRAY_OUTPUT}",
            description = "Write here instead of standard output (env MXRAY_OUTPUT).")
    Path output;

    @Override
    public Integer call() throws SQLException, IOException {
        try (ResultsDatabase.Open open = db.open(); Connection c = open.database().connect()) {
            String id = scanId != null ? scanId : Scans.latestScan(c);
            if (id == null) {
                System.err.println("mxray export: no scan in the database");
                return 1;
            }
            if (!Scans.exists(c, id)) {
                System.err.println("mxray export: no scan " + id + " (mxray stats shows the latest)");
                return 1;
            }
            OutputStream out = output == null ? System.out : Files.newOutputStream(output);
            try {
                long n = Export.export(c, rows == Rows.domains ? Export.DOMAINS : Export.HOSTS, id, format, out);
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
}
