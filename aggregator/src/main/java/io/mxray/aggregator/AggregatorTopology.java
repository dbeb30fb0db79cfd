package io.mxray.aggregator;

import io.mxray.schema.DnsResult;
import io.mxray.schema.JsonSerde;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.Topics;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The aggregator's topology, built by a pure function so that TopologyTestDriver can run it.
 *
 * <pre>
 * dns-results ──flatMap(probe key → subscribe)──▶ repartition "probe-subscriptions" ─┐
 * smtp-results ──mapValues(verdict)────────────────────────────────────────────────── merge ─▶ ProbeFanout
 *   ProbeFanout ──(domain key → verdict)──▶ repartition "probe-deliveries" ─┐
 * dns-results ──mapValues(dns)──────────────────────────────────────────────── merge ─▶ DomainAssembler ─▶ domain-results
 * </pre>
 *
 * Both sides of each merge are partitioned by the same key with the same partition count, so
 * the stores of one task hold everything about their keys.
 */
public final class AggregatorTopology {
    private AggregatorTopology() {
    }

    public static void build(StreamsBuilder builder, AggregatorConfig config) {
        var dnsTopic = Topics.DNS_RESULTS;
        var smtpTopic = Topics.SMTP_RESULTS;
        KStream<String, DnsResult> dns = builder.stream(dnsTopic.name(),
                Consumed.with(dnsTopic.keySerde(), dnsTopic.valueSerde()).withName("dns-results"));
        KStream<String, ProbeResult> probes = builder.stream(smtpTopic.name(),
                Consumed.with(smtpTopic.keySerde(), smtpTopic.valueSerde()).withName("smtp-results"));

        KStream<String, ProbeEvent> subscriptions = dns
                .flatMap((domainKey, d) -> subscriptions(domainKey, d))
                .repartition(Repartitioned.with(Serdes.String(), new JsonSerde<>(ProbeEvent.class))
                        .withName("probe-subscriptions").withNumberOfPartitions(config.partitions()));
        KStream<String, ProbeEvent> verdicts = probes
                .mapValues(r -> ProbeEvent.verdict(ProbeVerdict.of(r)));

        KStream<String, DomainEvent> deliveries = subscriptions.merge(verdicts)
                .process(ProbeFanout.supplier())
                .repartition(Repartitioned.with(Serdes.String(), new JsonSerde<>(DomainEvent.class))
                        .withName("probe-deliveries").withNumberOfPartitions(config.partitions()));

        var out = Topics.DOMAIN_RESULTS;
        dns.mapValues(DomainEvent::dns)
                .merge(deliveries)
                .process(DomainAssembler.supplier(config))
                .to(out.name(), Produced.with(out.keySerde(), out.valueSerde()).withName("domain-results"));
    }

    private static List<KeyValue<String, ProbeEvent>> subscriptions(String domainKey, DnsResult d) {
        String key = domainKey != null ? domainKey : d.key();
        return d.probeKeys().stream().map(pk -> KeyValue.pair(pk, ProbeEvent.subscribe(key))).toList();
    }
}
