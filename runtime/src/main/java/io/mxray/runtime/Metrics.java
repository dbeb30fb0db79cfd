package io.mxray.runtime;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus metrics of an mxray process, one set per JVM labelled by stage, served over
 * HTTP at {@code /metrics} when a port is given ({@code --metrics-port}, env MXRAY_METRICS_PORT).
 *
 * <p>What an operator watches: items in and out per stage (rate() gives per second), items in
 * flight, results by outcome (errors included: a timeout or a refused connection is an outcome),
 * dead letters and failures, consumer lag (the number to scale on) and the time per item (for the
 * SMTP stage the probe latency) as a histogram. The JVM's memory, GC and CPU come with them.
 */
public final class Metrics {
    private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);

    /** Items taken from the stage's input topic. */
    public static final Counter ITEMS_IN = Counter.builder().name("mxray_items_in_total")
            .help("Items taken from the stage's input topic").labelNames("stage").register();
    /** Messages published and acknowledged, by topic. */
    public static final Counter ITEMS_OUT = Counter.builder().name("mxray_items_out_total")
            .help("Messages published and acknowledged by the broker, by topic").labelNames("stage", "topic").register();
    /** Items handed to the stage and not yet answered. */
    public static final Gauge IN_FLIGHT = Gauge.builder().name("mxray_in_flight")
            .help("Items being worked on now").labelNames("stage").register();
    /** Every answered item by its outcome (DNS outcome, probe outcome, ...). */
    public static final Counter RESULTS = Counter.builder().name("mxray_results_total")
            .help("Answered items by outcome (errors and timeouts are outcomes)").labelNames("stage", "outcome").register();
    /** Unreadable input sent to the dead-letter topic. */
    public static final Counter DEAD_LETTERS = Counter.builder().name("mxray_dead_letters_total")
            .help("Unreadable messages sent to the dead-letter topic").labelNames("stage").register();
    /** Bugs that escaped a stage (answered with the stage's failure result). */
    public static final Counter STAGE_FAILURES = Counter.builder().name("mxray_stage_failures_total")
            .help("Items whose stage failed unexpectedly (answered with a failure result)").labelNames("stage").register();
    /** Batches whose results could not be published (redone) or whose offsets could not be committed. */
    public static final Counter KAFKA_RETRIES = Counter.builder().name("mxray_kafka_retries_total")
            .help("Publishes redone and commits given up (the work is redone, never lost)")
            .labelNames("stage", "what").register();
    /** Time per item, from hand-over to answer. */
    public static final Histogram ITEM_SECONDS = Histogram.builder().name("mxray_item_duration_seconds")
            .help("Time from taking an item to its answer (SMTP stage: the probe latency)").unit(Unit.SECONDS)
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
            .classicOnly().labelNames("stage").register();

    private static final Map<String, LongSupplier> LAG = new ConcurrentHashMap<>();

    static {
        GaugeWithCallback.builder().name("mxray_consumer_lag")
                .help("Messages in the stage's input partitions not yet consumed by this process")
                .labelNames("stage")
                .callback(cb -> LAG.forEach((stage, lag) -> {
                    long v = lag.getAsLong();
                    if (v >= 0) {
                        cb.call(v, stage);
                    }
                }))
                .register();
        JvmMetrics.builder().register();
    }

    private Metrics() {
    }

    /** The JVM's metrics (memory, threads, GC, ...) on this process's /metrics, as every mxray process has them. */
    public static void jvm() {
        // registered once, by this class's initializer
    }

    /** The consumer lag of one stage in this process; a negative value means unknown (not shown). */
    public static void lag(String stage, LongSupplier lag) {
        LAG.put(stage, lag);
    }

    /**
     * Serves {@code /metrics} on the port (all interfaces); 0 serves nothing.
     *
     * @return closes the server
     */
    public static AutoCloseable serve(int port) {
        if (port <= 0) {
            return () -> { };
        }
        try {
            HTTPServer server = HTTPServer.builder().port(port).buildAndStart();
            LOG.info("Prometheus metrics at http://0.0.0.0:{}/metrics", server.getPort());
            return server::close;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on port " + port
                    + " (in use? give another --metrics-port or MXRAY_METRICS_PORT)", e);
        }
    }
}
