package io.mxray.dns;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.function.IntSupplier;

/**
 * The DNS worker's own gauges beside the stages' common ones: where its lookups are. A stage
 * whose lookups keep waiting for permits is limited by {@code --dns-in-flight}; one whose queries
 * stay unanswered long is limited by the resolver.
 *
 * <ul>
 *   <li>{@code mxray_dns_lookups{state="in-flight"}}: lookups holding a permit (with the
 *       validation they start);</li>
 *   <li>{@code mxray_dns_lookups{state="waiting"}}: lookups waiting for a permit;</li>
 *   <li>{@code mxray_dns_resolver_up}: 1 while the resolver passes its check ({@link ResolverHealth}),
 *       0 while it fails and the worker waits;</li>
 *   <li>{@code mxray_dns_queries_outstanding}: queries sent to the resolver and not yet answered,
 *       the validator's own included;</li>
 *   <li>{@code mxray_dns_query_timeouts_total}: queries that got no answer in time;</li>
 *   <li>{@code mxray_dns_queries_total} and {@code mxray_dns_query_duration_seconds}: queries sent,
 *       and the time to each answer (the resolver's latency as the worker sees it, its own
 *       queueing included).</li>
 * </ul>
 */
public final class DnsMetrics {
    /** Queries sent over UDP (retries and the validator's own included). */
    private static final Counter QUERIES = Counter.builder().name("mxray_dns_queries_total")
            .help("DNS queries sent to the resolver over UDP (retries and the validator's own included)").register();
    /** Queries over UDP that got no answer in time (each is retried or ends its lookup as a timeout). */
    private static final Counter QUERY_TIMEOUTS = Counter.builder().name("mxray_dns_query_timeouts_total")
            .help("DNS queries over UDP without an answer in time (retried, or the lookup times out)").register();
    /** From a query's sending to its answer's arrival (answers over UDP). */
    private static final Histogram QUERY_SECONDS = Histogram.builder().name("mxray_dns_query_duration_seconds")
            .help("Time from sending a DNS query to its answer over UDP (the resolver's latency as the worker sees it)")
            .unit(Unit.SECONDS).classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5)
            .classicOnly().register();
    private static volatile DnsStage stage;
    private static volatile IntSupplier outstanding;
    private static volatile IntSupplier resolverUp;

    static {
        GaugeWithCallback.builder().name("mxray_dns_lookups")
                .help("DNS lookups in flight (holding one of the --dns-in-flight permits) and waiting for a permit")
                .labelNames("state")
                .callback(cb -> {
                    DnsStage s = stage;
                    if (s != null) {
                        cb.call(s.lookupsInFlight(), "in-flight");
                        cb.call(s.lookupsWaiting(), "waiting");
                    }
                }).register();
        GaugeWithCallback.builder().name("mxray_dns_resolver_up")
                .help("1 while the DNS resolver passes its check, 0 while it fails it and the worker waits")
                .callback(cb -> {
                    IntSupplier u = resolverUp;
                    if (u != null) {
                        cb.call(u.getAsInt());
                    }
                }).register();
        GaugeWithCallback.builder().name("mxray_dns_queries_outstanding")
                .help("Queries sent to the resolver and not yet answered (the validator's included)")
                .callback(cb -> {
                    IntSupplier o = outstanding;
                    if (o != null) {
                        cb.call(o.getAsInt());
                    }
                }).register();
    }

    private DnsMetrics() {
    }

    /** Serves the gauges of this process's stage and transport (the last ones given), and counts the transport's queries. */
    public static void watch(DnsStage dnsStage, UdpTransport transport, ResolverHealth health) {
        stage = dnsStage;
        outstanding = transport::inFlight;
        resolverUp = health::up;
        transport.observe(new UdpTransport.QueryObserver() {
            @Override
            public void sent() {
                QUERIES.inc();
            }

            @Override
            public void answered(long nanos) {
                QUERY_SECONDS.observe(nanos / 1e9);
            }

            @Override
            public void timedOut() {
                QUERY_TIMEOUTS.inc();
            }
        });
    }
}
