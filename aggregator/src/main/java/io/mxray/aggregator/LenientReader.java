package io.mxray.aggregator;

import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deserializer that reads what it can and returns null for the rest (logged, counted), for a
 * thread that must not fail on one bad message and has another reader to dead-letter it: the
 * aggregator's global verdict store (the database writer dead-letters unreadable probe results).
 */
final class LenientReader<T> implements Deserializer<T> {
    private static final Logger LOG = LoggerFactory.getLogger(LenientReader.class);
    private final Deserializer<T> strict;
    private long skipped;

    LenientReader(Deserializer<T> strict) {
        this.strict = strict;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        try {
            return strict.deserialize(topic, data);
        } catch (RuntimeException e) {
            if (skipped++ < 100) {
                LOG.warn("a {} message the verdict store cannot read is skipped: {}", topic, e.getMessage());
            }
            return null;
        }
    }
}
