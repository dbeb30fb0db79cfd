package io.mxray.runtime;

import io.mxray.runtime.Topic;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Kafka-consuming process of mxray shares: the stages' {@link StageRunner} and the
 * aggregator's database sink. One thread polls and hands each batch to {@link #handle}; the
 * consumer lag is a metric; a message that cannot be read or answered goes to the dead letters
 * through {@link #deadLetter}, published before its offset is committed; offsets are committed
 * only for messages whose results the broker (or the database) has acknowledged, so a crash
 * redoes work and never loses it. {@link #stopAsync} wakes the loop, which finishes its work in
 * hand ({@link #finish}), commits, and closes its consumer and producer.
 */
public abstract class ConsumerLoop implements Service, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration PRODUCER_CLOSE = Duration.ofSeconds(10);

    protected final String name;
    protected final KafkaConsumer<byte[], byte[]> consumer;
    /** Results and dead letters. */
    protected final KafkaProducer<byte[], byte[]> producer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong lag = new AtomicLong(-1);
    private final AtomicLong deadLettered = new AtomicLong();

    protected ConsumerLoop(String name, KafkaConsumer<byte[], byte[]> consumer,
                           KafkaProducer<byte[], byte[]> producer) {
        this.name = name;
        this.consumer = consumer;
        this.producer = producer;
    }

    /** Subscribes {@link #consumer} to its topics. */
    protected abstract void subscribe();

    /** How long a poll may wait for messages. */
    protected abstract Duration pollTimeout();

    /** One poll's messages (none, when the poll timed out). */
    protected abstract void handle(ConsumerRecords<byte[], byte[]> records);

    /** On a stop: finish and commit the work in hand (bounded). */
    protected void finish() {
    }

    /** Before the clients close, whether the loop stopped or failed. */
    protected void beforeClose() {
    }

    @Override
    public final void run() {
        Metrics.lag(name, lag::get);
        try {
            subscribe();
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(pollTimeout());
                } catch (WakeupException e) {
                    if (!running.get()) {
                        break;
                    }
                    records = ConsumerRecords.empty(); // woken (wake()) for work finished meanwhile
                }
                lag.set(Consumers.lag(consumer));
                handle(records);
            }
            finish();
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("{}: stopping after an unrecoverable error; uncommitted work will be redelivered", name, e);
            throw e;
        } finally {
            lag.set(-1);
            try {
                beforeClose();
                consumer.close();
            } finally {
                producer.close(PRODUCER_CLOSE);
                stopped.countDown();
            }
        }
    }

    /**
     * Ends the loop's current or next poll early, from any thread, so that it handles what another
     * thread has just finished; the loop goes on (a stop is {@link #stopAsync}). A wakeup that
     * arrives after the poll has returned ends the next blocking call instead: the next poll, or
     * a commit, which {@link Consumers#commit} repeats.
     */
    protected final void wake() {
        consumer.wakeup();
    }

    /** Whether the loop is still meant to run (false once asked to stop). */
    protected final boolean running() {
        return running.get();
    }

    /**
     * Reads a message's value.
     *
     * @throws RuntimeException when it cannot be read (for {@link #deadLetter})
     */
    protected static <T> T read(Topic<String, T> topic, ConsumerRecord<byte[], byte[]> r) {
        T v = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
        if (v == null) {
            throw new IllegalArgumentException("empty message");
        }
        return v;
    }

    /** A message that cannot be read, written or answered, counted, as it goes to the dead letters. */
    protected final ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> r, Throwable error) {
        deadLettered.incrementAndGet();
        Metrics.DEAD_LETTERS.labelValues(name).inc();
        return DeadLetter.of(name, r, error);
    }

    @Override
    public final String name() {
        return name;
    }

    /** Messages sent to the dead letters. */
    public final long deadLettered() {
        return deadLettered.get();
    }

    @Override
    public final void stopAsync() {
        running.set(false);
        consumer.wakeup();
    }

    /** Stops polling after the current batch; returns once the clients are closed. */
    @Override
    public final void close() {
        stopAsync();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public final boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
