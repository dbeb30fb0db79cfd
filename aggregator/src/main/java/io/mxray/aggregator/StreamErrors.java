package io.mxray.aggregator;

import io.mxray.runtime.DeadLetter;
import io.mxray.runtime.Metrics;
import io.mxray.runtime.ResultRejected;
import io.mxray.runtime.Topics;
import io.mxray.schema.Coverage;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DomainResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the aggregator's stream thread does with a message it cannot read or a result it cannot
 * publish: never fail (a replaced thread would meet the same record again, for ever). A DNS
 * result that cannot be read goes to the dead letters, inside the same transaction as the
 * thread's other output, and processing goes on. A domain result the broker refuses (larger than
 * a message may be) goes to the dead letters too, and a failure row with reason
 * {@code result-too-large} is published for its domain instead, so that every domain still gets
 * its row. (The verdict store's own reading of {@code smtp-results} skips what it cannot read;
 * the database writer, which reads the same topic, dead-letters it, once.)
 */
public final class StreamErrors implements DeserializationExceptionHandler, ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StreamErrors.class);
    static final String STAGE = "aggregator";
    private static final AtomicLong LOGGED = new AtomicLong();

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        counted("unreadable message at {}-{}@{} sent to the dead letters: {}", record.topic(), record.partition(),
                record.offset(), exception.getMessage());
        return DeserializationExceptionHandler.Response.resume(List.of(DeadLetter.of(STAGE, record, exception)));
    }

    @Override
    public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                           ProducerRecord<byte[], byte[]> record,
                                                           Exception exception) {
        if (!(exception instanceof RecordTooLargeException || exception instanceof RecordBatchTooLargeException)) {
            return ProductionExceptionHandler.Response.fail(); // the broker away and such: Streams' own handling
        }
        counted("a {} message of {} bytes cannot be published ({}): dead-lettered, a failure row in its place",
                record.topic(), record.value() == null ? 0 : record.value().length, exception.getMessage());
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(2);
        out.add(DeadLetter.of(STAGE, record.topic() + " (not published)", record.key(), record.value(),
                new ResultRejected(ResultRejected.TOO_LARGE, String.valueOf(exception.getMessage()))));
        ProducerRecord<byte[], byte[]> row = failureRow(record);
        if (row != null) {
            out.add(row);
        }
        return ProductionExceptionHandler.Response.resume(out);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandler.Response handleSerializationError(ErrorHandlerContext context,
                                                                        ProducerRecord record, Exception exception,
                                                                        SerializationExceptionOrigin origin) {
        counted("a {} message cannot be serialized: dead-lettered ({})", record.topic(), exception.getMessage());
        byte[] key = record.key() instanceof String k ? k.getBytes(StandardCharsets.UTF_8) : null;
        return ProductionExceptionHandler.Response.resume(List.of(
                DeadLetter.of(STAGE, record.topic() + " (not serialized)", key, null, exception)));
    }

    /** A domain's row saying its result could not be published, or null when the key names no domain. */
    static ProducerRecord<byte[], byte[]> failureRow(ProducerRecord<byte[], byte[]> refused) {
        if (!Topics.DOMAIN_RESULTS.name().equals(refused.topic()) || refused.key() == null) {
            return null;
        }
        String key = new String(refused.key(), StandardCharsets.UTF_8);
        int slash = key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            return null;
        }
        DomainResult r = new DomainResult(key.substring(0, slash), key.substring(slash + 1), null, DnsOutcome.ERROR,
                ResultRejected.TOO_LARGE, List.of(), null, null, Coverage.NOT_APPLICABLE, Instant.now());
        return new ProducerRecord<>(Topics.DOMAIN_RESULTS.name(), refused.key(),
                Topics.DOMAIN_RESULTS.valueSerde().serializer().serialize(Topics.DOMAIN_RESULTS.name(), r));
    }

    private static void counted(String format, Object... args) {
        Metrics.DEAD_LETTERS.labelValues(STAGE).inc();
        if (LOGGED.getAndIncrement() < 100) {
            LOG.warn(format, args);
        }
    }
}
