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
    /**
     * The states of domains still waiting, as objects, exactly as last written to {@link #states}
     * by this processor since its {@link #init}: a domain's state is written when its DNS result
     * comes and read back when its probes' verdicts do, and reading it from here saves decoding
     * the whole DNS result again. The store stays the truth (it is what a restart or another
     * instance restores); this map only ever holds what was put there, and is emptied whenever the
     * task is initialized or closed, as after an aborted transaction.
     */
    private final java.util.Map<String, DomainState> waiting = new java.util.HashMap<>();

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
        waiting.clear();
        this.context = context;
        this.states = context.getStateStore(STATE);
        this.pending = context.getStateStore(PENDING);
        context.schedule(config.sweepEvery(), org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME,
                this::sweep);
    }

    @Override
    public void close() {
        waiting.clear();
    }

    private DomainState state(String key) {
        DomainState s = waiting.get(key);
        return s != null ? s : states.get(key);
    }

    private void put(String key, DomainState state) {
        states.put(key, state);
        if (state.finalized()) {
            waiting.remove(key);
        } else {
            waiting.put(key, state);
        }
    }

    private static final String ZEROS = "0000000000000000000";

    /** Sorts by time as text: milliseconds zero-padded to 19 digits, then the domain key. */
    static String pendingKey(long atMs, String domainKey) {
        String ms = Long.toString(atMs);
        if (atMs < 0) {
            return String.format("%019d|%s", atMs, domainKey); // never in practice: times are after 1970
        }
        return new StringBuilder(20 + domainKey.length()).append(ZEROS, 0, 19 - ms.length()).append(ms).append('|')
                .append(domainKey).toString();
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
                DomainState state = state(kv.value);
                if (state == null || state.finalized() || state.dns() == null) {
                    continue;
                }
                DomainResult result = DomainVerdicts.incomplete(state.dns(), state.verdicts(), clock.instant());
                LOG.warn("{}: finalized incomplete, no result from {}", kv.value, result.missingProbes());
                context.forward(new Record<>(kv.value, result, nowMs));
                put(kv.value, DomainState.done());
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
        DomainState state = state(key);
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
            put(key, DomainState.done());
            if (state.dnsAtMs() > 0) {
                pending.delete(pendingKey(state.dnsAtMs(), key));
            }
        } else {
            put(key, state);
        }
    }
}
