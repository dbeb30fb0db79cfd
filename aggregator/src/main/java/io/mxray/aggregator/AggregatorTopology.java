package io.mxray.aggregator;

import io.mxray.runtime.JsonSerde;
import io.mxray.runtime.Topics;
import io.mxray.schema.PolicyResult;
import io.mxray.verdict.ProbeVerdict;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The aggregator's topology, built by a pure function so that TopologyTestDriver can run it.
 *
 * <pre>
 * smtp-results ──(verdict part)──▶ global store "probe-verdicts" (every instance holds all)
 *                                        │ looked up, and announced on arrival
 * dns-results ──▶ DomainAssembler (by domain key) ──▶ domain-results
 * </pre>
 *
 * A probe's verdict is read by every instance into its global store; a domain is assembled
 * where its DNS result is, from the verdicts of its probes in that store. Probes are few against
 * domains (one MX host serves ten domains on average), so holding all verdicts everywhere costs
 * less than sending each domain's subscriptions and deliveries through repartition topics, and a
 * domain whose hosts were probed already is final as soon as its DNS result is read.
 */
public final class AggregatorTopology {
    private AggregatorTopology() {
    }

    public static void build(StreamsBuilder builder, AggregatorConfig config) {
        ProbeArrivals arrivals = new ProbeArrivals();
        // the smtp-results messages are read as verdicts directly: the JSON names of ProbeVerdict's
        // fields are those of ProbeResult, and the rest (the chain, the session) is skipped unread
        // a message the verdict store cannot read is skipped (read as null): the global thread cannot be
        // replaced if it fails, and the database writer dead-letters that message once for all instances
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VerdictKeeper.STORE),
                        Serdes.String(), new JsonSerde<>(ProbeVerdict.class)).withLoggingDisabled(),
                Topics.SMTP_RESULTS.name(),
                Consumed.with(Serdes.String(), Serdes.serdeFrom(new JsonSerde<>(ProbeVerdict.class),
                        new LenientReader<>(new JsonSerde<>(ProbeVerdict.class)))).withName("smtp-results"),
                () -> new VerdictKeeper<ProbeVerdict>(VerdictKeeper.STORE, arrivals, config.clock()));
        var policies = Topics.POLICY_RESULTS;
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VerdictKeeper.POLICY_STORE),
                        Serdes.String(), policies.valueSerde()).withLoggingDisabled(),
                policies.name(),
                Consumed.with(Serdes.String(), Serdes.serdeFrom(policies.valueSerde().serializer(),
                        new LenientReader<>(policies.valueSerde().deserializer()))).withName("policy-results"),
                () -> new VerdictKeeper<PolicyResult>(VerdictKeeper.POLICY_STORE, arrivals, config.clock()));
        var dnsTopic = Topics.DNS_RESULTS;
        var out = Topics.DOMAIN_RESULTS;
        builder.stream(dnsTopic.name(), Consumed.with(dnsTopic.keySerde(), dnsTopic.valueSerde()).withName("dns-results"))
                .process(DomainAssembler.supplier(config, arrivals))
                .to(out.name(), Produced.with(out.keySerde(), out.valueSerde()).withName("domain-results"));
    }
}
