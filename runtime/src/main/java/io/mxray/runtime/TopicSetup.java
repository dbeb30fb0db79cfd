package io.mxray.runtime;

import io.mxray.runtime.Topic;
import io.mxray.runtime.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics when they are missing and checks the ones that exist.
 *
 * <p>All topics carry the same number of partitions: one number for an operator to choose, and
 * checked at every start so that a topic created by hand with another count is noticed. The
 * partition count caps the number of instances of a stage that can share its work (one instance
 * per partition at most).
 */
public final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    public static void ensure(String bootstrap, int partitions, short replication) {
        try (Admin admin = Admin.create(KafkaSettings.admin(bootstrap))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?, ?> t : Topics.all()) {
                if (!existing.contains(t.name())) {
                    missing.add(new NewTopic(t.name(), partitions, replication));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                    LOG.info("created topics {} with {} partitions", missing.stream().map(NewTopic::name).toList(),
                            partitions);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            List<String> names = Topics.all().stream().map(Topic::name).toList();
            Map<String, TopicDescription> described = untilKnown(
                    () -> admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS),
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(30), 100);
            for (TopicDescription d : described.values()) {
                if (d.partitions().size() != partitions) {
                    throw new IllegalStateException("topic " + d.name() + " has " + d.partitions().size()
                            + " partitions, expected " + partitions
                            + ": all mxray topics must have the same partition count (see --partitions)");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting up topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot set up topics on " + bootstrap
                    + ": no answer from a broker there in 30 s (is it running, and is that its address?)", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot set up topics on " + bootstrap + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }

    /** What a call to the broker returns, in seconds at most. */
    interface AdminCall<T> {
        T call() throws InterruptedException, ExecutionException, TimeoutException;
    }

    /**
     * The call's answer, asked again every {@code pauseMs} while the broker says it does not know
     * a topic, until {@code deadlineNanos} ({@link System#nanoTime()}). A topic just created is
     * known to the controller when the creation returns, and to the broker that answers a moment
     * later, when it has read the new metadata: a description asked for in between fails with
     * {@link UnknownTopicOrPartitionException}, which the admin client does not retry itself.
     */
    static <T> T untilKnown(AdminCall<T> call, long deadlineNanos, long pauseMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            try {
                return call.call();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadlineNanos) {
                    throw e;
                }
                LOG.debug("the broker does not know a topic yet; asking again", e.getCause());
            }
            Thread.sleep(pauseMs);
        }
    }

    /** The partition count of an existing topic. */
    public static int partitionsOf(String bootstrap, String topic) {
        try (Admin admin = Admin.create(KafkaSettings.admin(bootstrap))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot describe topic " + topic + " on " + bootstrap
                    + ": no answer from a broker there in 30 s", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe topic " + topic + " on " + bootstrap + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }
}
