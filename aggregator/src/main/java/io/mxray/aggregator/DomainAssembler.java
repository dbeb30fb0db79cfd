package io.mxray.aggregator;

import io.mxray.runtime.JsonSerde;
import io.mxray.runtime.Metrics;
import io.mxray.schema.DnsResult;
import io.mxray.schema.PolicyResult;
import io.mxray.schema.DomainResult;
import io.mxray.schema.Keys;
import io.mxray.verdict.DomainVerdicts;
import io.mxray.verdict.ProbeVerdict;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles each domain, partitioned by domain key: takes its DNS result, looks up the verdicts of
 * its probes in the global verdict store ({@link VerdictKeeper}), and emits the domain's result as
 * soon as all are there: at once when its MX hosts were probed already (most domains share
 * their hosts), else when the missing verdicts arrive ({@link ProbeArrivals} says which; every
 * {@link #ARRIVALS_EVERY} and before each record the inbox is drained). A replayed DNS result of
 * a finished domain is recognized and changes nothing.
 *
 * <p>The two wall-clock punctuations (arrivals, sweep) are scheduled only while domains of this
 * task wait: Kafka Streams marks a task as needing a commit after every punctuation, and under
 * exactly-once that is a transaction each commit interval, with its markers, for as long as the
 * aggregator runs. With nothing waiting there is nothing for them to do.
 */
final class DomainAssembler implements Processor<String, DnsResult, String, DomainResult> {
    private static final Logger LOG = LoggerFactory.getLogger(DomainAssembler.class);
    static final String STATE = "domain-state";
    /** Domains waiting for probe results, by (time their DNS result arrived, domain key). */
    static final String PENDING = "domain-pending";
    /** How often arrived verdicts are looked for while no DNS result comes in. */
    static final Duration ARRIVALS_EVERY = Duration.ofMillis(20);

    private final Clock clock;
    private final AggregatorConfig config;
    private final ProbeArrivals arrivals;
    private ProcessorContext<String, DomainResult> context;
    private KeyValueStore<String, DomainState> states;
    private KeyValueStore<String, String> pending;
    private ReadOnlyKeyValueStore<String, ProbeVerdict> verdicts;
    private ReadOnlyKeyValueStore<String, PolicyResult> policies;
    private Queue<String> inbox;
    /**
     * The states of domains still waiting, as objects, exactly as last written to {@link #states}
     * by this processor since its {@link #init}: reading them from here saves decoding the whole
     * DNS result again when a verdict arrives. The store stays the truth (it is what a restart or
     * another instance restores); this map only ever holds what was put there, and is emptied
     * whenever the task is initialized or closed, as after an aborted transaction.
     */
    private final Map<String, DomainState> waiting = new HashMap<>();
    /** Domains of this task waiting for verdicts, as counted in the in-flight gauge. */
    private int counted;
    /** How often old scans' entries are pruned; the first prune comes one sweep period after init. */
    static final Duration PRUNE_EVERY = Duration.ofHours(1);
    private Cancellable firstPrune;
    /** The punctuations while domains wait (null: none scheduled). */
    private Cancellable arrivalsPunctuation;
    private Cancellable sweepPunctuation;

    /**
     * Forgets the domains of scans started before {@code before} (their "done" entries, kept so
     * that a replayed DNS result changes nothing): no DNS result that old is replayed any more
     * ({@code dns-results} keeps 7 days, as the verdict store does, {@link VerdictKeeper#HORIZON}),
     * and without this the store would grow by one entry per domain of every scan, for ever.
     * Domain keys begin with the scan id, which begins with its start time: one range.
     */
    int prune(Instant before) {
        String to = Keys.scanIdTime(before);
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, DomainState> it = states.range("0", to)) {
            while (it.hasNext()) {
                old.add(it.next().key);
            }
        }
        for (String k : old) {
            states.delete(k);
            waiting.remove(k);
        }
        return old.size();
    }

    /** Probe key to the domains of this task waiting for its verdict; rebuilt from the stores on init. */
    private final Map<String, Set<String>> waitingFor = new HashMap<>();

    private DomainAssembler(AggregatorConfig config, ProbeArrivals arrivals) {
        this.clock = config.clock();
        this.config = config;
        this.arrivals = arrivals;
    }

    static ProcessorSupplier<String, DnsResult, String, DomainResult> supplier(AggregatorConfig config,
                                                                              ProbeArrivals arrivals) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, DnsResult, String, DomainResult> get() {
                return new DomainAssembler(config, arrivals);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // cached: a domain that waits and becomes final within one commit interval (most that
                // wait at all) writes only its final "done" entry to RocksDB and the changelog, not
                // each state on the way
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE), Serdes.String(),
                        new JsonSerde<>(DomainState.class)).withCachingEnabled(),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING), Serdes.String(),
                                Serdes.String()).withCachingEnabled());
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, DomainResult> context) {
        waiting.clear();
        waitingFor.clear();
        this.context = context;
        this.states = context.getStateStore(STATE);
        this.pending = context.getStateStore(PENDING);
        this.verdicts = context.getStateStore(VerdictKeeper.STORE);
        this.policies = context.getStateStore(VerdictKeeper.POLICY_STORE);
        // the inbox first, then the stores: a verdict written after this point is announced, one
        // written before is found below
        arrivals.unregister(inbox);
        this.inbox = arrivals.register();
        try (KeyValueIterator<String, String> it = pending.all()) {
            while (it.hasNext()) {
                String domainKey = it.next().value;
                DomainState state = states.get(domainKey);
                if (state != null && !state.finalized() && state.dns() != null) {
                    inFlight(+1);
                    state.missing().forEach(k -> waitingFor.computeIfAbsent(k, x -> new HashSet<>())
                            .add(domainKey));
                }
            }
        }
        inbox.addAll(waitingFor.keySet());
        arrivalsPunctuation = null;
        sweepPunctuation = null;
        punctuateWhileWaiting();
        // soon after a start (a short-lived aggregator prunes too), then hourly: a punctuation
        // means a transaction, so the rare one is the only one an idle aggregator makes
        firstPrune = context.schedule(config.sweepEvery(), PunctuationType.WALL_CLOCK_TIME, now -> {
            firstPrune.cancel();
            prune(clock.instant().minus(VerdictKeeper.HORIZON));
            context.schedule(PRUNE_EVERY, PunctuationType.WALL_CLOCK_TIME,
                    later -> prune(clock.instant().minus(VerdictKeeper.HORIZON)));
        });
    }

    /** Schedules the punctuations when domains wait and none are scheduled. */
    private void punctuateWhileWaiting() {
        if (counted > 0 && arrivalsPunctuation == null) {
            sweepPunctuation = context.schedule(config.sweepEvery(), PunctuationType.WALL_CLOCK_TIME, this::sweep);
            arrivalsPunctuation = context.schedule(ARRIVALS_EVERY, PunctuationType.WALL_CLOCK_TIME,
                    now -> punctuateArrivals());
        }
    }

    private void punctuateArrivals() {
        deliverArrivals();
        if (counted == 0 && arrivalsPunctuation != null) {
            arrivalsPunctuation.cancel();
            sweepPunctuation.cancel();
            arrivalsPunctuation = null;
            sweepPunctuation = null;
        }
    }

    /** Whether the punctuations are scheduled (tests). */
    boolean punctuating() {
        return arrivalsPunctuation != null;
    }

    @Override
    public void close() {
        inFlight(-counted);
        arrivals.unregister(inbox);
        inbox = null;
        waiting.clear();
        waitingFor.clear();
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
        deliverArrivals(); // what has arrived counts
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
                DomainResult result = DomainVerdicts.incomplete(state.dns(), state.verdicts(), state.policy(),
                        clock.instant());
                LOG.warn("{}: finalized incomplete, no result from {}", kv.value, result.missingProbes());
                context.forward(new Record<>(kv.value, result, nowMs));
                put(kv.value, DomainState.done());
                inFlight(-1);
                for (String k : state.missing()) {
                    var domains = waitingFor.get(k);
                    if (domains != null && domains.remove(kv.value) && domains.isEmpty()) {
                        waitingFor.remove(k);
                    }
                }
            }
        }
        expired.forEach(pending::delete);
    }

    @Override
    public void process(Record<String, DnsResult> record) {
        deliverArrivals();
        Metrics.ITEMS_IN.labelValues(STAGE).inc();
        String key = record.key();
        DnsResult dns = record.value();
        if (key == null || dns == null) {
            return;
        }
        DomainState state = state(key);
        if (state != null && state.finalized()) {
            return;
        }
        boolean hadDns = state != null && state.dns() != null;
        state = (state == null ? DomainState.empty() : state).withDns(dns);
        List<String> missing = new ArrayList<>();
        for (String k : state.missing()) {
            DomainState found = arrived(state, k);
            if (found != null) {
                state = found;
            } else {
                missing.add(k);
            }
        }
        if (missing.isEmpty()) {
            emit(key, state, record.timestamp());
            return;
        }
        if (!hadDns) {
            long now = context.currentSystemTimeMs();
            state = state.dnsArrivedAt(now);
            pending.put(pendingKey(now, key), key);
            inFlight(+1);
        }
        put(key, state);
        for (String k : missing) {
            waitingFor.computeIfAbsent(k, x -> new HashSet<>()).add(key);
        }
        punctuateWhileWaiting();
    }

    /** The state with the result of {@code key} from its store, or null when it has not arrived. */
    private DomainState arrived(DomainState state, String key) {
        if (state.isPolicy(key)) {
            PolicyResult p = policies.get(key);
            return p == null ? null : state.withPolicy(p);
        }
        ProbeVerdict v = verdicts.get(key);
        return v == null ? null : state.withVerdict(key, v);
    }

    /** Hands every verdict announced since the last call to the domains of this task waiting for it. */
    private void deliverArrivals() {
        if (inbox == null) {
            return;
        }
        for (String probeKey; (probeKey = inbox.poll()) != null; ) {
            Set<String> domains = waitingFor.get(probeKey);
            if (domains == null) {
                continue;
            }
            ProbeVerdict v = verdicts.get(probeKey);
            PolicyResult p = v == null ? policies.get(probeKey) : null;
            if (v == null && p == null) {
                continue; // announced at init for a check: still missing, still waited for
            }
            waitingFor.remove(probeKey);
            long now = context.currentSystemTimeMs();
            for (String domainKey : domains) {
                DomainState state = state(domainKey);
                if (state == null || state.finalized() || state.dns() == null) {
                    continue;
                }
                state = v != null ? state.withVerdict(probeKey, v) : state.withPolicy(p);
                if (state.complete()) {
                    emit(domainKey, state, now);
                } else {
                    put(domainKey, state);
                }
            }
        }
    }

    /** The domain's result downstream; from now on it is only remembered as final. */
    private void emit(String key, DomainState state, long timestamp) {
        DomainResult result;
        try {
            result = DomainVerdicts.assemble(state.dns(), state.verdicts(), state.policy(), clock.instant());
        } catch (RuntimeException e) {
            // a bug must not stop the aggregator (nor loop on this record): the domain gets a row
            // that says what went wrong
            LOG.error("assembling {} failed; its row records the error", key, e);
            result = DomainVerdicts.failed(state.dns(), clock.instant(), e);
        }
        context.forward(new Record<>(key, result, timestamp));
        put(key, DomainState.done());
        long waited = 0;
        if (state.dnsAtMs() > 0) {
            pending.delete(pendingKey(state.dnsAtMs(), key));
            inFlight(-1);
            waited = Math.max(0, context.currentSystemTimeMs() - state.dnsAtMs());
        }
        Metrics.ITEM_SECONDS.labelValues(STAGE).observe(waited / 1000.0);
    }

    /** The stage's name in the metrics. */
    static final String STAGE = "aggregator";

    /** Domains waiting for verdicts are the aggregator's items in flight. */
    private void inFlight(int delta) {
        if (delta != 0) {
            counted += delta;
            Metrics.IN_FLIGHT.labelValues(STAGE).inc(delta);
        }
    }
}
