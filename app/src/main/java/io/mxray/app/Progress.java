package io.mxray.app;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * A scan's progress in the terminal: a bar, done/total, domains per second over the last 15 s
 * and the time left at that rate. On a terminal the line is redrawn in place (at most twice a
 * second); into a file or a pipe a line is written every {@code logEvery} so that logs stay short.
 */
final class Progress {
    private static final int WIDTH = 30;
    private static final long WINDOW_NANOS = 15_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final long everyNanos;
    private final String label;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private long lastPrinted;
    private boolean printedOnce;
    private long lastDone = -1;
    private boolean dirty;

    Progress(PrintStream out, boolean terminal, Duration logEvery, String label) {
        this.out = out;
        this.terminal = terminal;
        this.everyNanos = terminal ? 500_000_000L : logEvery.toNanos();
        this.label = label;
    }

    /** A terminal when standard output is one (the JDK knows through its console). */
    static Progress forStdout(String label) {
        return new Progress(System.out, System.console() != null, Duration.ofSeconds(10), label);
    }

    /** Records a measurement; prints when it is time to, or when the scan is complete. */
    void update(long done, long total) {
        long now = System.nanoTime();
        samples.addLast(new long[] {now, done});
        while (samples.size() > 2 && now - samples.peekFirst()[0] > WINDOW_NANOS) {
            samples.removeFirst();
        }
        boolean complete = total > 0 && done >= total;
        boolean changed = done != lastDone;
        lastDone = done;
        if (complete || !printedOnce || (changed || terminal) && now - lastPrinted >= everyNanos) {
            lastPrinted = now;
            printedOnce = true;
            String line = line(done, total, rate());
            if (terminal) {
                out.print("\r" + line + "\u001b[K");
                dirty = true;
                if (complete) {
                    finish();
                }
            } else {
                out.println(line);
            }
            out.flush();
        }
    }

    /** Ends the redrawn line (a terminal), so that what follows starts on a line of its own. */
    void finish() {
        if (dirty) {
            out.println();
            dirty = false;
        }
    }

    /** Domains per second over the window; 0 before two measurements. */
    double rate() {
        if (samples.size() < 2) {
            return 0;
        }
        long[] first = samples.peekFirst();
        long[] last = samples.peekLast();
        double seconds = (last[0] - first[0]) / 1e9;
        return seconds <= 0 ? 0 : (last[1] - first[1]) / seconds;
    }

    /** The progress line, e.g. {@code [#########.....] 2,345/5,000 46.9% 812/s ETA 0:03}. */
    String line(long done, long total, double rate) {
        StringBuilder b = new StringBuilder(label).append(" [");
        int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, WIDTH * done / total);
        b.append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
        if (total <= 0) {
            b.append(String.format(Locale.ROOT, "%,d/? domains final (the list is still being published)", done));
            return b.toString();
        }
        b.append(String.format(Locale.ROOT, "%,d/%,d %5.1f%%  %,.0f domains/s", done, total, 100.0 * done / total,
                rate));
        if (done >= total) {
            b.append("  complete");
        } else if (rate > 0) {
            b.append("  ETA ").append(clock((long) Math.ceil((total - done) / rate)));
        } else {
            b.append("  ETA -");
        }
        return b.toString();
    }

    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
