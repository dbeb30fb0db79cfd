package io.mxray.aggregator;

import io.mxray.runtime.ConsumerLoop;
import io.mxray.runtime.Consumers;
import io.mxray.runtime.KafkaSettings;
import io.mxray.runtime.Metrics;
import io.mxray.runtime.Topic;
import io.mxray.runtime.Topics;
import io.mxray.schema.DomainResult;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.RejectedLine;
import io.mxray.schema.ScanEvent;
import io.mxray.store.Database;
import io.mxray.store.ResultWriter;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves results from Kafka into PostgreSQL: scans, rejected lines, probe results and domain
 * results. Each poll is written in one database transaction, then its offsets are committed;
 * a crash between the two replays the batch into idempotent upserts, so no row is lost or
 * doubled. Reads committed messages only, so results of aborted Streams transactions never land.
 * A message that cannot be read goes to the dead letters with why, so that one bad message
 * cannot stop the sink. When the database refuses a batch for what is in it (SQLState class 22,
 * data exception, 23, integrity constraint, or 54, a program limit) the batch is written message by message after
 * {@link #ATTEMPTS} attempts, and each message it refuses goes to the dead letters with the
 * database's reason; the rest is written. Any other failure (the database away, a permission or
 * a migration missing) is retried every {@link #RETRY} until it is fixed: it is no row's fault.
 */
public final class DatabaseSink extends ConsumerLoop {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseSink.class);
    private static final Duration RETRY = Duration.ofSeconds(2);
    /** Attempts at a batch the database refuses for its content, before it is written message by message. */
    static final int ATTEMPTS = 3;
    static final String STAGE = "db-sink";
    private static final Duration POLL = Duration.ofMillis(500);

    private final Database database;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private Connection connection;
    /** Scans whose partitions exist (made once per scan and connection, in a transaction of their own). */
    private final Set<String> partitioned = new HashSet<>();

    public DatabaseSink(Database database, String bootstrap, String groupId) {
        super(STAGE, new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, groupId, "mxray-db-sink", 2000, 300_000)),
                new KafkaProducer<>(KafkaSettings.producer(bootstrap, "mxray-db-sink-dead-letters")));
        this.database = database;
    }

    @Override
    protected void subscribe() {
        consumer.subscribe(List.of(Topics.SCANS.name(), Topics.REJECTED.name(), Topics.SMTP_RESULTS.name(),
                Topics.DOMAIN_RESULTS.name()));
    }

    @Override
    protected Duration pollTimeout() {
        return POLL;
    }

    @Override
    protected void handle(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        Metrics.ITEMS_IN.labelValues(STAGE).inc(records.count());
        long start = System.nanoTime();
        writeWithRetry(records);
        Metrics.ITEM_SECONDS.labelValues(STAGE).observe((System.nanoTime() - start) / 1e9);
        var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
        for (TopicPartition tp : records.partitions()) {
            var list = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
        }
        Consumers.commit(consumer, offsets, STAGE);
    }

    @Override
    protected void beforeClose() {
        closeConnection();
    }

    /**
     * The database may be briefly away: keep the batch and retry until it is written or we stop.
     * A batch it refuses for its content is written message by message after {@link #ATTEMPTS}.
     */
    private void writeWithRetry(ConsumerRecords<byte[], byte[]> polled) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(polled.count());
        polled.forEach(records::add);
        int refusals = 0;
        while (true) {
            try {
                if (refusals >= ATTEMPTS) {
                    writeOneByOne(records);
                } else {
                    write(records);
                }
                flushDeadLetters();
                return;
            } catch (SQLException e) {
                boolean content = refusesContent(e);
                refusals = content ? refusals + 1 : 0;
                if (content && refusals >= ATTEMPTS) {
                    LOG.warn("PostgreSQL refused a batch of {} results {} times ({}); writing them one by one, "
                            + "the ones it refuses go to the dead letters", records.size(), refusals, e.getMessage());
                } else {
                    LOG.warn("writing {} results to PostgreSQL failed ({}); retrying in {}", records.size(),
                            e.getMessage(), RETRY);
                }
                closeConnection();
                if (!running()) {
                    throw new WakeupException();
                }
                if (!(content && refusals >= ATTEMPTS)) {
                    try {
                        Thread.sleep(RETRY.toMillis());
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new WakeupException();
                    }
                }
            }
        }
    }

    /**
     * SQLState class 22 (data exception: a value out of range, an invalid byte sequence), 23
     * (integrity constraint) or 54 (a program limit, such as a value too long to index): what is
     * in the messages, not the database's state, is refused.
     */
    static boolean refusesContent(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && (s.getSQLState().startsWith("22")
                    || s.getSQLState().startsWith("23") || s.getSQLState().startsWith("54"))) {
                return true;
            }
            if (t instanceof BatchUpdateException b && b.getNextException() != null
                    && refusesContent(b.getNextException())) {
                return true;
            }
        }
        return false;
    }

    /** Each message in a transaction of its own: the ones refused for their content are dead-lettered. */
    private void writeOneByOne(List<ConsumerRecord<byte[], byte[]>> records) throws SQLException {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                write(List.of(r));
            } catch (SQLException e) {
                if (!refusesContent(e)) {
                    throw e;
                }
                closeConnection();
                SQLException cause = e.getNextException() != null ? e.getNextException() : e;
                sendToDeadLetters(r, new SQLException("PostgreSQL refused it: " + cause.getMessage(), cause.getSQLState()));
            }
        }
    }

    private final List<ProducerRecord<byte[], byte[]>> pendingDeadLetters =
            new ArrayList<>();

    private void sendToDeadLetters(ConsumerRecord<byte[], byte[]> r, Exception e) {
        LOG.error("{}-{}@{} not written, sent to {}: {}", r.topic(), r.partition(), r.offset(),
                Topics.DEAD_LETTERS.name(), e.getMessage());
        pendingDeadLetters.add(deadLetter(r, e));
    }

    /** Publishes the batch's dead letters before its offsets are committed: none is lost in a crash. */
    private void flushDeadLetters() {
        if (pendingDeadLetters.isEmpty()) {
            return;
        }
        List<Future<?>> sent = new ArrayList<>();
        for (var d : pendingDeadLetters) {
            sent.add(producer.send(d));
        }
        producer.flush();
        for (var f : sent) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("db-sink: a dead letter could not be published; the batch is redone "
                        + "after a restart", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WakeupException();
            }
        }
        pendingDeadLetters.clear();
    }

    private void write(List<ConsumerRecord<byte[], byte[]>> records) throws SQLException {
        List<ScanEvent> scans = new ArrayList<>();
        List<RejectedLine> rejected = new ArrayList<>();
        List<ProbeResult> probes = new ArrayList<>();
        List<DomainResult> domains = new ArrayList<>();
        Map<ConsumerRecord<byte[], byte[]>, RuntimeException> unreadableHere = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String topic = r.topic();
            if (topic.equals(Topics.SCANS.name())) {
                add(scans, Topics.SCANS, r, unreadableHere);
            } else if (topic.equals(Topics.REJECTED.name())) {
                add(rejected, Topics.REJECTED, r, unreadableHere);
            } else if (topic.equals(Topics.SMTP_RESULTS.name())) {
                add(probes, Topics.SMTP_RESULTS, r, unreadableHere);
            } else if (topic.equals(Topics.DOMAIN_RESULTS.name())) {
                add(domains, Topics.DOMAIN_RESULTS, r, unreadableHere);
            }
        }
        Connection c = connection();
        try {
            ResultWriter w = new ResultWriter(c, partitioned);
            List<String> scanIds = new ArrayList<>();
            rejected.forEach(r -> scanIds.add(r.scanId()));
            probes.forEach(p -> scanIds.add(p.scanId()));
            domains.forEach(d -> scanIds.add(d.scanId()));
            w.partitions(scanIds);
            c.commit();
            // the domain rows' statistics are counted as they are written; their lock comes first
            w.lockStats(domains.stream().map(DomainResult::scanId).toList());
            w.scanEvents(scans);
            w.rejected(rejected);
            w.probeResults(probes);
            w.domainResults(domains);
            c.commit();
            unreadableHere.forEach((r, e) -> {
                unreadable.incrementAndGet();
                sendToDeadLetters(r, e);
            });
            written.addAndGet(records.size() - unreadableHere.size());
            var m = Metrics.ITEMS_OUT;
            m.labelValues("db-sink", "scan").inc(scans.size());
            m.labelValues("db-sink", "rejected_input").inc(rejected.size());
            m.labelValues("db-sink", "mx_host_result").inc(probes.size());
            m.labelValues("db-sink", "domain_result").inc(domains.size());
            for (DomainResult d : domains) {
                Metrics.RESULTS.labelValues("aggregator",
                        d.missingProbes() != null && !d.missingProbes().isEmpty() ? "incomplete"
                                : d.dnsOutcome().key()).inc();
            }
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is discarded anyway
            }
            throw e instanceof SQLException s ? s : new SQLException("writing results failed", e);
        }
    }

    /** Reads a message into {@code into}; one that cannot be read is noted in {@code unreadable}. */
    private static <V> void add(List<V> into, Topic<String, V> topic, ConsumerRecord<byte[], byte[]> r,
                                Map<ConsumerRecord<byte[], byte[]>, RuntimeException> unreadable) {
        try {
            into.add(read(topic, r));
        } catch (RuntimeException e) {
            unreadable.put(r, e);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = database.connect();
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void closeConnection() {
        partitioned.clear(); // a rolled-back transaction may have made none of them
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    public long written() {
        return written.get();
    }

    public long unreadable() {
        return unreadable.get();
    }
}
