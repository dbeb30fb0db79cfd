package io.mxray.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * The machine's CPU time so far from the first line of {@code /proc/stat}, in seconds summed over
     * all cores: {busy (user, nice, system, irq, softirq), idle (with iowait), steal (taken by the
     * hypervisor)}; zeros where unreadable.
     */
    static double[] machine() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+"); // "cpu user nice system idle iowait irq softirq steal ..."
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            return new double[] {(user + nice + system + irq + softirq) / TICKS_PER_S, (idle + iowait) / TICKS_PER_S,
                    steal / TICKS_PER_S};
        } catch (IOException | RuntimeException e) {
            return new double[3];
        }
    }

    /**
     * CPU seconds of each live thread of a process, keyed by the thread's name and id
     * ({@code "mxray-db-sink/4711"}); empty when unreadable. The kernel keeps 15 characters of a name.
     */
    static Map<String, Double> threads(long pid) {
        Map<String, Double> out = new HashMap<>();
        Path tasks = Path.of("/proc", String.valueOf(pid), "task");
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
            for (Path task : ds) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    long[] t = times(task.resolve("stat"));
                    if (t != null) {
                        out.put(comm + "/" + task.getFileName(), (t[0] + t[1]) / TICKS_PER_S);
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }

    /**
     * The busiest threads between two {@link #threads} readings of one process: name and id with
     * the CPU seconds each used in between, most first.
     */
    static List<Map.Entry<String, Double>> busiest(Map<String, Double> before, Map<String, Double> after, int n) {
        List<Map.Entry<String, Double>> used = new ArrayList<>();
        after.forEach((t, s) -> used.add(Map.entry(t, s - before.getOrDefault(t, 0.0))));
        used.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        return used.subList(0, Math.min(n, used.size()));
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
