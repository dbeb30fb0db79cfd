package io.mxray.runtime;

/** Where a stage that is not driven by a consumer (the scheduler) sends its messages. */
public interface Publisher extends AutoCloseable {
    void publish(Output<?, ?> output);

    /** Returns once everything published so far is acknowledged; throws if anything failed. */
    void flush();

    @Override
    void close();
}
