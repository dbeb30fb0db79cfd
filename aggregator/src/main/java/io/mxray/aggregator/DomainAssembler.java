package io.mxray.aggregator;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;

import io.mxray.schema.DomainResult;
import io.mxray.schema.JsonSerde;
import java.time.Clock;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The domain side of the join, partitioned by domain key: collects the DNS result and the
 * verdicts of its probes, in whatever order they come, and emits the domain's result once all
 * are there. A replayed message for a finished domain is recognized and changes nothing.
 */
final class DomainAssembler implements Processor<String, DomainEvent, String, DomainResult> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DomainAssembler.class);
    static final String STATE = "domain-state";
    /** Domains waiting for probe results, by (time their DNS result arrived, domain key). */
    static final String PENDING = "domain-pending";

    private final Clock clock;
    private final AggregatorConfig config;
    private ProcessorContext<String, DomainResult> context;
    private KeyValueStore<String, DomainState> states;
    private KeyValueStore<String, String> pending;

    private DomainAssembler(AggregatorConfig config) {
        this.clock = config.clock();
        this.config = config;
    }

    static ProcessorSupplier<String, DomainEvent, String, DomainResult> supplier(AggregatorConfig config) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, DomainEvent, String, DomainResult> get() {
                return new DomainAssembler(config);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE), Serdes.String(),
                        new JsonSerde<>(DomainState.class)),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING), Serdes.String(),
                                Serdes.String()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, DomainResult> context) {
        this.context = context;
        this.states = context.getStateStore(STATE);
        this.pending = context.getStateStore(PENDING);
        context.schedule(config.sweepEvery(), org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME,
                this::sweep);
    }

    /** Sorts by time as text: zero-padded milliseconds, then the domain key. */
    static String pendingKey(long atMs, String domainKey) {
        return String.format("%019d|%s", atMs, domainKey);
    }

    /**
     * Finalizes as incomplete every domain whose DNS result came more than the probe wait ago and
     * whose probes have not all answered; a probe result that arrives later changes nothing.
     */
    private void sweep(long nowMs) {
        String to = pendingKey(nowMs - config.probeWait().toMillis(), "\uffff");
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, String> it = pending.range(pendingKey(0, ""), to)) {
            while (it.hasNext()) {
                var kv = it.next();
                expired.add(kv.key);
                DomainState state = states.get(kv.value);
                if (state == null || state.finalized() || state.dns() == null) {
                    continue;
                }
                DomainResult result = DomainVerdicts.incomplete(state.dns(), state.verdicts(), clock.instant());
                LOG.warn("{}: finalized incomplete, no result from {}", kv.value, result.missingProbes());
                context.forward(new Record<>(kv.value, result, nowMs));
                states.put(kv.value, DomainState.done());
            }
        }
        expired.forEach(pending::delete);
    }

    @Override
    public void process(Record<String, DomainEvent> record) {
        String key = record.key();
        if (key == null || record.value() == null) {
            return;
        }
        DomainState state = states.get(key);
        if (state != null && state.finalized()) {
            return;
        }
        boolean hadDns = state != null && state.dns() != null;
        state = (state == null ? DomainState.empty() : state).with(record.value());
        if (!hadDns && state.dns() != null) {
            long now = context.currentSystemTimeMs();
            state = state.dnsArrivedAt(now);
            pending.put(pendingKey(now, key), key);
        }
        if (state.complete()) {
            DomainResult result;
            try {
                result = DomainVerdicts.assemble(state.dns(), state.verdicts(), clock.instant());
            } catch (RuntimeException e) {
                // a bug must not stop the aggregator (nor loop on this record): the domain gets a row
                // that says what went wrong
                LOG.error("assembling {} failed; its row records the error", key, e);
                result = DomainVerdicts.failed(state.dns(), clock.instant(), e);
            }
            context.forward(record.withValue(result));
            states.put(key, DomainState.done());
            if (state.dnsAtMs() > 0) {
                pending.delete(pendingKey(state.dnsAtMs(), key));
            }
        } else {
            states.put(key, state);
        }
    }
}
