package io.mxray.local;

import io.mxray.runtime.TopicSetup;
import io.mxray.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * mxray as an operator runs it, on one machine: a Kafka broker process, and the DNS workers, SMTP
 * workers and the aggregator each a JVM of its own ({@code mxray dns-worker ...}), pointed at a lab
 * and a PostgreSQL server. Every stage process serves its metrics on a port of its own.
 */
public final class LocalCluster implements AutoCloseable {
    /**
     * Where the stages find the Internet they scan (in benchmarks and tests, a lab): the resolver,
     * its DNSSEC trust anchor, the SMTP port and the CA certificates of the web PKI.
     */
    public record Internet(InetSocketAddress resolver, Path trustAnchor, int smtpPort, Path caFile, int httpsPort) {
        /** On the Internet's HTTPS port. */
        public Internet(InetSocketAddress resolver, Path trustAnchor, int smtpPort, Path caFile) {
            this(resolver, trustAnchor, smtpPort, caFile, 443);
        }
    }

    /** How the stage processes are set up. */
    public record Settings(int dnsWorkers, int smtpWorkers, int partitions, Duration sessionTimeout,
                           List<String> jvmOptions, List<String> dnsOptions, List<String> smtpOptions) {
    }

    private final BrokerProcess broker;
    private final Database db;
    private final Internet internet;
    private final Path dir;
    private final Settings settings;
    private final List<MxrayProcess> dnsWorkers = new ArrayList<>();
    private final List<MxrayProcess> smtpWorkers = new ArrayList<>();
    private final List<MxrayProcess> policyWorkers = new ArrayList<>();
    private final MxrayProcess aggregator;
    private final Map<String, Integer> metricsPorts = new HashMap<>();

