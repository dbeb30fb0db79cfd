package io.mxray.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.runtime.Output;
import io.mxray.runtime.Publisher;
import io.mxray.runtime.Topics;
import io.mxray.schema.DomainTask;
import io.mxray.schema.RejectedLine;
import io.mxray.schema.ScanCounts;
import io.mxray.schema.ScanEvent;
import java.io.IOException;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T03:25:00Z"), ZoneOffset.UTC);

    /** Collects what would be published, in order. */
    static final class Recorder implements Publisher {
        final List<Output<?, ?>> published = new ArrayList<>();
        int flushes;

        @Override
        public void publish(Output<?, ?> output) {
            published.add(output);
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void publishesStartDomainsRejectionsAndCountsInOrder() throws IOException {
        Recorder out = new Recorder();
        ScanSummary s = new Scheduler(CLOCK).schedule(new StringReader("a.example\n\nnot a domain\nA.example.\nb.example\n"),
                "test.txt", out);
        assertTrue(s.scanId().startsWith("20261129T032500Z-"), s.scanId());
        assertEquals(new ScanCounts(5, 2, 1, 1, 1), s.counts());
        List<Object> values = out.published.stream().<Object>map(Output::value).toList();
        assertEquals(ScanEvent.started(s.scanId(), CLOCK.instant(), "test.txt"), values.get(0));
        assertEquals(new DomainTask(s.scanId(), "a.example", null, 1), values.get(1));
        assertEquals(new RejectedLine(s.scanId(), 3, "not a domain", "invalid-character",
                "contains whitespace or a control character"), values.get(2));
        assertEquals(new RejectedLine(s.scanId(), 4, "A.example.", "duplicate", "a.example is already on line 1"),
                values.get(3));
        assertEquals(new DomainTask(s.scanId(), "b.example", null, 5), values.get(4));
        assertEquals(ScanEvent.published(s.scanId(), CLOCK.instant(), "test.txt", s.counts()), values.get(5));
        assertEquals(6, values.size());
        assertEquals(1, out.flushes);
        // domain messages are keyed by domain key, everything else by scan id
        assertEquals(Topics.DOMAINS, out.published.get(1).topic());
        assertEquals(s.scanId() + "/a.example", out.published.get(1).key());
        assertEquals(s.scanId(), out.published.get(2).key());
        assertEquals(2, s.rejected().size());
    }

    @Test
    void aDomainOnTheOptOutListIsRecordedAndNeverPublished() throws IOException {
        Recorder out = new Recorder();
        var optOut = io.mxray.runtime.OptOut.parse(List.of("# asked not to be scanned", "example.org",
                "192.0.2.0/24"), "opt-out.txt");
        ScanSummary s = new Scheduler(CLOCK, optOut).schedule(new StringReader(
                "a.example\nexample.org\nmail.EXAMPLE.org\nnotexample.org\n"), "test.txt", out);
        assertEquals(new ScanCounts(4, 2, 2, 0, 0), s.counts());
        List<String> published = out.published.stream().filter(o -> o.topic().equals(Topics.DOMAINS))
                .map(o -> ((DomainTask) o.value()).domain()).toList();
        assertEquals(List.of("a.example", "notexample.org"), published);
        assertEquals(List.of(new RejectedLine(s.scanId(), 2, "example.org", "opted-out",
                        "example.org is on the opt-out list"),
                new RejectedLine(s.scanId(), 3, "mail.example.org", "opted-out",
                        "mail.example.org is on the opt-out list")), s.rejected());
    }

    @Test
    void scanIdsAreUniqueForTheSameInstant() {
        Scheduler s = new Scheduler(CLOCK);
        var ids = new java.util.HashSet<String>();
        for (int i = 0; i < 50; i++) {
            ids.add(s.newScanId());
        }
        assertTrue(ids.size() >= 49, "scan ids collide: " + ids.size()); // 16 random bits per id
    }
}
