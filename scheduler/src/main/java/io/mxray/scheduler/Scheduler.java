package io.mxray.scheduler;

import io.mxray.runtime.OptOut;
import io.mxray.runtime.Output;
import io.mxray.runtime.Publisher;
import io.mxray.runtime.Topics;
import io.mxray.schema.DomainTask;
import io.mxray.schema.Keys;
import io.mxray.schema.RejectedLine;
import io.mxray.schema.ScanCounts;
import io.mxray.schema.ScanEvent;
import java.io.IOException;
import java.io.Reader;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Creates a scan run from a domain list and publishes it: the scan's start, every accepted
 * domain, every rejected or duplicate line with its reason, and the final counts. Streams the
 * list, so its size is bounded only by the duplicate set.
 */
public final class Scheduler {
    public static final int REJECTED_SAMPLE = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final OptOut optOut;

    public Scheduler(Clock clock) {
        this(clock, OptOut.NONE);
    }

    /**
     * @param optOut domains whose operators asked not to be scanned: a listed domain (or one below
     *               it) is not published but recorded as rejected with reason {@code opted-out}, so
     *               nothing of it is looked up or contacted
     */
    public Scheduler(Clock clock, OptOut optOut) {
        this.clock = Objects.requireNonNull(clock);
        this.optOut = Objects.requireNonNull(optOut);
    }

    /** A scan id that sorts by start time and is unique across concurrent schedulers. */
    public String newScanId() {
        return Keys.scanIdTime(clock.instant()) + "-" + String.format("%04x", RANDOM.nextInt(0x10000));
    }

    public ScanSummary schedule(Reader list, String source, Publisher out) throws IOException {
        String scanId = newScanId();
        out.publish(Output.of(Topics.SCANS, scanId, ScanEvent.started(scanId, clock.instant(), source)));
        long[] n = new long[5]; // lines, accepted, rejected, duplicates, ignored
        List<RejectedLine> sample = new ArrayList<>();
        new DomainListReader().read(list, entry -> {
            n[0]++;
            // Java 17: no pattern matching in switch yet
            if (entry instanceof ListEntry.Accepted a && optOut.covers(a.domain())) {
                n[2]++;
                reject(out, sample, new RejectedLine(scanId, a.lineNo(), a.domain(), "opted-out",
                        a.domain() + " is on the opt-out list"));
            } else if (entry instanceof ListEntry.Accepted a) {
                n[1]++;
                DomainTask task = new DomainTask(scanId, a.domain(), a.rank(), a.lineNo());
                out.publish(Output.of(Topics.DOMAINS, task.key(), task));
            } else if (entry instanceof ListEntry.Rejected r) {
                n[2]++;
                reject(out, sample, new RejectedLine(scanId, r.lineNo(), r.line(), r.reason(), r.detail()));
            } else if (entry instanceof ListEntry.Duplicate d) {
                n[3]++;
                reject(out, sample, new RejectedLine(scanId, d.lineNo(), d.line(), "duplicate",
                        d.domain() + " is already on line " + d.firstLineNo()));
            } else {
                n[4]++;
            }
        });
        ScanCounts counts = new ScanCounts(n[0], n[1], n[2], n[3], n[4]);
        out.publish(Output.of(Topics.SCANS, scanId, ScanEvent.published(scanId, clock.instant(), source, counts)));
        out.flush();
        return new ScanSummary(scanId, counts, sample);
    }

    private static void reject(Publisher out, List<RejectedLine> sample, RejectedLine line) {
        out.publish(Output.of(Topics.REJECTED, line.scanId(), line));
        if (sample.size() < REJECTED_SAMPLE) {
            sample.add(line);
        }
    }
}
