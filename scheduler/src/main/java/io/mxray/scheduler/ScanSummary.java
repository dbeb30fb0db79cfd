package io.mxray.scheduler;

import io.mxray.schema.RejectedLine;
import io.mxray.schema.ScanCounts;
import java.io.PrintStream;
import java.util.List;

/**
 * What the scheduler did with a list.
 *
 * @param rejected the first {@link Scheduler#REJECTED_SAMPLE} rejected or duplicate lines (all
 *                 of them are published and stored; this is for the terminal)
 */
public record ScanSummary(String scanId, ScanCounts counts, List<RejectedLine> rejected) {
    public ScanSummary {
        rejected = List.copyOf(rejected);
    }

    /** What the scheduler prints: the counts and a sample of the rejected lines. */
    public void print(PrintStream out) {
        var c = counts;
        out.printf("scan %s: %d lines, %d domains accepted, %d rejected, %d duplicates, %d blank or comment%n",
                scanId, c.lines(), c.accepted(), c.rejected(), c.duplicates(), c.ignored());
        for (RejectedLine r : rejected) {
            out.printf("  line %d rejected (%s): %s -- %s%n", r.lineNo(), r.reason(), abbreviate(r.line()), r.detail());
        }
        long shown = rejected.size();
        if (c.rejected() + c.duplicates() > shown) {
            out.printf("  ... and %d more (all are stored with the scan)%n", c.rejected() + c.duplicates() - shown);
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }
}
