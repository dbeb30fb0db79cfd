package io.mxray.dns;

import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DomainTask;
import io.mxray.schema.IpText;
import io.mxray.schema.LookupOutcome;
import io.mxray.schema.MxHost;
import io.mxray.schema.ProbeRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DNS stage: finds where a domain's mail goes and the addresses to probe.
 *
 * <p>MX per RFC 5321 section 5.1: MX records sorted by preference; no MX but an address at the
 * domain means the domain is its own (implicit) MX host; a single MX with the root as exchange is
 * a null MX (RFC 7505) and the domain accepts no mail. Each MX host's A and AAAA records are
 * looked up concurrently; one probe per distinct (address, MX host name).
 */
public final class DnsStage {
    private final DnsConfig config;
    private final Lookups lookups;
    private final Clock clock;

    public DnsStage(DnsConfig config, Resolver resolver, Clock clock) {
        this.config = Objects.requireNonNull(config);
        this.lookups = new Lookups(Objects.requireNonNull(resolver), config);
        this.clock = Objects.requireNonNull(clock);
    }

    public CompletionStage<DnsResolution> resolve(DomainTask task) {
        Instant start = clock.instant();
        Name domain;
        try {
            domain = Name.fromString(task.domain() + ".");
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(finish(task, start, DnsOutcome.ERROR, "unparsable-name",
                    List.of()));
        }
        return lookups.lookup(domain, Type.MX).thenCompose(mx -> switch (mx.outcome()) {
            case OK -> fromMx(task, start, mx);
            case NODATA -> implicitMx(task, start, domain);
            case NXDOMAIN -> done(task, start, DnsOutcome.NXDOMAIN, null);
            case SERVFAIL -> done(task, start, DnsOutcome.SERVFAIL, mx.reason());
            case TIMEOUT -> done(task, start, DnsOutcome.TIMEOUT, mx.reason());
            case ERROR -> done(task, start, DnsOutcome.ERROR, mx.reason());
        });
    }

    private CompletionStage<DnsResolution> done(DomainTask task, Instant start, DnsOutcome outcome, String reason) {
        return CompletableFuture.completedFuture(finish(task, start, outcome, reason, List.of()));
    }

    private CompletionStage<DnsResolution> fromMx(DomainTask task, Instant start, Answer mx) {
        List<MXRecord> records = new ArrayList<>();
        for (Record r : mx.records()) {
            records.add((MXRecord) r);
        }
        // RFC 7505 section 3: a single MX whose exchange is the root
        if (records.size() == 1 && records.get(0).getTarget().equals(Name.root)) {
            return done(task, start, DnsOutcome.NULL_MX, null);
        }
        String reason = null;
        Map<String, Integer> hosts = new LinkedHashMap<>();
        records.sort(Comparator.comparingInt(MXRecord::getPriority).thenComparing(r -> r.getTarget().toString()));
        for (MXRecord r : records) {
            if (r.getTarget().equals(Name.root)) {
                reason = "null-mx-among-others"; // RFC 7505 section 3: must not coexist; the others are used
                continue;
            }
            hosts.putIfAbsent(hostName(r.getTarget()), r.getPriority());
        }
        if (hosts.isEmpty()) {
            return done(task, start, DnsOutcome.NULL_MX, reason);
        }
        if (hosts.size() > config.maxMxHosts()) {
            reason = "mx-hosts-truncated";
            Map<String, Integer> kept = new LinkedHashMap<>();
            hosts.entrySet().stream().limit(config.maxMxHosts()).forEach(e -> kept.put(e.getKey(), e.getValue()));
            hosts = kept;
        }
        final String why = reason;
        List<CompletableFuture<MxHost>> resolved = new ArrayList<>();
        hosts.forEach((name, pref) -> resolved.add(addresses(name, pref).toCompletableFuture()));
        return CompletableFuture.allOf(resolved.toArray(CompletableFuture[]::new)).thenApply(x -> {
            List<MxHost> list = resolved.stream().map(CompletableFuture::join).toList();
            return finish(task, start, DnsOutcome.MX, why, list);
        });
    }

