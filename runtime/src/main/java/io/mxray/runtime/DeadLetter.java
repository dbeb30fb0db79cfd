package io.mxray.runtime;

import io.mxray.runtime.Topics;
import io.mxray.schema.Bounds;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A message that could not be read, written or published, as it goes to {@link Topics#DEAD_LETTERS}:
 * its key and value as received, and in headers which stage gave it up ({@code mxray.stage}),
 * where it came from ({@code mxray.source}: topic-partition@offset) and why ({@code mxray.error}).
 * One format for every stage, the aggregator and the database writer.
 */
public final class DeadLetter {
    public static final String STAGE = "mxray.stage";
    public static final String SOURCE = "mxray.source";
    public static final String ERROR = "mxray.error";
    /** Set, with the size, when the value itself was too large to keep. */
    public static final String VALUE_DROPPED = "mxray.value-dropped";
    private static final int ERROR_CHARS = 1000;

    private DeadLetter() {
    }

    public static ProducerRecord<byte[], byte[]> of(String stage, ConsumerRecord<byte[], byte[]> r, Throwable error) {
        return of(stage, r.topic() + "-" + r.partition() + "@" + r.offset(), r.key(), r.value(), error);
    }

    /**
     * @param source where the message was read (topic-partition@offset), or what it was meant for
     */
    public static ProducerRecord<byte[], byte[]> of(String stage, String source, byte[] key, byte[] value,
                                                    Throwable error) {
        boolean drop = value != null && value.length > Bounds.MESSAGE_BYTES / 2;
        var out = new ProducerRecord<>(Topics.DEAD_LETTERS.name(), key, drop ? null : value);
        out.headers().add(STAGE, utf8(stage));
        out.headers().add(SOURCE, utf8(source));
        out.headers().add(ERROR, utf8(Bounds.text(String.valueOf(reason(error)), ERROR_CHARS)));
        if (drop) {
            out.headers().add(VALUE_DROPPED, utf8(value.length + " bytes"));
        }
        return out;
    }

    private static String reason(Throwable error) {
        if (error == null) {
            return "unknown";
        }
        return error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
