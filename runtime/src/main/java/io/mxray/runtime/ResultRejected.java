package io.mxray.runtime;

/**
 * A stage's result that cannot be published as it is, with a stable reason key: the runner
 * dead-letters the input and publishes the stage's failure result for it instead
 * ({@link Worker#onFailure}), whose reason is this key.
 */
public final class ResultRejected extends RuntimeException {
    /** Larger than a message may be ({@link io.mxray.schema.Bounds#MESSAGE_BYTES}). */
    public static final String TOO_LARGE = "result-too-large";

    private final String reason;

    public ResultRejected(String reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
