package io.mxray.aggregator;

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
    static final String STATE = "domain-state";

    private final Clock clock;
    private ProcessorContext<String, DomainResult> context;
    private KeyValueStore<String, DomainState> states;

    private DomainAssembler(Clock clock) {
        this.clock = clock;
    }

    static ProcessorSupplier<String, DomainEvent, String, DomainResult> supplier(Clock clock) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, DomainEvent, String, DomainResult> get() {
                return new DomainAssembler(clock);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE), Serdes.String(),
                        new JsonSerde<>(DomainState.class)));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, DomainResult> context) {
        this.context = context;
        this.states = context.getStateStore(STATE);
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
        state = (state == null ? DomainState.empty() : state).with(record.value());
        if (state.complete()) {
            DomainResult result = DomainVerdicts.assemble(state.dns(), state.verdicts(), clock.instant());
            context.forward(record.withValue(result));
            states.put(key, DomainState.done());
        } else {
            states.put(key, state);
        }
    }
}
