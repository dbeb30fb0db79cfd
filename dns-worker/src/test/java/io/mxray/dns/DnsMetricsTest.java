package io.mxray.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenarios;
import io.mxray.schema.DomainTask;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The DNS worker's gauges and query figures, as an operator scrapes them, against a lab with latency. */
class DnsMetricsTest {
    private static final Duration DELAY = Duration.ofMillis(150);

    @Test
    void lookupsWaitingForPermitsAndEveryQueryWithItsTimeAreShown() throws Exception {
        try (Lab lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")).withLatency(DELAY, Duration.ZERO))) {
            DnsConfig config = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                    .withTrustAnchor(lab.trustAnchorFile()).withLimits(16, 8, 2, 100); // two lookups at a time
            try (Resolvers resolvers = Resolvers.create(config, Clock.systemUTC())) {
                DnsStage stage = resolvers.stage(config, Clock.systemUTC());
                DnsMetrics.watch(stage, resolvers.direct(), resolvers.health());
                String before = scrape();
                List<CompletableFuture<?>> running = new ArrayList<>();
                List<String> domains = Scenarios.catalogue().stream().map(s -> s.domain()).limit(12).toList();
                for (int i = 0; i < domains.size(); i++) {
                    running.add(stage.resolve(new DomainTask("metrics-test", domains.get(i), null, i)).toCompletableFuture());
                }
                // twelve domains' first lookups against two permits: ten wait while two are answered
                String during = scrape();
                assertEquals(2.0, sample(during, "mxray_dns_lookups{state=\"in-flight\"}"), during);
                assertTrue(sample(during, "mxray_dns_lookups{state=\"waiting\"}") >= 8, during);
                assertTrue(sample(during, "mxray_dns_queries_outstanding") >= 1, during);
                CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);

                String after = scrape();
                assertEquals(1.0, sample(after, "mxray_dns_resolver_up"), "the lab's resolver passes");
                assertEquals(0.0, sample(after, "mxray_dns_lookups{state=\"in-flight\"}"), after);
                assertEquals(0.0, sample(after, "mxray_dns_lookups{state=\"waiting\"}"), after);
                assertEquals(0.0, sample(after, "mxray_dns_queries_outstanding"), after);
                double queries = sample(after, "mxray_dns_queries_total") - sample(before, "mxray_dns_queries_total");
                double answered = sample(after, "mxray_dns_query_duration_seconds_count")
                        - sample(before, "mxray_dns_query_duration_seconds_count");
                double seconds = sample(after, "mxray_dns_query_duration_seconds_sum")
                        - sample(before, "mxray_dns_query_duration_seconds_sum");
                double timeouts = sample(after, "mxray_dns_query_timeouts_total")
                        - sample(before, "mxray_dns_query_timeouts_total");
                assertTrue(queries >= domains.size(), "at least an MX query per domain: " + queries);
                assertEquals(queries, answered + timeouts, "every query answered or timed out");
                assertTrue(seconds / answered >= DELAY.toMillis() / 1000.0,
                        "no answer before the lab's latency: mean " + seconds / answered);
                assertTrue(sample(after, "mxray_dns_query_duration_seconds_bucket{le=\"0.1\"}")
                        - sample(before, "mxray_dns_query_duration_seconds_bucket{le=\"0.1\"}") == 0,
                        "none within 100 ms when every answer waits 150 ms");
            }
        }
    }

    private static String scrape() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, PrometheusRegistry.defaultRegistry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The value of one series line, 0 when absent (a counter not yet touched). */
    private static double sample(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return 0;
    }
}
