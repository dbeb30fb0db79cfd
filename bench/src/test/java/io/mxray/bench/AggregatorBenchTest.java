package io.mxray.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.aggregator.AggregatorConfig;
import io.mxray.aggregator.AggregatorTopology;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/** bench aggregator replays what the aggregator reads. */
class AggregatorBenchTest {
    @Test
    void aReplayWritesEveryTopicTheAggregatorsTopologyReads() {
        StreamsBuilder builder = new StreamsBuilder();
        AggregatorTopology.build(builder, new AggregatorConfig(Clock.systemUTC()));
        TopologyDescription topology = builder.build().describe();
        Set<String> read = new TreeSet<>();
        topology.subtopologies().forEach(s -> s.nodes().forEach(n -> {
            if (n instanceof TopologyDescription.Source source) {
                read.addAll(source.topicSet());
            }
        }));
        topology.globalStores().forEach(g -> read.addAll(g.source().topicSet()));
        assertTrue(read.size() >= 3, "the topology's inputs were found: " + read);
        assertTrue(AggregatorBench.RECORDED.containsAll(read),
                "recorded " + AggregatorBench.RECORDED + ", the topology reads " + read);
    }
}
