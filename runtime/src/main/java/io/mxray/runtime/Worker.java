package io.mxray.runtime;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * A stage as the Kafka adapter ({@link StageRunner}) sees it: one input value in,
 * the messages it yields out. Every input yields its results, failures included (a stage turns
 * its own failures into result messages); {@link #onFailure} is the last resort for a bug that
 * escaped the stage, so that even then the item is answered.
 */
public interface Worker<V> {

    CompletionStage<List<Output<?, ?>>> handle(V value);

    List<Output<?, ?>> onFailure(V value, Throwable error);

    /**
     * The reason key of a failure result: {@code result-too-large} and the like when the runner
     * could not publish the stage's own result ({@link ResultRejected}), else {@code internal-error}.
     */
    static String failureReason(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof ResultRejected r) {
            return r.reason();
        }
        if (e instanceof RecordTooLargeException
                || e instanceof RecordBatchTooLargeException) {
            return ResultRejected.TOO_LARGE;
        }
        return "internal-error";
    }

    /** How an item ended, for the metrics (a small closed set: a DNS outcome, a probe outcome). */
    default String outcome(List<Output<?, ?>> outputs) {
        return "answered";
    }
}
