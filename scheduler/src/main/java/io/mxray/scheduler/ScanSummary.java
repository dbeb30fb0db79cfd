package io.mxray.scheduler;

import io.mxray.schema.RejectedLine;
import io.mxray.schema.ScanCounts;
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
}
