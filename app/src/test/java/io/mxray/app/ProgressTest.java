package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The progress line of `mxray scan` and `mxray wait`: what it says, and how it is drawn. */
class ProgressTest {
    @Test
    void theLineShowsTheBarTheCountsTheRateAndTheTimeLeft() {
        Progress p = new Progress(new PrintStream(new ByteArrayOutputStream()), false, Duration.ZERO, "scan x");
        assertEquals("scan x [###############...............] 2,500/5,000  50.0%  250 domains/s  ETA 0:10",
                p.line(2_500, 5_000, 250));
        assertEquals("scan x [##############################] 5,000/5,000 100.0%  250 domains/s  complete",
                p.line(5_000, 5_000, 250));
        assertTrue(p.line(10, 5_000, 0).endsWith("ETA -"), "no rate yet, no guess");
        assertTrue(p.line(10, -1, 0).contains("10/? domains final (the list is still being published)"));
        assertEquals("1:01:01", Progress.clock(3_661));
        assertEquals("0:59", Progress.clock(59));
    }

    @Test
    void intoALogItWritesWholeLinesAtTheGivenPaceAndAlwaysTheLast() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, Duration.ofHours(1), "s");
        p.update(1, 100); // the first measurement is printed
        for (int i = 2; i < 100; i++) {
            p.update(i, 100); // within the hour: not printed
        }
        p.update(100, 100); // complete: printed
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, out.lines().count(), out);
        assertFalse(out.contains("\r"), "no carriage returns in a log");
        assertTrue(out.lines().reduce((a, b) -> b).orElseThrow().contains("100/100"), out);
    }

    @Test
    void onATerminalItRedrawsOneLineAndEndsIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, Duration.ofHours(1), "s");
        p.update(1, 3);
        p.update(3, 3);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\rs ["), out);
        assertTrue(out.contains("\r") && out.endsWith("\n"), "redrawn in place, then the line is ended");
        assertEquals(1, out.chars().filter(c -> c == '\n').count(), out);
    }

    @Test
    void theRateIsMeasuredOverTheRecentWindow() throws Exception {
        Progress p = new Progress(new PrintStream(new ByteArrayOutputStream()), false, Duration.ofHours(1), "s");
        p.update(0, 1_000);
        Thread.sleep(200);
        p.update(100, 1_000);
        double rate = p.rate();
        // 100 domains in about 0.2 s (more on a busy machine): between 50 and 500 per second
        assertTrue(rate > 50 && rate <= 500, "rate " + rate);
    }
}
