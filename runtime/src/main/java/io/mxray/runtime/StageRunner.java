package io.mxray.runtime;

import io.mxray.runtime.Topic;
import io.mxray.runtime.Topics;
import io.mxray.schema.Bounds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of a worker, the same for every stage: take records, hand each to the stage
 * concurrently, publish what each yields as soon as it is ready, and commit a partition's offset
 * only up to the first record not yet answered and acknowledged by the broker.
 *
 * <p>Records are pipelined: the runner keeps polling while items are in flight (up to
 * {@code maxInFlight}; beyond that it pauses its partitions), so one slow server holds up only its
 * own item, never a batch. A crash replays everything after the last committed offset, which is
 * never past an unanswered record (at least once; the aggregator and the database absorb
 * replays). A value that cannot be deserialized is published to the dead-letter topic with the
 * error, never dropped. When partitions move to another instance, the items in hand for them are
 * finished and published first (bounded by the stages' own deadlines), then committed: what the
 * stages remember as done (the probes a worker has handled in a scan) has always been published.
 * A result the broker refuses for what it is (larger than a message may be, {@link Bounds#MESSAGE_BYTES})
 * is not retried: the input goes to the dead letters with the reason, and the stage's failure
 * result for it is published instead, so the item is answered and the scan goes on. A result the
 * producer cannot deliver even after its retries (the broker gone for minutes) stops the runner:
 * the process exits, and its uncommitted records go to the next instance.
 */
public final class StageRunner<V> extends ConsumerLoop {
    private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);
    private static final long COMMIT_EVERY_NANOS = 500_000_000L;
    /**
     * While items finish one after another, the loop handles them at most this often, gathering
     * what finishes meanwhile; when none has finished, it sleeps in its poll until one does.
     */
    private static final long GATHER_NANOS = 20_000_000L;
    private static final Duration STOP_WAIT = Duration.ofSeconds(50);
    /** Room left in a message for the record's own framing and headers. */
    private static final int MESSAGE_OVERHEAD = 4096;

    private final Topic<String, V> input;
    private final Worker<V> worker;
    private final Duration pollTimeout;
    private final int maxInFlight;
    private final Duration maxItemTime;
    private volatile Exception fatal;
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong stageFailures = new AtomicLong();
    /** Completions and acknowledgements from other threads, run on the consumer's thread. */
    private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
    /** Per partition, the records taken and not yet committed, in offset order (consumer thread only). */
    private final Map<TopicPartition, Track> tracks = new HashMap<>();
    private int inFlight;
    private IntSupplier parked = () -> 0;
    private int maxParked;
    private boolean paused;
    private long lastCommit = System.nanoTime();
    /** When the loop last handled a poll's outcome (consumer thread only). */
    private long lastPass = System.nanoTime();
    /** Set while the loop sleeps in a poll with items in hand: the next item finished wakes it. */
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final AtomicLong passes = new AtomicLong();

    /** The uncommitted records of one partition as this instance holds it. */
    private final class Track {
        final TopicPartition partition;
        final TreeMap<Long, Item> pending = new TreeMap<>();
        boolean dropped;

        Track(TopicPartition partition) {
            this.partition = partition;
        }
    }

    /** One record: answered and acknowledged ({@code done}) or not. */
    private final class Item {
        final Track track;
        final long offset;
        final ConsumerRecord<byte[], byte[]> record;
        /** The input as read, or null when it could not be. */
        V value;
        int sendsLeft;
        boolean done;
        /** Its results were refused once and replaced by the dead letter and the failure result. */
        boolean replaced;

        Item(Track track, ConsumerRecord<byte[], byte[]> record) {
            this.track = track;
            this.offset = record.offset();
            this.record = record;
        }
    }

    public StageRunner(String name, Topic<String, V> input, Worker<V> worker,
                       KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer,
                       Duration pollTimeout, int maxInFlight, Duration maxItemTime) {
        super(Objects.requireNonNull(name), Objects.requireNonNull(consumer), Objects.requireNonNull(producer));
        this.input = Objects.requireNonNull(input);
        this.worker = Objects.requireNonNull(worker);
        this.pollTimeout = Objects.requireNonNull(pollTimeout);
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be positive");
        }
        this.maxInFlight = maxInFlight;
        this.maxItemTime = Objects.requireNonNull(maxItemTime);
    }

    /** Builds the clients from settings; the runner owns and closes them. */
    public static <V> StageRunner<V> create(String name, Topic<String, V> input, Worker<V> worker, String bootstrap,
                                            String groupId, int maxInFlight, Duration maxItemTime) {
        return create(name, input, worker, bootstrap, groupId, maxInFlight, maxItemTime,
                KafkaOptions.DEFAULT_SESSION_TIMEOUT);
    }

    /**
     * @param maxInFlight    items worked on at once; the partitions are paused while that many are
     * @param sessionTimeout how long the group waits for a silent (crashed) member before its
     *                       partitions go to the others
     */
    public static <V> StageRunner<V> create(String name, Topic<String, V> input, Worker<V> worker, String bootstrap,
                                            String groupId, int maxInFlight, Duration maxItemTime,
                                            Duration sessionTimeout) {
        String clientId = name + "-" + ProcessHandle.current().pid();
        var settings = KafkaSettings.consumer(bootstrap, groupId, clientId, Math.min(maxInFlight, 500),
                Math.max(300_000L, maxItemTime.toMillis() * 2));
        settings.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                (int) sessionTimeout.toMillis());
        settings.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                (int) Math.max(500, sessionTimeout.toMillis() / 5));
        var consumer = new KafkaConsumer<byte[], byte[]>(settings);
        var producer = new KafkaProducer<byte[], byte[]>(KafkaSettings.producer(bootstrap, clientId));
        return new StageRunner<>(name, input, worker, consumer, producer, Duration.ofMillis(500), maxInFlight,
                maxItemTime);
    }

    /**
     * Items the stage holds only because politeness toward one busy address makes them wait their
     * turn ({@code parked}, e.g. {@link ConnectionLimiter#parked()}) do not count against
     * {@code maxInFlight}, up to {@code maxParked} of them: a shared hosting address with hundreds of
     * names queued then holds up only its own names, not every other address's probes behind them.
     * Call before the runner starts.
     */
    public StageRunner<V> parking(IntSupplier parked, int maxParked) {
        if (maxParked < 0) {
            throw new IllegalArgumentException("maxParked must not be negative");
        }
        this.parked = Objects.requireNonNull(parked);
        this.maxParked = maxParked;
        return this;
    }

    @Override
    protected void subscribe() {
        consumer.subscribe(List.of(input.name()), new Rebalance());
    }

    /**
     * With nothing in hand, a poll waits for records. With items in hand and some finished, it
     * waits out the rest of {@link #GATHER_NANOS} since the last pass, so that a busy stage makes
     * about fifty passes a second however many items finish. With items in hand and none
     * finished (a stage waiting on slow servers, or on the pacing of busy addresses), it sleeps
     * until one finishes ({@link #finished}) or records arrive: a stage in a scan's paced tail
     * does not wake fifty times a second for nothing.
     */
    @Override
    protected Duration pollTimeout() {
        if (inFlight == 0) {
            return pollTimeout;
        }
        if (events.isEmpty()) {
            sleeping.set(true);
            if (events.isEmpty() || !sleeping.compareAndSet(true, false)) {
                return pollTimeout; // an item finished since is sure to wake the poll
            }
        }
        long left = lastPass + GATHER_NANOS - System.nanoTime();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /** Work finished on another thread (an item answered, a result acknowledged), for the loop. */
    private void finished(Runnable event) {
        events.add(event);
        if (sleeping.compareAndSet(true, false)) {
            wake();
        }
    }

    @Override
    protected void handle(ConsumerRecords<byte[], byte[]> records) {
        sleeping.set(false);
        lastPass = System.nanoTime();
        passes.incrementAndGet();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            accept(record);
        }
        drainEvents();
        checkFatal();
        commitIfDue(false);
        flowControl();
    }

    @Override
    protected void finish() {
        finishInFlight();
        checkFatal();
    }

    /** On a stop: answer what is in hand (bounded), publish it and commit, then leave. */
    private void finishInFlight() {
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        while (inFlight > 0 && System.nanoTime() < deadline) {
            drainEvents();
            if (inFlight > 0) {
                pause(Duration.ofMillis(20));
            }
        }
        producer.flush();
        drainEvents();
        commitIfDue(true);
        if (inFlight > 0) {
            LOG.warn("{}: stopping with {} items unanswered; they go to the partitions' next owner", name, inFlight);
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        consumed.incrementAndGet();
        Metrics.ITEMS_IN.labelValues(name).inc();
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        Track track = tracks.computeIfAbsent(tp, Track::new);
        Item item = new Item(track, record);
        track.pending.put(record.offset(), item);
        inFlight++;
        dispatch(item).whenComplete((outputs, error) -> finished(() -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof ResultRejected rejected) {
                replace(item, rejected);
            } else if (error != null) {
                // a result that cannot even be serialized: keep the input, with why, in the dead letters
                LOG.error("{}: the result of {}-{}@{} cannot be published", name, record.topic(), record.partition(),
                        record.offset(), error);
                publish(item, List.of(deadLetter(record, error)));
            } else {
                publish(item, outputs);
            }
        }));
    }

    /** Publishes an item's results; even for a partition lost meanwhile, since the stage counts them as done. */
    private void publish(Item item, List<ProducerRecord<byte[], byte[]>> outputs) {
        if (outputs.isEmpty()) {
            done(item);
            return;
        }
        item.sendsLeft += outputs.size();
        send(item, outputs);
    }

    private void send(Item item, List<ProducerRecord<byte[], byte[]>> outputs) {
        for (ProducerRecord<byte[], byte[]> out : outputs) {
            String topic = out.topic();
            try {
                producer.send(out, (metadata, error) -> finished(() -> acknowledged(item, topic, error)));
            } catch (RuntimeException e) {
                acknowledged(item, topic, e);
            }
        }
    }

    /**
     * A record the broker or the producer refuses for what it is: sending it again cannot help
     * (unlike a broker that is away, which the producer's retries ride out).
     */
    private static boolean refused(Exception e) {
        return e instanceof RecordTooLargeException
                || e instanceof RecordBatchTooLargeException
                || e instanceof InvalidRecordException
                || e instanceof SerializationException;
    }

    /**
     * The item's results cannot be published: its input goes to the dead letters with why, and the
     * stage's failure result is published in their place (once; if that is refused too, the
     * runner stops like for any failed publish).
     */
    private void replace(Item item, Exception error) {
        item.replaced = true;
        LOG.warn("{}: the result of {}-{}@{} cannot be published ({}); its input goes to {} and a failure result "
                + "answers it", name, item.record.topic(), item.record.partition(), item.record.offset(),
                error.getMessage(), Topics.DEAD_LETTERS.name());
        List<ProducerRecord<byte[], byte[]>> outs = new ArrayList<>();
        outs.add(deadLetter(item.record, error));
        if (item.value != null) {
            try {
                for (Output<?, ?> o : worker.onFailure(item.value, error)) {
                    outs.add(o.toRecord());
                }
            } catch (RuntimeException e) {
                LOG.error("{}: no failure result for {}", name, item.value, e);
            }
        }
        item.sendsLeft += outs.size();
        send(item, outs);
    }

    private void acknowledged(Item item, String topic, Exception error) {
        if (error != null) {
            if (refused(error) && !item.replaced) {
                item.sendsLeft--; // this one is given up: its replacements are counted instead
                replace(item, error);
                return;
            }
            if (fatal == null) {
                fatal = error;
            }
            return;
        }
        produced.incrementAndGet();
        Metrics.ITEMS_OUT.labelValues(name, topic).inc();
        if (--item.sendsLeft == 0) {
            done(item);
        }
    }

    private void done(Item item) {
        if (!item.track.dropped) {
            item.done = true;
            inFlight--;
        }
    }

    /** A result that could not be delivered: nothing after it may be committed, so stop. */
    private void checkFatal() {
        Exception e = fatal;
        if (e != null) {
            Metrics.KAFKA_RETRIES.labelValues(name, "publish-failed").inc();
            throw new IllegalStateException(name + ": publishing a result failed after the producer's retries; "
                    + "stopping so that the uncommitted records are redone", e);
        }
    }

    private void drop(Track track) {
        track.dropped = true;
        for (Item i : track.pending.values()) {
            if (!i.done) {
                inFlight--;
            }
        }
        track.pending.clear();
        tracks.remove(track.partition, track);
    }

    private void drainEvents() {
        Runnable r;
        while ((r = events.poll()) != null) {
            r.run();
        }
    }

    /** Per partition, the offset after the last record of its finished prefix, removing that prefix. */
    private Map<TopicPartition, OffsetAndMetadata> committable(Collection<Track> of) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Track t : of) {
            long next = -1;
            while (!t.pending.isEmpty() && t.pending.firstEntry().getValue().done) {
                next = t.pending.pollFirstEntry().getKey() + 1;
            }
            if (next >= 0) {
                offsets.put(t.partition, new OffsetAndMetadata(next));
            }
        }
        return offsets;
    }

    private void commitIfDue(boolean now) {
        if (!now && System.nanoTime() - lastCommit < COMMIT_EVERY_NANOS) {
            return;
        }
        lastCommit = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(new ArrayList<>(tracks.values()));
        if (!offsets.isEmpty()) {
            commit(offsets);
        }
    }

    /** Stops fetching while {@code maxInFlight} items are in hand, resumes below half of it. */
    private void flowControl() {
        int working = maxParked == 0 ? inFlight : inFlight - Math.min(maxParked, Math.max(0, parked.getAsInt()));
        if (!paused && working >= maxInFlight) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (paused && working < maxInFlight / 2 + 1) {
            consumer.resume(consumer.paused());
            paused = false;
        } else if (paused) {
            consumer.pause(consumer.assignment()); // partitions assigned since
        }
    }

    /** Partitions moving away: commit their finished prefix, leave the rest to the new owner. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            List<Track> leaving = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                Track t = tracks.get(tp);
                if (t != null) {
                    leaving.add(t);
                }
            }
            // finish what is in hand for them (the stages' deadlines bound it), so that it is
            // published and committed here rather than redone elsewhere
            long deadline = System.nanoTime() + maxItemTime.toNanos();
            while (leaving.stream().anyMatch(t -> t.pending.values().stream().anyMatch(i -> !i.done))
                    && System.nanoTime() < deadline && fatal == null) {
                drainEvents();
                pause(Duration.ofMillis(10));
            }
            drainEvents();
            commit(committable(leaving));
            leaving.forEach(StageRunner.this::drop);
        }

        /** Lost (this instance was presumed dead): another owns them already; nothing may be committed. */
        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                Track t = tracks.get(tp);
                if (t != null) {
                    drop(t);
                }
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // tracks are made as records arrive
        }
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Consumers.commit(consumer, offsets, name);
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CompletableFuture<List<ProducerRecord<byte[], byte[]>>> dispatch(Item item) {
        ConsumerRecord<byte[], byte[]> record = item.record;
        V value;
        try {
            value = read(input, record);
        } catch (RuntimeException e) {
            LOG.warn("{}: unreadable message at {}-{}@{} sent to {}: {}", name, record.topic(), record.partition(),
                    record.offset(), Topics.DEAD_LETTERS.name(), e.getMessage());
            return CompletableFuture.completedFuture(List.of(deadLetter(record, e)));
        }
        item.value = value;
        CompletableFuture<List<Output<?, ?>>> result;
        long start = System.nanoTime();
        Metrics.IN_FLIGHT.labelValues(name).inc();
        try {
            result = worker.handle(value).toCompletableFuture();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        final V v = value;
        return result.exceptionally(error -> {
            stageFailures.incrementAndGet();
            Metrics.STAGE_FAILURES.labelValues(name).inc();
            LOG.error("{}: stage failed on {}; answering with its failure result", name, v, error);
            return worker.onFailure(v, error);
        }).thenApply(outputs -> {
            Metrics.IN_FLIGHT.labelValues(name).dec();
            Metrics.ITEM_SECONDS.labelValues(name).observe((System.nanoTime() - start) / 1e9);
            Metrics.RESULTS.labelValues(name, worker.outcome(outputs)).inc();
            List<ProducerRecord<byte[], byte[]>> list = new ArrayList<>(outputs.size());
            for (Output<?, ?> o : outputs) {
                ProducerRecord<byte[], byte[]> r = o.toRecord();
                int size = (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                if (size > Bounds.MESSAGE_BYTES - MESSAGE_OVERHEAD) {
                    // known now, before the producer refuses it: nothing of this item is published
                    throw new ResultRejected(ResultRejected.TOO_LARGE, "a " + o.topic().name() + " message of "
                            + size + " bytes (at most " + (Bounds.MESSAGE_BYTES - MESSAGE_OVERHEAD) + ")");
                }
                list.add(r);
            }
            return list;
        });
    }

    public long consumed() {
        return consumed.get();
    }

    public long produced() {
        return produced.get();
    }

    public long stageFailures() {
        return stageFailures.get();
    }

    /** The loop's passes so far (one per poll that returned, with records or without). */
    public long passes() {
        return passes.get();
    }
}