    /** RFC 5321 section 5.1: no MX RRset, so the domain itself is the mail host if it has an address. */
    private CompletionStage<DnsResolution> implicitMx(DomainTask task, Instant start, Name domain) {
        return addresses(task.domain(), 0).thenApply(host -> {
            if (host.addressOutcome() == LookupOutcome.OK) {
                return finish(task, start, DnsOutcome.IMPLICIT_MX, null, List.of(host));
            }
            if (host.addressOutcome() == LookupOutcome.NODATA || host.addressOutcome() == LookupOutcome.NXDOMAIN) {
                return finish(task, start, DnsOutcome.NO_MAIL_HOST, null, List.of());
            }
            DnsOutcome o = switch (host.addressOutcome()) {
                case SERVFAIL -> DnsOutcome.SERVFAIL;
                case TIMEOUT -> DnsOutcome.TIMEOUT;
                default -> DnsOutcome.ERROR;
            };
            return finish(task, start, o, "implicit-mx-address-" + host.reason(), List.of());
        });
    }

    /** A and AAAA of one MX host, concurrently. */
    private CompletionStage<MxHost> addresses(String host, int preference) {
        Name name;
        try {
            name = Name.fromString(host + ".");
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new MxHost(host, preference, List.of(), LookupOutcome.ERROR,
                    "unparsable-name", List.of()));
        }
        CompletableFuture<Answer> a = lookups.lookup(name, Type.A).toCompletableFuture();
        CompletableFuture<Answer> aaaa = lookups.lookup(name, Type.AAAA).toCompletableFuture();
        return a.thenCombine(aaaa, (v4, v6) -> {
            Set<String> ips = new LinkedHashSet<>();
            for (Record r : v4.records()) {
                ips.add(IpText.of(((ARecord) r).getAddress()));
            }
            for (Record r : v6.records()) {
                ips.add(IpText.of(((AAAARecord) r).getAddress()));
            }
            List<String> chain = (v4.cnameChain().isEmpty() ? v6 : v4).cnameChain().stream()
                    .map(DnsStage::hostName).toList();
            List<String> kept = ips.stream().limit(config.maxAddresses()).toList();
            if (!kept.isEmpty()) {
                String reason = ips.size() > kept.size() ? "addresses-truncated"
                        : v4.isFailure() ? "a-" + v4.reason() : v6.isFailure() ? "aaaa-" + v6.reason() : null;
                return new MxHost(host, preference, kept, LookupOutcome.OK, reason, chain);
            }
            // no address: report the more telling of the two outcomes (a failure beats "no data")
            Answer worse = v4.isFailure() ? v4 : v6.isFailure() ? v6 : v4;
            return new MxHost(host, preference, List.of(), worse.outcome(), worse.reason(), chain);
        });
    }

    private DnsResolution finish(DomainTask task, Instant start, DnsOutcome outcome, String reason,
                                 List<MxHost> hosts) {
        Instant end = clock.instant();
        List<ProbeRequest> probes = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (MxHost h : hosts) {
            for (String ip : h.addresses()) {
                ProbeRequest p = ProbeRequest.of(task.scanId(), ip, config.smtpPort(), h.name());
                if (keys.add(p.probeKey())) {
                    probes.add(p);
                }
            }
        }
        DnsResult result = new DnsResult(task.scanId(), task.domain(), task.rank(), outcome, reason, hosts,
                List.copyOf(keys), end, end.toEpochMilli() - start.toEpochMilli());
        return new DnsResolution(result, probes);
    }

    /** Lower case, without the trailing dot: the form names take in results. */
    static String hostName(Name name) {
        String s = name.toString(true);
        return s.toLowerCase(java.util.Locale.ROOT);
    }
}
