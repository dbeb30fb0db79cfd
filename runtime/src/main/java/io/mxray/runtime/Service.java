package io.mxray.runtime;

import java.time.Duration;

/**
 * What a process runs until it is stopped ({@link StageProcess}): a stage's runner, the
 * aggregator. {@link #run} blocks on the calling thread and returns once stopped; a runtime
 * exception from it is a failure (the process exits with status 1).
 */
public interface Service extends Runnable {
    String name();

    @Override
    void run();

    /** Asks {@link #run} to finish its work in hand, commit and return; does not wait. */
    void stopAsync();

    /** @return false when it had not stopped within {@code timeout} */
    boolean awaitStopped(Duration timeout) throws InterruptedException;
}
