package io.mxray.dns.dnssec;

import io.mxray.schema.DnssecStatus;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * What validation knows about the zone that holds a name: a secure zone and its validated keys,
 * or the insecure delegation (or the bogus or unreachable link) the chain of trust met above it.
 * The validator keeps one per name it has looked at, until {@code expires} (epoch milliseconds).
 */
final class Zone {
    final Name apex;
    final Verdict verdict;
    final List<ZoneKey> keys;
    final long expires;

    private Zone(Name apex, Verdict verdict, List<ZoneKey> keys, long expires) {
        this.apex = apex;
        this.verdict = verdict;
        this.keys = keys;
        this.expires = expires;
    }

    static Zone secure(Name apex, List<ZoneKey> keys, long expires) {
        return new Zone(apex, Verdict.SECURE, List.copyOf(keys), expires);
    }

    static Zone insecure(Name apex, long expires) {
        return new Zone(apex, Verdict.INSECURE, List.of(), expires);
    }

    static Zone bogus(Name apex, String reason, long expires) {
        return new Zone(apex, Verdict.bogus(reason), List.of(), expires);
    }

    /** Not kept: the next question tries again. */
    static Zone indeterminate(Name apex, String reason) {
        return new Zone(apex, Verdict.indeterminate(reason), List.of(), 0);
    }

    boolean secure() {
        return verdict.status() == DnssecStatus.SECURE;
    }

    boolean expired(long now) {
        return now >= expires;
    }

    @Override
    public String toString() {
        return apex + " " + verdict.status() + (verdict.reason() == null ? "" : " (" + verdict.reason() + ")");
    }
}
