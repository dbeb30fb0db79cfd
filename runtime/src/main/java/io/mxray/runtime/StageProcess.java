package io.mxray.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one worker as a process: the runner on the main thread, a clean stop on SIGTERM. */
public final class StageProcess {
    private static final Logger LOG = LoggerFactory.getLogger(StageProcess.class);

    private StageProcess() {
    }

    /** Blocks until the runner stops; returns the process exit status. */
    public static int run(StageRunner<?> runner, AutoCloseable... resources) {
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            LOG.info("{}: stopping (finishing the current batch and committing)", runner.name());
            runner.stopAsync();
            try {
                main.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, runner.name() + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int status = 0;
        try {
            LOG.info("{}: running", runner.name());
            runner.run();
        } catch (RuntimeException e) {
            LOG.error("{}: failed", runner.name(), e);
            status = 1;
        } finally {
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception e) {
                    LOG.warn("{}: closing {} failed: {}", runner.name(), r, e.toString());
                }
            }
        }
        return status;
    }
}
