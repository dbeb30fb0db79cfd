package io.mxray.dns;

import io.mxray.dns.dnssec.Validated;
import io.mxray.dns.dnssec.Validator;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.LookupOutcome;
import io.mxray.schema.MxHost;
import io.mxray.schema.TxtStatus;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Whether the resolver mxray asks is fit to scan with, and a circuit breaker on it. A resolver that
 * answers NXDOMAIN to everything (a captive portal's), strips DNSSEC records, or has gone away
 * makes every domain look bogus or dead: a scan through it would store millions of false verdicts,
 * and {@code check} would blame the domain. So before a scan, before {@code check}, and whenever
 * a domain's answers look like the resolver's failure (a timeout, a SERVFAIL, a chain of trust
 * broken at the root or a top-level domain), the resolver itself is checked:
 * <ol>
 *   <li>the root's DNSKEY RRset comes back signed and validates against the trust anchor (the DO
 *       bit is honoured, nothing is stripped, the answer is genuine);</li>
 *   <li>a signed top-level domain's DS RRset validates too (its link of the chain);</li>
 *   <li>TCP works, with DNSSEC records (answers larger than UDP carries are not lost).</li>
 * </ol>
 * A resolver that fails opens the breaker: domains wait (their items stay uncommitted, so the
 * worker stops taking more) instead of being answered, and the check is repeated every
 * {@link #RECHECK}; when it passes, the breaker closes and every waiting domain is resolved
 * afresh. The metric {@code mxray_dns_resolver_up} and one log line per change say so.
 */
public final class ResolverHealth {
    private static final Logger LOG = LoggerFactory.getLogger(ResolverHealth.class);
    /** How often a failing resolver is checked again. */
    static final Duration RECHECK = Duration.ofSeconds(5);
    /** A check this recent answers for the domains that look suspect meanwhile. */
    static final Duration FRESH = Duration.ofSeconds(5);
    /** Top-level domains tried for a signed DS (the Internet's, and the lab's). */
    static final List<String> TLDS = List.of("com", "net", "org", "test", "example");

    /** What a check found: healthy, or the first thing that failed, in words naming the resolver. */
    public record Report(boolean healthy, String failure) {
        static final Report OK = new Report(true, null);

        static Report failed(String why) {
            return new Report(false, why);
        }
    }

    private final Resolver transport;
    private final InetSocketAddress resolver;
    private final Map<Name, List<Record>> anchors;
    private final Clock clock;
    private final Duration timeout;
    private final Object lock = new Object();
    private CompletableFuture<Report> running;
    private Report last;
    private long lastAt;
    private boolean open;
    private boolean recheckScheduled;
    private long openedAt;
    private CompletableFuture<Void> healthy = CompletableFuture.completedFuture(null);

    /**
     * @param transport the queries' way to the resolver (UDP, TCP when truncated)
     * @param resolver  the resolver's address, for messages and the TCP check
     * @param anchors   the trust anchors (root DS or DNSKEY records)
     * @param timeout   per query
     */
    public ResolverHealth(Resolver transport, InetSocketAddress resolver, Map<Name, List<Record>> anchors, Clock clock,
                          Duration timeout) {
        this.transport = transport;
        this.resolver = resolver;
        this.anchors = Map.copyOf(anchors);
        this.clock = clock;
        this.timeout = timeout;
    }

    /**
     * Checks the resolver a configuration names, once, before a scan or a check begins: a
     * resolver that fails is not used at all (the caller stops with the report's words).
     */
    public static Report preflight(DnsConfig config, Clock clock) {
        try (Resolvers r = Resolvers.create(config, clock)) {
            return r.health().check().join();
        }
    }

    /** The resolver's address as messages name it. */
    public String resolverName() {
        return name(resolver);
    }

    /** An address as messages name it: {@code 192.0.2.53:53}. */
    public static String name(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** Checks the resolver now, from scratch (nothing cached from earlier answers). */
    public CompletableFuture<Report> check() {
        Validator fresh = new Validator(transport, anchors, clock);
        return rootKeys(fresh).thenCompose(r -> r.healthy() ? tldLink(fresh, 0, null) : done(r))
                .thenCompose(r -> r.healthy() ? tcp() : done(r))
                .exceptionally(e -> Report.failed("checking it failed: " + e));
    }

    private CompletableFuture<Report> rootKeys(Validator v) {
        return v.resolve(Name.root, Type.DNSKEY).handle((a, e) -> {
            if (e != null) {
                return Report.failed("no answer to the root zone's DNSKEY question (" + cause(e) + ")");
            }
            if (a.status() == DnssecStatus.SECURE) {
                return Report.OK;
            }
            String rcode = Rcode.string(a.response().getRcode());
            return Report.failed("the root zone's DNSKEY RRset does not validate against the trust anchor ("
                    + a.status().key() + (a.reason() == null ? "" : ": " + a.reason()) + ", answer " + rcode + "): "
                    + (a.response().getRcode() != Rcode.NOERROR ? "the resolver answers " + rcode
                    + " for the root zone itself" : "the resolver withholds DNSSEC records (RRSIG) or forges answers")
                    + "; use a resolver that passes DNSSEC records through (--resolver), or another trust anchor "
                    + "(--trust-anchor) if this is a lab");
        });
    }

    private CompletableFuture<Report> tldLink(Validator v, int i, String lastWhy) {
        if (i >= TLDS.size()) {
            return done(Report.failed("no top-level domain's DS RRset validates (tried " + String.join(", ", TLDS)
                    + (lastWhy == null ? "" : "; " + lastWhy) + ")"));
        }
        Name tld = Name.fromConstantString(TLDS.get(i) + ".");
        return v.resolve(tld, Type.DS).handle((a, e) -> a).thenCompose(a -> {
            if (a != null && a.status() == DnssecStatus.SECURE && a.response().getRcode() == Rcode.NOERROR
                    && !a.response().getSection(Section.ANSWER).isEmpty()) {
                return done(Report.OK);
            }
            String why = a == null ? TLDS.get(i) + ": no answer"
                    : TLDS.get(i) + ": " + a.status().key() + (a.reason() == null ? "" : " " + a.reason());
            return tldLink(v, i + 1, why);
        });
    }

    /** The root's DNSKEY RRset over TCP, with its signatures. */
    private CompletableFuture<Report> tcp() {
        SimpleResolver tcp = new SimpleResolver(resolver);
        tcp.setTCP(true);
        tcp.setTimeout(timeout);
        Message q = new Message();
        q.getHeader().setFlag(Flags.RD);
        q.getHeader().setFlag(Flags.CD);
        q.addRecord(Record.newRecord(Name.root, Type.DNSKEY, DClass.IN), Section.QUESTION);
        q.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        return tcp.sendAsync(q).toCompletableFuture().handle((m, e) -> {
            if (e != null) {
                return Report.failed("no answer over TCP (" + cause(e) + "): answers too large for UDP would be lost");
            }
            boolean signed = m.getSection(Section.ANSWER).stream().anyMatch(r -> r.getType() == Type.RRSIG);
            return signed ? Report.OK : Report.failed("its answer over TCP carries no RRSIG: DNSSEC records are lost");
        });
    }

    private static String cause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t instanceof CompletionException
                || t instanceof ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private static <T> CompletableFuture<T> done(T v) {
        return CompletableFuture.completedFuture(v);
    }

    // --- the breaker

    /** True while the resolver failed its last check: domains wait rather than be answered. */
    public boolean isOpen() {
        synchronized (lock) {
            return open;
        }
    }

    /** Completes when the resolver passes a check (at once when it did last). */
    public CompletableFuture<Void> whenHealthy() {
        synchronized (lock) {
            return healthy;
        }
    }

    /**
     * The resolver's state as of a check at most {@link #FRESH} old (one check at a time, shared by
     * every domain that asks); a failure opens the breaker, a pass closes it.
     */
    public CompletableFuture<Report> verify() {
        synchronized (lock) {
            if (running != null) {
                return running;
            }
            if (last != null && System.nanoTime() - lastAt < FRESH.toNanos()) {
                return CompletableFuture.completedFuture(last);
            }
            CompletableFuture<Report> r = check();
            running = r;
            r.whenComplete((report, e) -> settle(report != null ? report : Report.failed(String.valueOf(e))));
            return r;
        }
    }

    /** The breaker opened by the caller (a check that failed before the scan started, say). */
    public void open(Report why) {
        settle(why);
    }

    private void settle(Report report) {
        boolean recheck = false;
        synchronized (lock) {
            running = null;
            last = report;
            lastAt = System.nanoTime();
            if (!report.healthy() && !open) {
                open = true;
                openedAt = System.nanoTime();
                healthy = new CompletableFuture<>();
                LOG.warn("DNS resolver {} fails: {}. Pausing: no domain is answered until it passes again (checked "
                        + "every {} s)", resolverName(), report.failure(), RECHECK.toSeconds());
            } else if (report.healthy() && open) {
                open = false;
                LOG.warn("DNS resolver {} passes again after {} s: resuming", resolverName(),
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - openedAt));
                healthy.complete(null);
            }
            recheck = open && !recheckScheduled;
            recheckScheduled |= recheck;
        }
        if (recheck) {
            CompletableFuture.delayedExecutor(RECHECK.toMillis(), TimeUnit.MILLISECONDS).execute(this::recheck);
        }
    }

    private void recheck() {
        synchronized (lock) {
            recheckScheduled = false;
            if (!open) {
                return;
            }
            lastAt = 0; // stale: ask again
        }
        verify();
    }

    /** 1 while the resolver passed its last check, 0 while it failed (the breaker is open). */
    public int up() {
        return isOpen() ? 0 : 1;
    }

    // --- what makes a domain's answers suspect

    /**
     * Whether a domain's DNS result shows what a failing resolver would cause (a timeout, a
     * SERVFAIL, a chain of trust broken above the domain): then the resolver is checked before the
     * result is believed. A domain's own SERVFAIL is common (a lame delegation); the check, shared
     * and rate-limited, tells the two apart.
     */
    public static boolean suspect(DnsResult r) {
        if (r.outcome() == DnsOutcome.TIMEOUT || r.outcome() == DnsOutcome.SERVFAIL || resolverReason(r.reason())
                || resolverReason(r.mxDnssecReason())) {
            return true;
        }
        for (MxHost h : r.mxHosts()) {
            if (failed(h.addressOutcome()) || resolverReason(h.reason()) || resolverReason(h.dnssecReason())) {
                return true;
            }
            if (h.tlsa() != null && h.tlsa().lookedUp() && (failed(h.tlsa().outcome())
                    || resolverReason(h.tlsa().reason()))) {
                return true;
            }
        }
        return policyFailed(r.mtaSts() == null ? null : r.mtaSts().status(), r.mtaSts() == null ? null
                : r.mtaSts().reason()) || policyFailed(r.tlsRpt() == null ? null : r.tlsRpt().status(),
                r.tlsRpt() == null ? null : r.tlsRpt().reason());
    }

    private static boolean failed(LookupOutcome o) {
        return o == LookupOutcome.TIMEOUT || o == LookupOutcome.SERVFAIL;
    }

    private static boolean resolverReason(String reason) {
        return reason != null && (reason.toLowerCase(Locale.ROOT).contains(Validated.RESOLVER)
                || reason.contains("timeout"));
    }

    private static boolean policyFailed(TxtStatus s, String reason) {
        return s == TxtStatus.LOOKUP_FAILED && reason != null && (reason.equals("timeout") || reason.equals("servfail")
                || resolverReason(reason));
    }
}
