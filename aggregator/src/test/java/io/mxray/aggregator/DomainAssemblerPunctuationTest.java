package io.mxray.aggregator;

import static io.mxray.verdict.Fixtures.dns;
import static io.mxray.verdict.Fixtures.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.runtime.JsonSerde;
import io.mxray.schema.CertType;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DomainResult;
import io.mxray.schema.Level;
import io.mxray.schema.PolicyResult;
import io.mxray.schema.ProbeResult;
import io.mxray.verdict.Fixtures;
import io.mxray.verdict.ProbeVerdict;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The assembler punctuates only while domains wait: every punctuation makes Kafka Streams commit
 * the task, a transaction under exactly-once, so an idle aggregator with a punctuation every 20 ms
 * made a transaction every commit interval for as long as it ran.
 */
class DomainAssemblerPunctuationTest {
    private static final Duration SWEEP = Duration.ofSeconds(10);
    private final ProbeArrivals arrivals = new ProbeArrivals();
    private MockProcessorContext<String, DomainResult> context;
    private Processor<String, DnsResult, String, DomainResult> assembler;
    private KeyValueStore<String, ProbeVerdict> verdicts;

    @BeforeEach
    void setUp() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(1_000L); // wall-clock time, never 0 in a running task
        store(DomainAssembler.STATE, new JsonSerde<>(DomainState.class));
        store(DomainAssembler.PENDING, Serdes.String());
        verdicts = store(VerdictKeeper.STORE, new JsonSerde<>(ProbeVerdict.class));
        store(VerdictKeeper.POLICY_STORE, new JsonSerde<>(PolicyResult.class));
        assembler = DomainAssembler.supplier(new AggregatorConfig(Clock.fixed(Fixtures.T, ZoneOffset.UTC),
                Duration.ofMinutes(30), SWEEP), arrivals).get();
        assembler.init(context);
    }

    private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
        KeyValueStore<String, V> s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(),
                values).withLoggingDisabled().build();
        s.init(context.getStateStoreContext(), s);
        context.addStateStore(s);
        return s;
    }

    private List<CapturedPunctuator> active(Duration every) {
        return context.scheduledPunctuators().stream()
                .filter(p -> !p.cancelled() && p.getInterval().equals(every)).toList();
    }

    @Test
    void punctuationsRunOnlyWhileADomainWaits() {
        assertEquals(List.of(), active(DomainAssembler.ARRIVALS_EVERY), "nothing waits: no arrivals punctuation");
        assertEquals(1, active(SWEEP).size(), "only the first prune, once, soon after the start");

        DnsResult d = dns("a.example", "mx.a.example=192.0.2.1");
        assembler.process(new Record<>(d.key(), d, 0L));
        assertEquals(1, active(DomainAssembler.ARRIVALS_EVERY).size(), "a.example waits for its probe");
        assertEquals(2, active(SWEEP).size(), "the sweep too, beside the first prune");

        ProbeResult p = probe("192.0.2.1", "mx.a.example", Level.VERIFIED, CertType.CA_VALID);
        verdicts.put(p.probeKey(), ProbeVerdict.of(p));
        arrivals.arrived(p.probeKey());
        active(DomainAssembler.ARRIVALS_EVERY).get(0).getPunctuator().punctuate(20L);
        assertEquals(1, context.forwarded().size(), "the arrival completed a.example");
        assertEquals(List.of(), active(DomainAssembler.ARRIVALS_EVERY), "nothing waits any more");
        assertEquals(1, active(SWEEP).size(), "the sweep stopped too");

        active(SWEEP).get(0).getPunctuator().punctuate(10_000L);
        assertEquals(List.of(), active(SWEEP), "the first prune ran and gave way to the hourly one");
        assertEquals(1, active(DomainAssembler.PRUNE_EVERY).size());

        DnsResult e = dns("b.example", "mx.b.example=192.0.2.2");
        assembler.process(new Record<>(e.key(), e, 30L));
        assertEquals(1, active(DomainAssembler.ARRIVALS_EVERY).size(), "the next waiting domain starts them again");
        assertTrue(active(SWEEP).size() == 1);
    }
}
