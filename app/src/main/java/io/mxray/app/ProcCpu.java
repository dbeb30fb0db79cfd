package io.mxray.app;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time of processes as the kernel accounts it, read from {@code /proc}: a whole process, the
 * JIT compiler threads of a JVM, a process with its children (PostgreSQL's server and backends).
 * Every figure is zero where there is no {@code /proc} or the process is gone: the benchmarks that
 * use it print what they could measure.
 */
final class ProcCpu {
    /** USER_HZ: the unit of the times in {@code /proc/PID/stat} on Linux. */
    private static final double TICKS_PER_S = 100.0;

    private ProcCpu() {
    }

    /** CPU seconds (user and system) of a process's live threads, plus those of its children it has waited for. */
    static double process(long pid, boolean withWaitedChildren) {
        long[] t = times(Path.of("/proc", String.valueOf(pid), "stat"));
        if (t == null) {
            return 0;
        }
        return (t[0] + t[1] + (withWaitedChildren ? t[2] + t[3] : 0)) / TICKS_PER_S;
    }

    /**
     * CPU seconds of a JVM's JIT compiler threads ({@code C1 CompilerThre...}, {@code C2 CompilerThre...}).
     * The first thread of each compiler stays for the life of the JVM, so the sum only grows as
     * long as the JVM does not add and retire more (it does so with more than two cores).
     */
    static double jit(long pid) {
        double sum = 0;
        Path tasks = Path.of("/proc", String.valueOf(pid), "task");
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
            for (Path task : ds) {
                String comm;
                try {
                    comm = Files.readString(task.resolve("comm")).trim();
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                    long[] t = times(task.resolve("stat"));
                    if (t != null) {
                        sum += (t[0] + t[1]) / TICKS_PER_S;
                    }
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return sum;
    }

    /** CPU seconds of a process and of its live descendants, plus what it and they have waited for. */
    static double tree(long pid) {
        double sum = process(pid, true);
        for (long child : children(pid)) {
            sum += tree(child);
        }
        return sum;
    }

    private static List<Long> children(long pid) {
        List<Long> out = new ArrayList<>();
        Path tasks = Path.of("/proc", String.valueOf(pid), "task");
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
            for (Path task : ds) {
                try {
                    for (String c : Files.readString(task.resolve("children")).trim().split("\\s+")) {
                        if (!c.isEmpty()) {
                            out.add(Long.parseLong(c));
                        }
                    }
                } catch (IOException | NumberFormatException e) {
                    // the thread ended meanwhile, or a kernel without the children file
                }
            }
        } catch (IOException e) {
            // gone
        }
        return out;
    }

    /** utime, stime, cutime, cstime in ticks; null when unreadable. */
    private static long[] times(Path stat) {
        try {
            String s = Files.readString(stat);
            // the command name (field 2) is in parentheses and may hold spaces: split after its end
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state); utime is field 14
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                    Long.parseLong(f[14])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
