package io.mxray.aggregator;

import io.mxray.schema.Keys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps a global store of results a domain waits for (probe verdicts; MTA-STS policy fetches): every instance of the aggregator reads all of
 * {@code smtp-results} into it (the verdict part only, never the chain), so that a domain's
 * verdicts are looked up where the domain is, without sending subscriptions and deliveries
 * through two repartition topics. A probe answered again (a worker replaying its input) replaces
 * its verdict; domains assembled later get the last one. Verdicts of scans older than
 * {@link #HORIZON} are dropped (probe keys begin with the scan id, which begins with its start
 * time, so they are one range of keys), about once an hour.
 */
final class VerdictKeeper<V> implements Processor<String, V, Void, Void> {
    static final String STORE = "probe-verdicts";
    /** The MTA-STS policy fetches, kept as the probe verdicts are (policy keys begin with the scan id too). */
    static final String POLICY_STORE = "policy-results";
    /** How long verdicts are kept: the broker's default retention of {@code smtp-results}. */
    static final Duration HORIZON = Duration.ofDays(7);
    private static final long PRUNE_EVERY_NANOS = Duration.ofHours(1).toNanos();

    private final ProbeArrivals arrivals;
    private final Clock clock;
    private final String storeName;
    private KeyValueStore<String, V> store;
    private long nextPrune;

    VerdictKeeper(String storeName, ProbeArrivals arrivals, Clock clock) {
        this.storeName = storeName;
        this.arrivals = arrivals;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        nextPrune = System.nanoTime();
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        store.put(record.key(), record.value());
        arrivals.arrived(record.key());
        if (System.nanoTime() - nextPrune >= 0) {
            nextPrune = System.nanoTime() + PRUNE_EVERY_NANOS;
            prune(clock.instant().minus(HORIZON));
        }
    }

    /** Deletes the verdicts of scans started before {@code before}. */
    void prune(Instant before) {
        String to = Keys.scanIdTime(before);
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.range("0", to)) {
            while (it.hasNext()) {
                old.add(it.next().key);
            }
        }
        old.forEach(store::delete);
    }
}
