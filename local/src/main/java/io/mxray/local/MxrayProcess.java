package io.mxray.local;

import io.mxray.runtime.ClassDataArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One mxray command (or another main class of this installation) as a process of its own, on this
 * JVM's class path, its output in a log file: how the multi-process test and {@code bench e2e}
 * run the stages as an operator would, one JVM each.
 */
public final class MxrayProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path log;
    /** The working directory; null: this JVM's. */
    private final Path workDir;
    private Process process;
    private long peakRssKb;

    private MxrayProcess(String name, List<String> command, Map<String, String> env, Path log, Path workDir) {
        this.name = name;
        this.command = command;
        this.env = env;
        this.log = log;
        this.workDir = workDir;
    }

    /**
     * {@code mxray <args>} in a new JVM working in {@code workDir}: relative paths and the defaults
     * that are relative (the data folder {@code ./mxray-data}) resolve there, as for a user who
     * typed the command in that folder.
     */
    public static MxrayProcess mxrayIn(Path workDir, String name, Path logDir, List<String> jvmOptions,
                                       List<String> args) {
        return start(name, logDir, jvmOptions, "io.mxray.app.Mxray", args, Map.of(), workDir);
    }

    /** {@code mxray <args>} in a new JVM. */
    public static MxrayProcess mxray(String name, Path logDir, List<String> jvmOptions, List<String> args) {
        return start(name, logDir, jvmOptions, "io.mxray.app.Mxray", args, Map.of());
    }

    /** {@code mxray <args>} in a new JVM, with these environment variables (secrets stay off the command line). */
    public static MxrayProcess mxray(String name, Path logDir, List<String> jvmOptions, List<String> args,
                                     Map<String, String> env) {
        return start(name, logDir, jvmOptions, "io.mxray.app.Mxray", args, env);
    }

    public static MxrayProcess start(String name, Path logDir, List<String> jvmOptions, String mainClass,
                                     List<String> args) {
        return start(name, logDir, jvmOptions, mainClass, args, Map.of());
    }

    public static MxrayProcess start(String name, Path logDir, List<String> jvmOptions, String mainClass,
                                     List<String> args, Map<String, String> env) {
        return start(name, logDir, jvmOptions, mainClass, args, env, null);
    }

    private static MxrayProcess start(String name, Path logDir, List<String> jvmOptions, String mainClass,
                                      List<String> args, Map<String, String> env, Path workDir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("java.class.path");
        String classLists = System.getenv("MXRAY_CLASSLIST_DIR");
        if (classLists != null && !classLists.isBlank()) {
            // the classes each process loads, one list per process: what bench/classlist merges into
            // the class-data archive's list
            cmd.add("-XX:DumpLoadedClassList=" + Path.of(classLists, name + ".classlist").toAbsolutePath());
        } else if (jvmOptions.stream().noneMatch(o -> o.startsWith("-XX:StartFlightRecording"))) {
            // its classes mapped from an archive, parsed and verified once for every process (MXRAY_CDS=0: not).
            // Not under Flight Recorder: JDK 17.0.15 with a static archive of the application's classes
            // and a recording from the start crashed (SIGSEGV in
            // KlassFactory::check_shared_class_file_load_hook) as the aggregator started
            ClassDataArchive.forClassPath(classPath).ifPresent(a -> cmd.addAll(ClassDataArchive.options(a)));
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(args);
        MxrayProcess p = new MxrayProcess(name, List.copyOf(cmd), Map.copyOf(env), logDir.resolve(name + ".log"),
                workDir);
        p.launch();
        return p;
    }

    /**
     * The processes this JVM started that may still run: killed when it exits without closing
     * them (Ctrl-C or SIGTERM on a benchmark), so that no broker or stage is left behind.
     */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "mxray-process-reaper"));
    }

    private void launch() {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            process = pb.start();
            Process started = process;
            LIVE.add(started);
            started.onExit().thenRun(() -> LIVE.remove(started));
            peakRssKb = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** The same command again (after {@link #kill} or an exit), appending to the same log. */
    public MxrayProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        launch();
        return this;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: nothing committed, nothing closed, as a crash or an OOM kill. */
    public void kill() throws InterruptedException {
        sampleRss();
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for the process to stop cleanly; SIGKILL after the timeout. */
    public int terminate(Duration timeout) throws InterruptedException {
        sampleRss();
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    /** Waits for the process to end by itself; its exit status, or -1 if it still runs. */
    public int await(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** CPU time used so far (user and system), as the kernel accounts it; zero once the process ended. */
    public Duration cpu() {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** The peak resident set (VmHWM) in KiB, read from /proc while it runs; 0 where there is no /proc. */
    public long peakRssKb() {
        sampleRss();
        return peakRssKb;
    }

    private void sampleRss() {
        if (process != null && process.isAlive()) {
            peakRssKb = Math.max(peakRssKb, peakRssKb(String.valueOf(process.pid())));
        }
    }

    /**
     * Starts the peak resident set over from the current one (Linux: {@code 5} written to
     * {@code /proc/<pid>/clear_refs}), so that {@link #peakRssKb()} tells the peak of what follows.
     */
    public void resetPeakRss() {
        if (process != null && process.isAlive()) {
            resetPeakRss(String.valueOf(process.pid()));
        }
        peakRssKb = 0;
    }

    /** Starts a process's peak resident set over ({@code self} for this one); nothing where there is no /proc. */
    public static void resetPeakRss(String pid) {
        try {
            Files.writeString(Path.of("/proc", pid, "clear_refs"), "5");
        } catch (IOException | SecurityException e) {
            // no /proc, or not allowed: the peak stays the process's own since it started
        }
    }

    /** VmHWM of a process ({@code self} for this one) in KiB; 0 when gone or without /proc. */
    public static long peakRssKb(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone meanwhile, or no /proc
        }
        return 0;
    }

    /** The last lines of the log, for an error message. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            try {
                terminate(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
