package io.mxray.app;

import io.mxray.local.ResultsDatabase;
import io.mxray.store.Scans;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes the self-contained HTML report of a scan. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write one self-contained HTML file (charts, hall of fame, domains that lose mail, changes "
                + "since the previous scan) for a scan, the latest by default.")
final class ReportCommand implements Callable<Integer> {
    @Mixin
    ResultsDatabase db;

    @Option(names = "--scan", paramLabel = "ID", defaultValue = "${env:MXRAY_SCAN}",
            description = "The scan (env MXRAY_SCAN; default: the one started last).")
    String scanId;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "${env:MXRAY_OUTPUT}",
            description = "Where to write it (env MXRAY_OUTPUT; default: mxray-report-<scan>.html here).")
    Path output;

    @Override
    public Integer call() throws SQLException, IOException {
        try (ResultsDatabase.Open open = db.open(); Connection c = open.database().connect()) {
            String id = scanId != null ? scanId : Scans.latestScan(c);
            if (id == null) {
                System.err.println("mxray report: no scan in the database");
                return 1;
            }
            if (!Scans.exists(c, id)) {
                System.err.println("mxray report: no scan " + id);
                return 1;
            }
            Path file = output != null ? output : Path.of("mxray-report-" + id + ".html");
            Files.writeString(file, Report.html(c, id), StandardCharsets.UTF_8);
            System.out.println("report of scan " + id + " written to " + file.toAbsolutePath());
            return 0;
        }
    }
}
