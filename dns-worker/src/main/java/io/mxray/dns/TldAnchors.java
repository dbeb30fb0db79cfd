package io.mxray.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * dnsjava's validator walks down from the closest trust anchor for every zone it meets, asking
 * again for the root's and the top-level domain's keys each time (its key cache serves only the
 * target zone); in a scan every domain is a new zone. So, for each top-level domain a scan meets,
 * its DNSKEY RRset is validated once through the chain from the configured anchor and then added
 * to the validator's anchors, for {@link #LIFETIME} (as long as dnsjava's key cache would keep it;
 * then it is validated again). A TLD that is not signed, or does not validate, gets no anchor:
 * its domains keep the full walk and its verdicts.
 */
final class TldAnchors {
    private static final Logger LOG = LoggerFactory.getLogger(TldAnchors.class);
    static final Duration LIFETIME = Duration.ofMinutes(15);

    private final ValidatingResolver validator;
    private final Clock clock;
    private final Map<Name, Primed> primed = new ConcurrentHashMap<>();

    private record Primed(CompletableFuture<Void> done, Instant until) {
    }

    TldAnchors(ValidatingResolver validator, Clock clock) {
        this.validator = validator;
        this.clock = clock;
    }

    /** Completes when the domain's TLD (and the root) has been primed, whatever the result. */
    CompletableFuture<Void> ensure(Name domain) {
        if (domain.labels() < 2) {
            return CompletableFuture.completedFuture(null);
        }
        Name tld = new Name(domain, domain.labels() - 2);
        return prime(Name.root).thenCompose(x -> prime(tld));
    }

    private CompletableFuture<Void> prime(Name zone) {
        Instant now = clock.instant();
        Primed p = primed.get(zone);
        if (p != null && p.until().isAfter(now)) {
            return p.done();
        }
        Primed fresh = new Primed(new CompletableFuture<>(), now.plus(LIFETIME));
        Primed raced = p == null ? primed.putIfAbsent(zone, fresh) : (primed.replace(zone, p, fresh) ? null : primed.get(zone));
        if (raced != null) {
            return raced.done();
        }
        Message q = Message.newQuery(Record.newRecord(zone, Type.DNSKEY, DClass.IN));
        validator.sendAsync(q).whenComplete((m, e) -> {
            if (e == null && m.getHeader().getFlag(Flags.AD)) {
                for (RRset set : m.getSectionRRsets(Section.ANSWER)) {
                    if (set.getType() == Type.DNSKEY && set.getName().equals(zone)) {
                        RRset keys = new RRset();
                        set.rrs(false).forEach(keys::addRR);
                        validator.getTrustAnchors().store(keys);
                        LOG.debug("validated keys of {} kept as an anchor for {}", zone, LIFETIME);
                    }
                }
            }
            fresh.done().complete(null); // unsigned or failing: no anchor, the full walk stays
        });
        return fresh.done();
    }

    int primedZones() {
        return primed.size();
    }
}
