package io.mxray.runtime;

import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every mxray consumer does the same way: measure its lag, commit without dying of a rebalance. */
public final class Consumers {
    private static final Logger LOG = LoggerFactory.getLogger(Consumers.class);

    private Consumers() {
    }

    /**
     * The messages of the consumer's partitions not yet fetched, as of its last fetch (no
     * request); -1 while unknown for every assigned partition.
     */
    public static long lag(KafkaConsumer<?, ?> consumer) {
        long sum = 0;
        boolean known = false;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong l = consumer.currentLag(tp);
            if (l.isPresent()) {
                sum += l.getAsLong();
                known = true;
            }
        }
        return known ? sum : consumer.assignment().isEmpty() ? 0 : -1;
    }

    /**
     * Commits offsets. A commit that fails (a rebalance under way, the broker restarting) loses
     * nothing: the work is published or written, and the next commit covers these offsets too;
     * had the partitions moved, their new owner redoes the records and the aggregator and the
     * database absorb the repeat. A stop asked for meanwhile (a wakeup) does not stop the commit.
     */
    public static void commit(KafkaConsumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets,
                              String stage) {
        if (offsets.isEmpty()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                consumer.commitSync(offsets);
                return;
            } catch (WakeupException e) {
                if (attempt > 1) {
                    return;
                }
            } catch (CommitFailedException
                     | RebalanceInProgressException
                     | RetriableException e) {
                LOG.info("{}: commit not done ({}); the next commit or the partitions' next owner covers it", stage,
                        e.toString());
                Metrics.KAFKA_RETRIES.labelValues(stage, "commit").inc();
                return;
            }
        }
    }
}
