package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.runtime.ConnectionLimiter;
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
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Items that wait only for their turn at one busy address (per-address politeness: one connection
 * at a time, spaced) are parked beside the runner's working set: the items for other addresses
 * behind them in the topic are answered at once instead of after the busy address's queue. With
 * parking off, the same list shows the head-of-line blocking the parking removes.
 */
class StageRunnerParkingTest {
    private static final int BUSY = 40;
    private static final int FREE = 20;
    @RegisterExtension
    static final KafkaBroker kafka = new KafkaBroker();

    /** Takes a connection permit for the domain's address (busy-*: all one address), then answers. */
    static final class Polite implements Worker<DomainTask> {
        final ConnectionLimiter limiter = new ConnectionLimiter(1, 100, Duration.ofMillis(100));

        @Override
        public CompletionStage<List<Output<?, ?>>> handle(DomainTask task) {
            String ip = task.domain().startsWith("busy-") ? "192.0.2.1" : "192.0.2." + (10 + task.lineNo());
            return limiter.acquire(ip).thenApply(permit -> {
                permit.connected();
                permit.release();
                DnsResult r = new DnsResult(task.scanId(), task.domain(), task.rank(), DnsOutcome.NO_MAIL_HOST, null,
                        List.of(), List.of(), Instant.now(), 0);
                return List.<Output<?, ?>>of(Output.of(Topics.DNS_RESULTS, r.key(), r));
            });
        }

        @Override
        public List<Output<?, ?>> onFailure(DomainTask task, Throwable error) {
            return List.of();
        }
    }

    @Test
    void itemsWaitingForABusyAddressDoNotHoldUpTheOthers() throws Exception {
        List<String> parked = answerOrder(100);
        assertEquals(BUSY + FREE, parked.size(), "every item answered: " + parked);
        int lastFree = lastFree(parked);
        assertTrue(lastFree < FREE + 10, "the other addresses' items answered among the first: the last at "
                + lastFree + " of " + parked);

        List<String> blocked = answerOrder(0);
        assertEquals(BUSY + FREE, blocked.size());
        assertTrue(lastFree(blocked) >= BUSY - 10, "without parking the busy address's items fill the working set "
                + "and the others wait behind them: the last at " + lastFree(blocked));
    }

    private static int lastFree(List<String> order) {
        int last = -1;
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i).startsWith("free-")) {
                last = i;
            }
        }
        return last;
    }

    /** Publishes BUSY items for the busy address then FREE for as many others; the order they are answered in. */
    private static List<String> answerOrder(int maxParked) throws Exception {
        String scan = "parking-" + UUID.randomUUID();
        try (var producer = new KafkaProducer<byte[], byte[]>(KafkaSettings.producer(kafka.bootstrap(), "test"))) {
            for (int i = 0; i < BUSY + FREE; i++) {
                String domain = (i < BUSY ? "busy-" : "free-") + i + ".test";
                DomainTask t = new DomainTask(scan, domain, null, i + 1); // rank none, line i + 1
                producer.send(new ProducerRecord<>(Topics.DOMAINS.name(), t.key().getBytes(StandardCharsets.UTF_8),
                        Topics.DOMAINS.valueSerde().serializer().serialize(Topics.DOMAINS.name(), t))).get();
            }
        }
        Polite worker = new Polite();
        StageRunner<DomainTask> runner = StageRunner.create("dns-worker", Topics.DOMAINS, worker,
                kafka.bootstrap(), "parking-" + scan, 10, Duration.ofSeconds(30)).parking(worker.limiter::parked,
                maxParked);
        Thread t = new Thread(runner, "runner");
        t.start();
        List<String> order = new ArrayList<>();
        var props = KafkaSettings.consumer(kafka.bootstrap(), "check-" + scan, "test", 100, 300_000);
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props)) {
            consumer.subscribe(List.of(Topics.DNS_RESULTS.name()));
            long deadline = System.currentTimeMillis() + 60_000;
            while (order.size() < BUSY + FREE && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    DnsResult d = Topics.DNS_RESULTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (d.scanId().equals(scan)) {
                        order.add(d.domain());
                    }
                }
            }
        } finally {
            runner.close();
            t.join(30_000);
        }
        return order;
    }
}
