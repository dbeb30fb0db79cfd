package io.mxray.runtime;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The client settings every mxray process uses; one place to read them. */
public final class KafkaSettings {
    /**
     * How long a producer waits to fill a batch. A stage publishes a result at a time, a few
     * hundred a second: at Kafka's default of 5 ms nearly every record went out in a request of
     * its own, and the broker's work grows with requests, not bytes. A record's stay in a stage
     * is a DNS or SMTP exchange of tens of milliseconds to seconds: 20 ms more per hop is not seen.
     */
    static final int LINGER_MS = 20;
    /**
     * A fetch waits for this much data, or {@link #FETCH_MAX_WAIT_MS}: with Kafka's default of one
     * byte the broker answered a fetch with every record that arrived, and the consumer sent the
     * next at once. The wait is Kafka's default, 500 ms: an idle consumer asks twice a second. At
     * 100 ms, the processes of a pipeline with no scan running spent 183 ms of CPU a second
     * (broker 67) against 96 (broker 49), which every scan pays for its duration (bench e2e's
     * idle line); a record that arrives alone waits up to this long per hop.
     */
    static final int FETCH_MIN_BYTES = 32 * 1024;
    static final int FETCH_MAX_WAIT_MS = 500;

    private KafkaSettings() {
    }

    /** Idempotent producer, acks from all in-sync replicas: a published message is not lost. */
    public static Properties producer(String bootstrap, String clientId) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    /**
     * Manual commits after the results are flushed (at least once; the database writes are
     * idempotent), reading only committed messages of transactional producers.
     */
    public static Properties consumer(String bootstrap, String groupId, String clientId, int maxPollRecords,
                                      long maxPollIntervalMs) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) maxPollIntervalMs);
        p.putAll(batchedFetches());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }

    /** Fetches that wait for a batch ({@link #FETCH_MIN_BYTES}, {@link #FETCH_MAX_WAIT_MS}): also the aggregator's. */
    public static Map<String, Object> batchedFetches() {
        return Map.of(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, FETCH_MIN_BYTES,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
    }

    public static Map<String, Object> admin(String bootstrap) {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    }
}
