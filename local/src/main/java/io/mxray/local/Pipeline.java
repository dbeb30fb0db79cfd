package io.mxray.local;

import io.mxray.aggregator.Aggregator;
import io.mxray.dns.DnsConfig;
import io.mxray.dns.DnsStage;
import io.mxray.dns.DnsWorker;
import io.mxray.dns.ResolverHealth;
import io.mxray.dns.Resolvers;
import io.mxray.policy.PolicyConfig;
import io.mxray.policy.PolicyFetcher;
import io.mxray.policy.PolicyWorker;
import io.mxray.runtime.KafkaPublisher;
import io.mxray.runtime.OptOut;
import io.mxray.runtime.StageRunner;
import io.mxray.runtime.Topics;
import io.mxray.scheduler.ScanSummary;
import io.mxray.scheduler.Scheduler;
import io.mxray.schema.DomainTask;
import io.mxray.schema.PolicyRequest;
import io.mxray.schema.ProbeRequest;
import io.mxray.smtp.SmtpConfig;
import io.mxray.smtp.SmtpStage;
import io.mxray.smtp.SmtpWorker;
import io.mxray.verdict.CertificateJudge;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every stage of the pipeline inside this JVM, talking through Kafka exactly as separate
 * processes would: the DNS worker, the SMTP worker, the MTA-STS policy worker and the aggregator, each in its own consumer
 * group. The scheduler publishes into it.
 */
public final class Pipeline implements AutoCloseable {
    private final Infrastructure infra;
    private final Clock clock;
    private final List<Thread> threads = new ArrayList<>();
    private final StageRunner<DomainTask> dns;
    private final StageRunner<ProbeRequest> smtp;
    private final SmtpStage smtpStage;
    private final StageRunner<PolicyRequest> policy;
    private final PolicyFetcher policyFetcher;
    private final Aggregator aggregator;
    private final OptOut optOut;
    private final Resolvers resolvers;
    private final AtomicReference<RuntimeException> failure =
            new AtomicReference<>();

    public Pipeline(Infrastructure infra, DnsConfig dnsConfig, SmtpConfig smtpConfig, CertificateJudge judge,
                    Clock clock) {
        this(infra, dnsConfig, smtpConfig, judge, clock, true);
    }

    /**
     * @param withAggregator false to run only the workers here, the aggregator being elsewhere (a
     *                       process of its own)
     */
    public Pipeline(Infrastructure infra, DnsConfig dnsConfig, SmtpConfig smtpConfig, CertificateJudge judge,
                    Clock clock, boolean withAggregator) {
        this(infra, dnsConfig, smtpConfig, policyConfig(smtpConfig, Integer.parseInt(PolicyConfig.PORT)), judge, clock,
                withAggregator);
    }

    /** The policy fetches as polite as the probes: the same opt-out list and address policy. */
    public static PolicyConfig policyConfig(SmtpConfig smtp, int httpsPort) {
        return PolicyConfig.politeAs(smtp.perIpConnections(), smtp.perIpInterval(), smtp.allowNonPublic(),
                smtp.optOut(), httpsPort);
    }

    /**
     * @param policyConfig how MTA-STS policies are fetched
     */
    public Pipeline(Infrastructure infra, DnsConfig dnsConfig, SmtpConfig smtpConfig, PolicyConfig policyConfig,
                    CertificateJudge judge, Clock clock, boolean withAggregator) {
        this.infra = infra;
        this.clock = clock;
        this.optOut = smtpConfig.optOut(); // one list: the scheduler skips listed domains, the SMTP stage hosts
        String bootstrap = infra.bootstrap();
        this.resolvers = Resolvers.create(dnsConfig, clock);
        DnsStage dnsStage = resolvers.stage(dnsConfig, clock);
        this.dns = StageRunner.create("dns-worker", Topics.DOMAINS, new DnsWorker(dnsStage, resolvers.health(), clock),
                bootstrap,
                "mxray-dns-worker", DnsConfig.BATCH, dnsConfig.itemTime());
        this.smtpStage = new SmtpStage(smtpConfig, judge, clock);
        this.smtp = StageRunner.create("smtp-worker", Topics.PROBES, new SmtpWorker(smtpStage, clock), bootstrap,
                "mxray-smtp-worker", SmtpConfig.BATCH, smtpConfig.itemTime())
                .parking(smtpStage.limiter()::parked, SmtpConfig.PARKED);
        this.policyFetcher = new PolicyFetcher(policyConfig, judge, clock);
        this.policy = StageRunner.create("policy-worker", Topics.POLICIES, new PolicyWorker(policyFetcher, clock),
                bootstrap, "mxray-policy-worker", PolicyConfig.BATCH, policyConfig.itemTime());
        this.aggregator = withAggregator ? Aggregator.start(bootstrap, infra.database(),
                infra.dataDir().resolve("streams"), clock) : null;
        start(dns);
        start(smtp);
        start(policy);
    }

    private void start(StageRunner<?> runner) {
        Thread t = new Thread(() -> {
            try {
                runner.run();
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, new IllegalStateException(runner.name() + " stopped: " + e.getMessage(), e));
            }
        }, runner.name());
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    public ScanSummary schedule(Reader list, String source) throws IOException {
        try (KafkaPublisher publisher = new KafkaPublisher(infra.bootstrap(), "mxray-scheduler")) {
            return new Scheduler(clock, optOut).schedule(list, source, publisher);
        }
    }

    /** Throws the first failure of a stage thread: a dead stage would otherwise stall the scan silently. */
    public void checkHealthy() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    public Path dataDir() {
        return infra.dataDir();
    }

    /** The DNS worker's check of its resolver, and its circuit breaker. */
    public ResolverHealth resolverHealth() {
        return resolvers.health();
    }

    @Override
    public void close() {
        dns.stopAsync();
        smtp.stopAsync();
        policy.stopAsync();
        dns.close();
        smtp.close();
        policy.close();
        smtpStage.close();
        policyFetcher.close();
        resolvers.close();
        if (aggregator != null) {
            aggregator.close();
        }
    }
}
