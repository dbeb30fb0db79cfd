package io.mxray.lab.dns;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * A zone the lab serves and how it is secured.
 *
 * @param faults  deliberate DNSSEC errors on named RRsets of this zone
 * @param records further records of the zone in zone-file form (absolute names), for what the
 *                scenarios' hosts do not publish themselves: a DNAME, an oversized RRset
 * @param tampers what the lab's responder does to every response for a name in this zone, as an
 *                attacker between a scanner and its resolver would
 */
public record ZoneSpec(Name origin, Security security, Map<RRsetKey, Fault> faults, List<String> records,
                       Set<Tamper> tampers) {

    /** How a zone is (or is not) signed. */
    public enum Security {
        /** ECDSA P-256 (algorithm 13), NSEC, DS in the parent. */
        ECDSA_NSEC,
        /** RSA/SHA-256 (algorithm 8), NSEC3, DS in the parent. */
        RSA_NSEC3,
        /** ECDSA P-256, NSEC3, DS in the parent. */
        ECDSA_NSEC3,
        /**
         * ECDSA P-256, NSEC3 with opt-out (as .com and .net): its unsigned delegations have no NSEC3
         * of their own, an opt-out span covers them; DS in the parent.
         */
        ECDSA_NSEC3_OPT_OUT,
        /** Signed (ECDSA, NSEC), but the parent's DS names a key the zone does not have: bogus. */
        WRONG_DS,
        /**
         * Signed (ECDSA, NSEC), but the parent's DS names a private algorithm (253) that no
         * validator implements: treated as unsigned, insecure (RFC 4035 section 5.2).
         */
        UNKNOWN_ALGORITHM_DS,
        /** Signed (ECDSA, NSEC) but its parent publishes no DS: an island of security, insecure. */
        ISLAND,
        /**
         * Signed (RSA/SHA-256, NSEC, DS in the parent), and a KeyTrap (CVE-2023-50387): 100 more
         * DNSKEYs with its key's tag, 100 decoy signatures before every genuine one.
         */
        KEYTRAP,
        /** Not signed; a signed parent proves there is no DS: insecure. */
        UNSIGNED;

        public boolean signed() {
            return this != UNSIGNED;
        }
    }

    public ZoneSpec {
        Objects.requireNonNull(origin);
        Objects.requireNonNull(security);
        faults = Map.copyOf(faults);
        records = List.copyOf(records);
        tampers = Set.copyOf(tampers);
    }

    public static ZoneSpec of(String origin, Security security) {
        return new ZoneSpec(name(origin), security, Map.of(), List.of(), Set.of());
    }

    public ZoneSpec withFault(String owner, int type, Fault fault) {
        var f = new HashMap<>(faults);
        f.put(new RRsetKey(name(owner), type), fault);
        return new ZoneSpec(origin, security, f, records, tampers);
    }

    /** With further records, each a zone-file line with an absolute owner name. */
    public ZoneSpec withRecords(String... lines) {
        List<String> r = new ArrayList<>(records);
        r.addAll(List.of(lines));
        return new ZoneSpec(origin, security, faults, r, tampers);
    }

    /** Every response about a name of this zone tampered with as {@code tamper} says. */
    public ZoneSpec tampered(Tamper tamper) {
        var t = new HashSet<>(tampers);
        t.add(tamper);
        return new ZoneSpec(origin, security, faults, records, t);
    }

    public static Name name(String s) {
        try {
            return Name.fromString(s.endsWith(".") ? s : s + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad name " + s, e);
        }
    }
}