    public LocalCluster(BrokerProcess broker, Database db, Internet internet, Path dir, Settings settings) {
        this.broker = broker;
        this.db = db;
        this.internet = internet;
        this.dir = dir;
        this.settings = settings;
        try {
            TopicSetup.ensure(broker.bootstrap(), settings.partitions(), (short) 1);
            this.aggregator = stage("aggregator", "aggregator", List.of("--db", db.url(), "--state-dir",
                    dir.resolve("aggregator-state").toString()));
            for (int i = 1; i <= settings.dnsWorkers(); i++) {
                List<String> args = new ArrayList<>(List.of(
                        "--resolver", internet.resolver().getAddress().getHostAddress() + ":" + internet.resolver().getPort(),
                        "--trust-anchor", internet.trustAnchor().toString(),
                        "--smtp-port", String.valueOf(internet.smtpPort())));
                args.addAll(settings.dnsOptions());
                dnsWorkers.add(stage("dns-worker-" + i, "dns-worker", args));
            }
            for (int i = 1; i <= settings.smtpWorkers(); i++) {
                List<String> args = new ArrayList<>(List.of("--ca-file", internet.caFile().toString(), "--allow-non-public"));
                args.addAll(settings.smtpOptions());
                smtpWorkers.add(stage("smtp-worker-" + i, "smtp-worker", args));
            }
            // one policy worker: a policy is fetched per domain publishing MTA-STS, a small part of the probes
            policyWorkers.add(stage("policy-worker-1", "policy-worker", List.of("--ca-file", internet.caFile().toString(),
                    "--allow-non-public", "--policy-port", String.valueOf(internet.httpsPort()))));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private MxrayProcess stage(String name, String command, List<String> options) {
        int port;
        try {
            port = EmbeddedKafka.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        metricsPorts.put(name, port);
        List<String> args = new ArrayList<>(List.of(command, "--kafka", broker.bootstrap(),
                "--partitions", String.valueOf(settings.partitions()),
                "--session-timeout", settings.sessionTimeout().toString(),
                "--metrics-port", String.valueOf(port)));
        args.addAll(options);
        return MxrayProcess.mxray(name, dir, jvmOptions(), args, command.equals("aggregator") ? dbEnv() : Map.of());
    }

    /** {@link #JVM_OPTIONS}, then the settings' own. */
    private List<String> jvmOptions() {
        List<String> jvm = new ArrayList<>(JVM_OPTIONS);
        jvm.addAll(settings.jvmOptions());
        return jvm;
    }

    /** The database's credentials for the processes that use it: in their environment, never on a command line. */
    private Map<String, String> dbEnv() {
        Map<String, String> env = new HashMap<>();
        if (db.user() != null) {
            env.put("MXRAY_DB_USER", db.user());
        }
        if (db.password() != null) {
            env.put("MXRAY_DB_PASSWORD", db.password());
        }
        return env;
    }

    public List<MxrayProcess> dnsWorkers() {
        return dnsWorkers;
    }

    public List<MxrayProcess> smtpWorkers() {
        return smtpWorkers;
    }

    public List<MxrayProcess> policyWorkers() {
        return policyWorkers;
    }

    public MxrayProcess aggregator() {
        return aggregator;
    }

    public List<MxrayProcess> stages() {
        List<MxrayProcess> all = new ArrayList<>(dnsWorkers);
        all.addAll(smtpWorkers);
        all.addAll(policyWorkers);
        all.add(aggregator);
        return all;
    }

    public BrokerProcess broker() {
        return broker;
    }

    /** Fails with the stage's log when a stage process died unasked. */
    public void checkAlive() {
        for (MxrayProcess p : stages()) {
            if (!p.isAlive()) {
                throw new IllegalStateException(p.name() + " exited; its log ends:\n" + p.tail(40));
            }
        }
    }

    /**
     * The JVM options of the stages and the scheduler as the launcher ({@code mxray dns-worker}
     * ...), the container image and the manifests start them: the serial collector and the quick
     * compiler alone. The optimizing compiler's own work (a third to a half of a stage's CPU
     * several scans after its start) does not pay back in processes that mostly wait on the
     * network and the broker; measured in docs/benchmarks.md, "Cost per domain". The quick
     * compiler starts at a fifth of its usual invocation counts, so that a fresh process leaves the
     * interpreter sooner in its first scan ("Cold start"). No performance-data file: its sampler
     * woke every JVM twenty times a second, about 1 ms of CPU a second per process with no scan
     * running (jcmd PID still reaches the process; jps and jstat no longer list it). Options in
     * {@link Settings#jvmOptions} come after these and win.
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:CompileThresholdScaling=0.2", "-XX:-UsePerfData");

    private volatile long schedulerPeakRssKb;

    /**
     * The largest peak resident set (KiB) of the scheduler processes {@link #schedule} ran since the
     * last call (sampled every 200 ms while each ran), and starts over.
     */
    public long takeSchedulerPeakRssKb() {
        long peak = schedulerPeakRssKb;
        schedulerPeakRssKb = 0;
        return peak;
    }

    /** {@code mxray scheduler LIST} as a process; returns the scan id it printed. */
    public String schedule(Path list, String source) throws InterruptedException {
        List<String> jvm = jvmOptions();
        MxrayProcess scheduler = MxrayProcess.mxray("scheduler-" + source, dir, jvm,
                List.of("scheduler", "--kafka", broker.bootstrap(), "--partitions",
                        String.valueOf(settings.partitions()), "--source", source, list.toString()));
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        int status;
        // its peak resident set is read while it runs: /proc forgets it with the process
        while ((status = scheduler.await(Duration.ofMillis(200))) == -1 && System.nanoTime() < deadline) {
            schedulerPeakRssKb = Math.max(schedulerPeakRssKb, scheduler.peakRssKb());
        }
        schedulerPeakRssKb = Math.max(schedulerPeakRssKb, scheduler.peakRssKb());
        if (status != 0) {
            throw new IllegalStateException("the scheduler failed (" + status + "):\n" + scheduler.tail(30));
        }
        Matcher m = Pattern.compile("(?m)^scan (\\S+): ").matcher(scheduler.tail(1000));
        if (!m.find()) {
            throw new IllegalStateException("the scheduler printed no scan id:\n" + scheduler.tail(30));
        }
        return m.group(1);
    }

    /** {@code mxray wait --scan ID} as a process, started now; {@link MxrayProcess#await} ends it. */
    public MxrayProcess follow(String scanId, Duration timeout) {
        return MxrayProcess.mxray("wait-" + scanId, dir, settings.jvmOptions(),
                List.of("wait", "--db", db.url(), "--scan", scanId, "--timeout", timeout.toString()), dbEnv());
    }

    /** The text of a stage process's /metrics. */
    public String scrape(String name) throws IOException, InterruptedException {
        return scrape(metricsPorts.get(name));
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The text of {@code http://127.0.0.1:PORT/metrics}. */
    public static String scrape(int port) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("port " + port + " /metrics answered " + response.statusCode());
        }
        return response.body();
    }

    /** One sample of a scrape, e.g. {@code mxray_items_in_total{stage="dns-worker"}}; NaN when absent. */
    public static double sample(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return Double.NaN;
    }

    @Override
    public void close() {
        for (MxrayProcess p : stages()) {
            if (p != null) {
                p.close();
            }
        }
    }
}
