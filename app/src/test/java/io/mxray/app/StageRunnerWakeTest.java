package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.runtime.KafkaSettings;
import io.mxray.runtime.Output;
import io.mxray.runtime.StageRunner;
import io.mxray.runtime.Topics;
import io.mxray.runtime.Worker;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DomainTask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stage whose items wait on slow servers (or on the pacing of a busy address) sleeps in its
 * poll until one of them finishes, instead of waking fifty times a second; the item that
 * finishes wakes it, and its result is published at once, not at the end of the poll.
 */
class StageRunnerWakeTest {
    private static final Duration LONG_POLL = Duration.ofSeconds(60);
    private static final long ANSWER_AFTER_MS = 3_000;
    @RegisterExtension
    static final KafkaBroker kafka = new KafkaBroker();

    /** Answers each domain {@link #ANSWER_AFTER_MS} after it was handed over, from a timer thread. */
    static final class Slow implements Worker<DomainTask> {
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        final List<Long> answeredAt = new ArrayList<>();

        @Override
        public CompletionStage<List<Output<?, ?>>> handle(DomainTask task) {
            CompletableFuture<List<Output<?, ?>>> f = new CompletableFuture<>();
            timer.schedule(() -> {
                synchronized (answeredAt) {
                    answeredAt.add(System.nanoTime());
                }
                DnsResult r = new DnsResult(task.scanId(), task.domain(), task.rank(), DnsOutcome.NO_MAIL_HOST, null,
                        List.of(), List.of(), Instant.now(), 0);
                f.complete(List.of(Output.of(Topics.DNS_RESULTS, r.key(), r)));
            }, ANSWER_AFTER_MS, TimeUnit.MILLISECONDS);
            return f;
        }

        @Override
        public List<Output<?, ?>> onFailure(DomainTask task, Throwable error) {
            return List.of();
        }
    }

    @Test
    void aStageWithItemsInHandSleepsUntilOneFinishesAndThenPublishesIt() throws Exception {
        String scan = "wake-" + UUID.randomUUID();
        String bootstrap = kafka.bootstrap();
        try (var producer = new KafkaProducer<byte[], byte[]>(KafkaSettings.producer(bootstrap, "test"))) {
            DomainTask t = new DomainTask(scan, "slow.test", null, 1);
            producer.send(new ProducerRecord<>(Topics.DOMAINS.name(), t.key().getBytes(StandardCharsets.UTF_8),
                    Topics.DOMAINS.valueSerde().serializer().serialize(Topics.DOMAINS.name(), t))).get();
        }
        Slow worker = new Slow();
        var runner = new StageRunner<>("dns-worker", Topics.DOMAINS, worker,
                new KafkaConsumer<byte[], byte[]>(KafkaSettings.consumer(bootstrap, "wake-" + scan, "runner", 10,
                        300_000)),
                new KafkaProducer<byte[], byte[]>(KafkaSettings.producer(bootstrap, "runner")),
                LONG_POLL, 10, Duration.ofSeconds(30));
        Thread thread = new Thread(runner, "runner");
        thread.start();
        long passesWhileWaiting = -1;
        long receivedAt = -1;
        var props = KafkaSettings.consumer(bootstrap, "check-" + scan, "test", 100, 300_000);
        props.put("fetch.min.bytes", 1); // this reader sees a record as soon as it is there
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props)) {
            consumer.subscribe(List.of(Topics.DNS_RESULTS.name()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(50);
            long passesAtStart = -1;
            while (receivedAt < 0 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    DnsResult d = Topics.DNS_RESULTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (d.scanId().equals(scan)) {
                        receivedAt = System.nanoTime();
                    }
                }
                if (passesAtStart < 0 && runner.consumed() == 1) {
                    passesAtStart = runner.passes(); // the item is in hand from here on
                }
                synchronized (worker.answeredAt) {
                    if (passesWhileWaiting < 0 && !worker.answeredAt.isEmpty() && passesAtStart >= 0) {
                        passesWhileWaiting = runner.passes() - passesAtStart;
                    }
                }
            }
        } finally {
            runner.close();
            thread.join(30_000);
            worker.timer.shutdownNow();
        }
        assertTrue(receivedAt > 0, "the result was published");
        assertEquals(1, worker.answeredAt.size());
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(receivedAt - worker.answeredAt.get(0));
        // the poll it slept in would have lasted a minute: the finished item ended it
        assertTrue(latencyMs < 20_000, "the result reached the topic " + latencyMs + " ms after the item finished");
        // a loop polling every 20 ms would have made about 150 passes in the 3 s the item was in hand
        assertTrue(passesWhileWaiting >= 0 && passesWhileWaiting <= 10,
                "passes of the loop while the one item in hand waited: " + passesWhileWaiting);
    }
}
