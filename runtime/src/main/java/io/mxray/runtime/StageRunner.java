package io.mxray.runtime;

import io.mxray.schema.Topic;
import io.mxray.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of a worker, the same for every stage: poll a batch, hand every value to the
 * stage concurrently, publish what each yields, flush, then commit the batch's offsets.
 *
 * <p>Offsets are committed only after every result of the batch is acknowledged by the broker,
 * so a crash replays the batch instead of losing it (at least once; the aggregator and the
 * database absorb replays). A value that cannot be deserialized is published to the dead-letter
 * topic with the error, never dropped. A batch is bounded by {@code max.poll.records} and each
 * item by the stage's own deadlines, which keeps a batch well inside {@code max.poll.interval.ms}.
 */
public final class StageRunner<V> implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

    private final String name;
    private final Topic<String, V> input;
    private final Stage<V> stage;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Duration pollTimeout;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong stageFailures = new AtomicLong();

    public StageRunner(String name, Topic<String, V> input, Stage<V> stage,
                       KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer,
                       Duration pollTimeout) {
        this.name = Objects.requireNonNull(name);
        this.input = Objects.requireNonNull(input);
        this.stage = Objects.requireNonNull(stage);
        this.consumer = Objects.requireNonNull(consumer);
        this.producer = Objects.requireNonNull(producer);
        this.pollTimeout = Objects.requireNonNull(pollTimeout);
    }

    /** Builds the clients from settings; the runner owns and closes them. */
    public static <V> StageRunner<V> create(String name, Topic<String, V> input, Stage<V> stage, String bootstrap,
                                            String groupId, int maxPollRecords, Duration maxBatchTime) {
        String clientId = name + "-" + ProcessHandle.current().pid();
        var consumer = new KafkaConsumer<byte[], byte[]>(KafkaSettings.consumer(bootstrap, groupId, clientId,
                maxPollRecords, Math.max(300_000L, maxBatchTime.toMillis() * 2)));
        var producer = new KafkaProducer<byte[], byte[]>(KafkaSettings.producer(bootstrap, clientId));
        return new StageRunner<>(name, input, stage, consumer, producer, Duration.ofMillis(500));
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(input.name()));
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(pollTimeout);
                } catch (WakeupException e) {
                    break;
                }
                if (!records.isEmpty()) {
                    processBatch(records);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("{}: stopping after an unrecoverable error; uncommitted work will be redelivered", name, e);
            throw e;
        } finally {
            try {
                consumer.close();
            } finally {
                producer.close(Duration.ofSeconds(10));
                stopped.countDown();
            }
        }
    }

    private void processBatch(ConsumerRecords<byte[], byte[]> records) {
        List<CompletableFuture<List<ProducerRecord<byte[], byte[]>>>> pending = new ArrayList<>(records.count());
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            consumed.incrementAndGet();
            offsets.put(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
            pending.add(dispatch(record));
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (CompletableFuture<List<ProducerRecord<byte[], byte[]>>> f : pending) {
            for (ProducerRecord<byte[], byte[]> out : f.join()) {
                sends.add(producer.send(out));
            }
        }
        producer.flush();
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get();
                produced.incrementAndGet();
            } catch (ExecutionException e) {
                // the batch is not committed: it is redelivered to this or another instance
                throw new IllegalStateException(name + ": publishing a result failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(name + ": interrupted while publishing", e);
            }
        }
        consumer.commitSync(offsets);
    }

    private CompletableFuture<List<ProducerRecord<byte[], byte[]>>> dispatch(ConsumerRecord<byte[], byte[]> record) {
        V value;
        try {
            value = input.valueSerde().deserializer().deserialize(record.topic(), record.value());
            if (value == null) {
                throw new IllegalArgumentException("empty message");
            }
        } catch (RuntimeException e) {
            deadLettered.incrementAndGet();
            LOG.warn("{}: unreadable message at {}-{}@{} sent to {}: {}", name, record.topic(), record.partition(),
                    record.offset(), Topics.DEAD_LETTERS.name(), e.getMessage());
            return CompletableFuture.completedFuture(List.of(deadLetter(record, e)));
        }
        CompletableFuture<List<Output<?, ?>>> result;
        try {
            result = stage.handle(value).toCompletableFuture();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        final V v = value;
        return result.exceptionally(error -> {
            stageFailures.incrementAndGet();
            LOG.error("{}: stage failed on {}; answering with its failure result", name, v, error);
            return stage.onFailure(v, error);
        }).thenApply(outputs -> {
            List<ProducerRecord<byte[], byte[]>> list = new ArrayList<>(outputs.size());
            for (Output<?, ?> o : outputs) {
                list.add(o.toRecord());
            }
            return list;
        });
    }

    /** The message as received, with where it came from and why it could not be read. */
    private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> record, Exception error) {
        var out = new ProducerRecord<>(Topics.DEAD_LETTERS.name(), record.key(), record.value());
        out.headers().add("mxray.stage", utf8(name));
        out.headers().add("mxray.source", utf8(record.topic() + "-" + record.partition() + "@" + record.offset()));
        out.headers().add("mxray.error", utf8(String.valueOf(error.getMessage())));
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Stops polling after the current batch; returns once the clients are closed. */
    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until {@link #run} has returned and the clients are closed; false on timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public void stopAsync() {
        running.set(false);
        consumer.wakeup();
    }

    public String name() {
        return name;
    }

    public long consumed() {
        return consumed.get();
    }

    public long produced() {
        return produced.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    public long stageFailures() {
        return stageFailures.get();
    }
}
