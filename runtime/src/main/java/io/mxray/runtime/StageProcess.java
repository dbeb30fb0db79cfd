package io.mxray.runtime;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one service as a process (a stage's runner, the aggregator): the service on the calling
 * thread and a clean stop on SIGTERM (finish the work in hand, commit, leave the group, close),
 * then its resources closed in order.
 *
 * <p>The shutdown hook waits for the runner itself, never for the main thread: the main thread
 * ends in {@code System.exit}, which waits for the hooks, so waiting for it would deadlock.
 */
public final class StageProcess {
    private static final Logger LOG = LoggerFactory.getLogger(StageProcess.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private StageProcess() {
    }

    /** Blocks until the runner stops; returns the process exit status. */
    public static int run(Service runner, AutoCloseable... resources) {
        AtomicBoolean closed = new AtomicBoolean();
        Runnable closeResources = () -> {
            if (closed.compareAndSet(false, true)) {
                for (AutoCloseable r : resources) {
                    try {
                        r.close();
                    } catch (Exception e) {
                        LOG.warn("{}: closing {} failed: {}", runner.name(), r, e.toString());
                    }
                }
            }
        };
        Thread hook = new Thread(() -> {
            LOG.info("{}: stopping (finishing the current batch and committing)", runner.name());
            runner.stopAsync();
            try {
                if (!runner.awaitStopped(STOP_TIMEOUT)) {
                    LOG.warn("{}: did not stop within {}; uncommitted work will be redelivered", runner.name(),
                            STOP_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeResources.run();
            LOG.info("{}: stopped", runner.name());
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
            closeResources.run();
        }
        return status;
    }
}
