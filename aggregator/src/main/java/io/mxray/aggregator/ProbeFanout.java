package io.mxray.aggregator;

import io.mxray.schema.JsonSerde;
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
 * The probe side of the join, partitioned by probe key. A probe's verdict is kept for the scan;
 * every domain that subscribes gets it, whether it subscribes before the verdict arrives (it
 * waits in the subscriber list) or after (it is answered at once). This is how one probe of a
 * shared MX host serves every domain that points at it.
 */
final class ProbeFanout implements Processor<String, ProbeEvent, String, DomainEvent> {
    static final String VERDICTS = "probe-verdicts";
    static final String SUBSCRIBERS = "probe-subscribers";

    private ProcessorContext<String, DomainEvent> context;
    private KeyValueStore<String, ProbeVerdict> verdicts;
    private KeyValueStore<String, Subscribers> subscribers;
    /** How many verdicts {@link #recent} holds: the providers that many domains share stay there. */
    static final int RECENT_VERDICTS = 10_000;
    /**
     * The verdicts this processor read or wrote most recently, as objects, exactly as in
     * {@link #verdicts}: a shared provider's verdict is asked for by every domain that points at
     * it, and reading it from here saves decoding it each time. Emptied whenever the task is
     * initialized or closed (as after an aborted transaction); the store stays the truth.
     */
    private final java.util.Map<String, ProbeVerdict> recent = new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, ProbeVerdict> eldest) {
            return size() > RECENT_VERDICTS;
        }
    };

    static ProcessorSupplier<String, ProbeEvent, String, DomainEvent> supplier() {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, ProbeEvent, String, DomainEvent> get() {
                return new ProbeFanout();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VERDICTS), Serdes.String(),
                                new JsonSerde<>(ProbeVerdict.class)),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SUBSCRIBERS), Serdes.String(),
                                new JsonSerde<>(Subscribers.class)));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, DomainEvent> context) {
        recent.clear();
        this.context = context;
        this.verdicts = context.getStateStore(VERDICTS);
        this.subscribers = context.getStateStore(SUBSCRIBERS);
    }

    @Override
    public void process(Record<String, ProbeEvent> record) {
        String probeKey = record.key();
        ProbeEvent event = record.value();
        if (probeKey == null || event == null) {
            return;
        }
        if (event.subscriber() != null) {
            ProbeVerdict known = recent.get(probeKey);
            if (known == null) {
                known = verdicts.get(probeKey);
                if (known != null) {
                    recent.put(probeKey, known);
                }
            }
            if (known != null) {
                context.forward(record.withKey(event.subscriber()).withValue(DomainEvent.probe(known)));
            } else {
                Subscribers s = subscribers.get(probeKey);
                subscribers.put(probeKey, (s == null ? new Subscribers(java.util.List.of()) : s).with(event.subscriber()));
            }
            return;
        }
        verdicts.put(probeKey, event.verdict());
        recent.put(probeKey, event.verdict());
        Subscribers waiting = subscribers.get(probeKey);
        if (waiting != null) {
            for (String domainKey : waiting.domainKeys()) {
                context.forward(record.withKey(domainKey).withValue(DomainEvent.probe(event.verdict())));
            }
            subscribers.delete(probeKey);
        }
    }

    @Override
    public void close() {
        recent.clear();
    }
}
