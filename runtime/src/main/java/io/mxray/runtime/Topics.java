package io.mxray.runtime;

import io.mxray.schema.DnsResult;
import io.mxray.schema.DomainResult;
import io.mxray.schema.DomainTask;
import io.mxray.schema.PolicyRequest;
import io.mxray.schema.PolicyResult;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.RejectedLine;
import io.mxray.schema.ScanEvent;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of the pipeline. Keys are strings (see {@link Keys}); values are JSON records.
 *
 * <pre>
 * scheduler ──domains──▶ dns-worker ──probes──▶ smtp-worker
 *     │ scans, rejected      │ dns-results          │ smtp-results
 *     ▼                      ▼                      ▼
 *                  aggregator ──domain-results──▶ PostgreSQL sink
 * </pre>
 */
public final class Topics {
    private Topics() {
    }

    /** Scan life cycle, keyed by scan id. */
    public static final Topic<String, ScanEvent> SCANS =
            new Topic<>("mxray.scans", Serdes.String(), new JsonSerde<>(ScanEvent.class));
    /** Domains to resolve, keyed by domain key. */
    public static final Topic<String, DomainTask> DOMAINS =
            new Topic<>("mxray.domains", Serdes.String(), new JsonSerde<>(DomainTask.class));
    /** Input lines the scheduler could not accept, keyed by scan id. */
    public static final Topic<String, RejectedLine> REJECTED =
            new Topic<>("mxray.rejected", Serdes.String(), new JsonSerde<>(RejectedLine.class));
    /** SMTP probes to run, keyed by the address to probe ({@link Keys#probeTarget}): politeness per address. */
    public static final Topic<String, ProbeRequest> PROBES =
            new Topic<>("mxray.probes", Serdes.String(), new JsonSerde<>(ProbeRequest.class));
    /**
     * MTA-STS policies to fetch, keyed by the first address of the policy host: politeness per
     * address, as for {@link #PROBES}.
     */
    public static final Topic<String, PolicyRequest> POLICIES =
            new Topic<>("mxray.policies", Serdes.String(), new JsonSerde<>(PolicyRequest.class));
    /** One result per policy fetch, keyed by policy key. */
    public static final Topic<String, PolicyResult> POLICY_RESULTS =
            new Topic<>("mxray.policy-results", Serdes.String(), new JsonSerde<>(PolicyResult.class));
    /** One DNS result per domain, keyed by domain key. */
    public static final Topic<String, DnsResult> DNS_RESULTS =
            new Topic<>("mxray.dns-results", Serdes.String(), new JsonSerde<>(DnsResult.class));
    /** One result per probe, keyed by probe key. */
    public static final Topic<String, ProbeResult> SMTP_RESULTS =
            new Topic<>("mxray.smtp-results", Serdes.String(), new JsonSerde<>(ProbeResult.class));
    /** One final result per domain, keyed by domain key. */
    public static final Topic<String, DomainResult> DOMAIN_RESULTS =
            new Topic<>("mxray.domain-results", Serdes.String(), new JsonSerde<>(DomainResult.class));
    /**
     * Messages a stage could not read, as received, with the error in the headers: kept, never
     * silently skipped.
     */
    public static final Topic<String, byte[]> DEAD_LETTERS =
            new Topic<>("mxray.dead-letters", Serdes.String(), Serdes.ByteArray());

    public static List<Topic<?, ?>> all() {
        return List.of(SCANS, DOMAINS, REJECTED, PROBES, POLICIES, DNS_RESULTS, SMTP_RESULTS, POLICY_RESULTS,
                DOMAIN_RESULTS, DEAD_LETTERS);
    }
}
