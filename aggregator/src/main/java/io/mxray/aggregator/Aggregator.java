package io.mxray.aggregator;

import io.mxray.runtime.KafkaSettings;
import io.mxray.runtime.Metrics;
import io.mxray.runtime.Service;
import io.mxray.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running aggregator: the Streams topology (exactly once) and the PostgreSQL sink. As a
 * {@link Service} it runs as long as its sink does: a sink that fails stops the process, whose
 * uncommitted results the next instance writes.
 */
public final class Aggregator implements Service, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Aggregator.class);

    private final KafkaStreams streams;
    private final DatabaseSink sink;
    private final Thread sinkThread;
    private final AtomicReference<Throwable> sinkFailure;

    private Aggregator(KafkaStreams streams, DatabaseSink sink, Thread sinkThread,
                       AtomicReference<Throwable> sinkFailure) {
        this.streams = streams;
        this.sink = sink;
        this.sinkThread = sinkThread;
        this.sinkFailure = sinkFailure;
    }

    /**
     * Migrates the database, then starts the topology and the sink.
     *
     * @param stateDir where Streams keeps its local state (RocksDB)
     */
    public static Aggregator start(String bootstrap, Database database, Path stateDir, Clock clock) {
        return start(bootstrap, database, new AggregatorConfig(clock), stateDir);
    }

    public static Aggregator start(String bootstrap, Database database, AggregatorConfig config, Path stateDir) {
        return start(bootstrap, database, config, stateDir, Duration.parse(COMMIT_INTERVAL));
    }

    /**
     * How often the topology commits its transaction: results become visible downstream at this
     * pace, and each commit costs the broker a transaction (markers on every partition written).
     */
    public static final String COMMIT_INTERVAL = "PT1S";

    public static Aggregator start(String bootstrap, Database database, AggregatorConfig config, Path stateDir,
                                   Duration commitInterval) {
        database.migrate();
        StreamsBuilder builder = new StreamsBuilder();
        AggregatorTopology.build(builder, config);
        KafkaStreams streams = new KafkaStreams(builder.build(), streamsConfig(bootstrap, stateDir, commitInterval));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("aggregator stream thread failed; replacing it (its work is replayed from the last commit)", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        Metrics.lag("aggregator", () -> streamsLag(streams));
        DatabaseSink sink = new DatabaseSink(database, bootstrap, "mxray-db-sink");
        Thread t = new Thread(sink, "mxray-db-sink");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        t.setUncaughtExceptionHandler((thread, e) -> failure.set(e)); // the sink has logged it
        t.start();
        return new Aggregator(streams, sink, t, failure);
    }

    static Properties streamsConfig(String bootstrap, Path stateDir, Duration commitInterval) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "mxray-aggregator");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) commitInterval.toMillis());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // no waiting to line a task's input partitions up by timestamp: a domain is assembled from
        // its DNS result and the global store of probe verdicts in whatever order they arrive, so
        // time order across partitions buys nothing; with idling on (the default 0), Kafka Streams
        // also builds a text per partition on every loop to say why a task is ready, a cost seen
        // in profiles of a steady scan.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // fetches of the input topics wait for a batch, as the stages' do
        KafkaSettings.batchedFetches().forEach((k, v) -> p.put(StreamsConfig.mainConsumerPrefix(k), v));
        // one produce request in flight per broker. With transactions v2 (KIP-890) the broker verifies
        // each partition's first write of a transaction before appending it; a second batch for that
        // partition arriving meanwhile has a sequence the broker cannot place yet, and it refuses it
        // (KAFKA-18202: a retriable OutOfOrderSequenceException, retried by the producer, but logged
        // by the broker's ReplicaManager at ERROR, in a new user's terminal). One request at a time
        // never sends that second batch early.
        p.put(StreamsConfig.producerPrefix(ProducerConfig
                .MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
        // a record the thread cannot read or publish never fails it (a replaced thread would meet it again)
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, StreamErrors.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, StreamErrors.class);
        return p;
    }

    /** The Streams consumers' lag over their input partitions (restore consumers excluded). */
    static long streamsLag(KafkaStreams streams) {
        double sum = 0;
        boolean known = false;
        for (var e : streams.metrics().entrySet()) {
            var name = e.getKey();
            if (name.name().equals("records-lag") && name.group().equals("consumer-fetch-manager-metrics")
                    && name.tags().containsKey("partition")
                    && !name.tags().getOrDefault("client-id", "").endsWith("restore-consumer")) {
                Object v = e.getValue().metricValue();
                if (v instanceof Number n && !Double.isNaN(n.doubleValue())) {
                    sum += n.doubleValue();
                    known = true;
                }
            }
        }
        return known ? (long) sum : -1;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public DatabaseSink sink() {
        return sink;
    }

    @Override
    public String name() {
        return "aggregator";
    }

    /** Blocks until the database sink has stopped; throws when it failed. */
    @Override
    public void run() {
        try {
            sinkThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Throwable failed = sinkFailure.get();
        if (failed != null) {
            throw new IllegalStateException("the database sink failed", failed);
        }
    }

    @Override
    public void stopAsync() {
        sink.stopAsync();
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return sink.awaitStopped(timeout);
    }

    @Override
    public void close() {
        sink.close();
        try {
            sinkThread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // leave the group: an instance that stops for good should not hold its partitions until the
        // session times out (Streams keeps membership on close by default, for quick restarts)
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
}
