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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stage result larger than a broker takes (a hostile server's, say): the runner dead-letters
 * the input with the reason, publishes the stage's failure result in its place, and goes on with
 * the next items, instead of stopping (and, restarted, meeting the same item again).
 */
class StageRunnerRefusalTest {
    @RegisterExtension
    static final KafkaBroker kafka = new KafkaBroker();

    /** Answers every domain with a small DNS result, except "huge.test", whose result is 3 MB. */
    static final class Inflating implements Worker<DomainTask> {
        @Override
        public CompletionStage<List<Output<?, ?>>> handle(DomainTask task) {
            String reason = task.domain().equals("huge.test") ? "x".repeat(3 << 20) : null;
            DnsResult r = new DnsResult(task.scanId(), task.domain(), task.rank(), DnsOutcome.NO_MAIL_HOST, reason,
                    List.of(), List.of(), Instant.now(), 0);
            return CompletableFuture.completedFuture(List.of(Output.of(Topics.DNS_RESULTS, r.key(), r)));
        }

        @Override
        public List<Output<?, ?>> onFailure(DomainTask task, Throwable error) {
            DnsResult r = new DnsResult(task.scanId(), task.domain(), task.rank(), DnsOutcome.ERROR,
                    Worker.failureReason(error), List.of(), List.of(), Instant.now(), 0);
            return List.of(Output.of(Topics.DNS_RESULTS, r.key(), r));
        }
    }

    @Test
    void anOversizedResultIsDeadLetteredAndAnsweredWithAFailureResult() throws Exception {
        String scan = "refusal-" + UUID.randomUUID();
        List<String> domains = List.of("a.test", "huge.test", "b.test");
        try (var producer = new KafkaProducer<byte[], byte[]>(KafkaSettings.producer(kafka.bootstrap(), "test"))) {
            for (int i = 0; i < domains.size(); i++) {
                DomainTask t = new DomainTask(scan, domains.get(i), null, i + 1);
                producer.send(new ProducerRecord<>(Topics.DOMAINS.name(), t.key().getBytes(StandardCharsets.UTF_8),
                        Topics.DOMAINS.valueSerde().serializer().serialize(Topics.DOMAINS.name(), t))).get();
            }
        }
        StageRunner<DomainTask> runner = StageRunner.create("dns-worker", Topics.DOMAINS, new Inflating(),
                kafka.bootstrap(), "refusal-" + scan, 10, Duration.ofSeconds(10));
        Thread t = new Thread(runner, "runner");
        t.start();
        Map<String, DnsResult> results = new HashMap<>();
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        var props = KafkaSettings.consumer(kafka.bootstrap(), "check-" + scan, "test", 100, 300_000);
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props)) {
            consumer.subscribe(List.of(Topics.DNS_RESULTS.name(), Topics.DEAD_LETTERS.name()));
            long deadline = System.currentTimeMillis() + 60_000;
            while ((results.size() < 3 || dead.isEmpty()) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.topic().equals(Topics.DEAD_LETTERS.name())) {
                        if (new String(r.key(), StandardCharsets.UTF_8).startsWith(scan)) {
                            dead.add(r);
                        }
                        continue;
                    }
                    DnsResult d = Topics.DNS_RESULTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (d.scanId().equals(scan)) {
                        results.put(d.domain(), d);
                    }
                }
            }
        }
        assertTrue(t.isAlive(), "the runner goes on");
        runner.close();
        assertEquals(3, results.size(), "every domain answered: " + results.keySet());
        assertEquals(DnsOutcome.ERROR, results.get("huge.test").outcome());
        assertEquals("result-too-large", results.get("huge.test").reason());
        assertEquals(DnsOutcome.NO_MAIL_HOST, results.get("b.test").outcome(), "the next item as usual");
        assertEquals(1, dead.size());
        String error = new String(dead.get(0).headers().lastHeader("mxray.error").value(), StandardCharsets.UTF_8);
        assertTrue(error.startsWith("result-too-large"), error);
        String source = new String(dead.get(0).headers().lastHeader("mxray.source").value(), StandardCharsets.UTF_8);
        assertTrue(source.startsWith(Topics.DOMAINS.name() + "-"), source);
    }
}
