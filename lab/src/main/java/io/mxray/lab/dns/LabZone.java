package io.mxray.lab.dns;

import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;

/**
 * One zone of the lab, authoritative and optionally DNSSEC-signed: it answers a question with
 * the data, a CNAME, a referral, or an authenticated denial (NSEC or NSEC3, RFC 4035 section 3.1.3
 * and RFC 5155 section 7.2). The denial chain is computed when the zone is built; the lab signs
 * every RRset when it starts ({@link #signAll}), and any RRset not signed yet is signed on first
 * use and kept, with the validity period fixed when the zone was built.
 */
public final class LabZone {
    private static final base32 B32HEX = new base32(base32.Alphabet.BASE32HEX, false, false);

    private final Name origin;
    private final SOARecord soa;
    private final Signing signing;
    private final NavigableMap<Name, Map<Integer, RRset>> data;
    private final Set<Name> cuts;
    private final NavigableMap<Name, Boolean> existing;
    private final NavigableMap<Name, RRset> nsec = new TreeMap<>();
    private final NavigableMap<String, RRset> nsec3 = new TreeMap<>();
    private final NSEC3PARAMRecord nsec3param;
    private final Map<RRsetKey, List<RRSIGRecord>> signatures = new ConcurrentHashMap<>();
    private final Set<Tamper> tampers;

    private LabZone(Name origin, List<Record> records, Signing signing, Set<Tamper> tampers) {
        this.origin = origin;
        this.signing = signing;
        this.tampers = Set.copyOf(tampers);
        TreeMap<Name, Map<Integer, RRset>> d = new TreeMap<>();
        SOARecord s = null;
        for (Record r : records) {
            if (!r.getName().subdomain(origin)) {
                throw new IllegalArgumentException(r.getName() + " is not in zone " + origin);
            }
            if (r instanceof SOARecord so) {
                s = so;
            }
            d.computeIfAbsent(r.getName(), k -> new LinkedHashMap<>()).computeIfAbsent(r.getType(), k -> new RRset())
                    .addRR(r);
        }
        if (s == null || !s.getName().equals(origin)) {
            throw new IllegalArgumentException("zone " + origin + " has no SOA at its apex");
        }
        this.soa = s;
        if (signing != null) {
            RRset keys = new RRset();
            signing.keys().forEach(k -> keys.addRR(k.dnskey()));
            KeyTrapKeys.colliding(signing.keys().get(0).dnskey(), signing.keyTrap().collidingKeys()).forEach(keys::addRR);
            d.get(origin).put(Type.DNSKEY, keys);
        }
        Set<Name> c = new TreeSet<>();
        for (var e : d.entrySet()) {
            if (!e.getKey().equals(origin) && e.getValue().containsKey(Type.NS)) {
                c.add(e.getKey());
            }
        }
        this.cuts = c;
        // names below a zone cut are glue or occluded: not authoritative, not in the denial chain
        TreeMap<Name, Boolean> ex = new TreeMap<>();
        for (Name n : d.keySet()) {
            Name cut = below(n);
            if (cut != null && !cut.equals(n)) {
                continue; // glue or occluded
            }
            ex.put(n, Boolean.TRUE);
            for (Name p = parent(n); p != null && p.subdomain(origin); p = parent(p)) {
                ex.putIfAbsent(p, Boolean.FALSE); // an empty non-terminal, unless it has data itself
                if (p.equals(origin)) {
                    break;
                }
            }
        }
        this.data = d;
        this.existing = ex;
        if (signing != null && signing.denial() != Signing.Denial.NSEC) {
            nsec3param = new NSEC3PARAMRecord(origin, DClass.IN, 0, NSEC3Record.SHA1_DIGEST_ID, 0, 0, null);
            d.get(origin).put(Type.NSEC3PARAM, new RRset(new NSEC3PARAMRecord(origin, DClass.IN, soa.getMinimum(),
                    NSEC3Record.SHA1_DIGEST_ID, 0, 0, null)));
            buildNsec3();
        } else {
            nsec3param = null;
            if (signing != null) {
                buildNsec();
            }
        }
    }

    public static LabZone of(Name origin, List<Record> records, Signing signing) {
        return new LabZone(origin, records, signing, Set.of());
    }

    public static LabZone of(Name origin, List<Record> records, Signing signing, Set<Tamper> tampers) {
        return new LabZone(origin, records, signing, tampers);
    }

    /** What the lab's responder does to responses about this zone's names (none for an honest zone). */
    public Set<Tamper> tampers() {
        return tampers;
    }

    public Name origin() {
        return origin;
    }

    public boolean isSigned() {
        return signing != null;
    }

    public Signing signing() {
        return signing;
    }

    /** The KSK's DNSKEY, for the parent's DS or a trust anchor. */
    public DNSKEYRecord keySigningKey() {
        return signing == null ? null : signing.keys().get(0).dnskey();
    }

    private static Name parent(Name n) {
        return n.labels() <= 1 ? null : new Name(n, 1);
    }

    /** The highest zone cut at or above {@code n} (inside this zone), or null. */
    private Name below(Name n) {
        Name found = null;
        for (Name p = n; p != null && !p.equals(origin) && p.subdomain(origin); p = parent(p)) {
            if (cuts.contains(p)) {
                found = p;
            }
        }
        return found;
    }

    private long negativeTtl() {
        return Math.min(soa.getMinimum(), soa.getTTL());
    }

    private void buildNsec() {
        List<Name> names = new ArrayList<>();
        for (var e : existing.entrySet()) {
            if (e.getValue()) {
                names.add(e.getKey());
            }
        }
        for (int i = 0; i < names.size(); i++) {
            Name n = names.get(i);
            Name next = i + 1 < names.size() ? names.get(i + 1) : origin;
            Set<Integer> types = new TreeSet<>(data.get(n).keySet());
            if (cuts.contains(n)) {
                types.retainAll(Set.of(Type.NS, Type.DS));
            }
            types.add(Type.NSEC);
            types.add(Type.RRSIG);
            nsec.put(n, new RRset(new NSECRecord(n, DClass.IN, negativeTtl(), next,
                    types.stream().mapToInt(Integer::intValue).toArray())));
        }
    }

    private boolean optOut() {
        return signing != null && signing.denial() == Signing.Denial.NSEC3_OPT_OUT;
    }

    /** A delegation without DS: with opt-out it has no NSEC3 of its own. */
    private boolean unsignedDelegation(Name n) {
        return cuts.contains(n) && !data.get(n).containsKey(Type.DS);
    }

    private void buildNsec3() {
        TreeMap<String, Name> hashed = new TreeMap<>();
        Map<String, byte[]> raw = new LinkedHashMap<>();
        for (Name n : existing.keySet()) {
            if (optOut() && unsignedDelegation(n)) {
                continue; // RFC 5155 section 7.1: covered by an opt-out span instead
            }
            byte[] h = hash(n);
            String text = B32HEX.toString(h);
            hashed.put(text, n);
            raw.put(text, h);
        }
        List<String> order = new ArrayList<>(hashed.keySet());
        for (int i = 0; i < order.size(); i++) {
            String h = order.get(i);
            Name n = hashed.get(h);
            byte[] next = raw.get(order.get((i + 1) % order.size()));
            Set<Integer> types = new TreeSet<>();
            Map<Integer, RRset> node = existing.get(n) ? data.get(n) : Map.of();
            types.addAll(node.keySet());
            if (cuts.contains(n)) {
                types.retainAll(Set.of(Type.NS, Type.DS));
            }
            boolean signedHere = !types.isEmpty() && !(cuts.contains(n) && !types.contains(Type.DS));
            if (signedHere) {
                types.add(Type.RRSIG);
            }
            Name owner = hashedOwner(h);
            nsec3.put(h, new RRset(new NSEC3Record(owner, DClass.IN, negativeTtl(), NSEC3Record.SHA1_DIGEST_ID,
                    optOut() ? NSEC3Record.Flags.OPT_OUT : 0, 0, null, next,
                    types.stream().mapToInt(Integer::intValue).toArray())));
        }
    }

    private byte[] hash(Name n) {
        try {
            return nsec3param.hashName(n);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
    }

    private Name hashedOwner(String base32hex) {
        try {
            return Name.concatenate(Name.fromString(base32hex.toLowerCase(Locale.ROOT)), origin);
        } catch (TextParseException | NameTooLongException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The zone's answer to (qname, qtype); qname must be in the zone. */
    public ZoneAnswer lookup(Name qname, int qtype) {
        List<RRset> answer = new ArrayList<>();
        List<RRset> authority = new ArrayList<>();
        List<RRset> additional = new ArrayList<>();
        Name cut = below(qname);
        if (cut != null && !(qtype == Type.DS && qname.equals(cut))) {
            // RFC 4035 section 3.1.4: a referral, with the DS or the proof that there is none
            authority.add(data.get(cut).get(Type.NS));
            addDsOrDenial(cut, authority);
            for (Record ns : data.get(cut).get(Type.NS).rrs(false)) {
                Map<Integer, RRset> glue = data.get(((NSRecord) ns).getTarget());
                if (glue != null) {
                    for (int t : new int[] {Type.A, Type.AAAA}) {
                        if (glue.containsKey(t)) {
                            additional.add(glue.get(t));
                        }
                    }
                }
            }
            return new ZoneAnswer(ZoneAnswer.Kind.REFERRAL, answer, authority, additional, null);
        }
        Map<Integer, RRset> node = existing.getOrDefault(qname, false) ? data.get(qname) : null;
        if (node != null) {
            RRset set = node.get(qtype);
            if (set != null && !(qtype == Type.NS && cuts.contains(qname))) {
                answer.add(set);
                return new ZoneAnswer(ZoneAnswer.Kind.ANSWER, answer, authority, additional, null);
            }
            RRset cname = node.get(Type.CNAME);
            if (cname != null && qtype != Type.CNAME) {
                answer.add(cname);
                Name target = ((CNAMERecord) cname.first()).getTarget();
                return new ZoneAnswer(ZoneAnswer.Kind.CNAME, answer, authority, additional, target);
            }
            authority.add(new RRset(soa));
            addNoData(qname, authority);
            return new ZoneAnswer(ZoneAnswer.Kind.NODATA, answer, authority, additional, null);
        }
        if (existing.containsKey(qname)) { // an empty non-terminal: the name exists, without data
            authority.add(new RRset(soa));
            addNoData(qname, authority);
            return new ZoneAnswer(ZoneAnswer.Kind.NODATA, answer, authority, additional, null);
        }
        // RFC 6672 section 3.2: below a DNAME, a CNAME is synthesized (unsigned) next to the signed DNAME
        RRset dname = dnameAbove(qname);
        if (dname != null) {
            Name target;
            try {
                target = qname.fromDNAME((DNAMERecord) dname.first());
            } catch (NameTooLongException e) {
                return new ZoneAnswer(ZoneAnswer.Kind.NXDOMAIN, answer, authority, additional, null); // YXDOMAIN, really
            }
            answer.add(dname);
            answer.add(new RRset(new CNAMERecord(qname, DClass.IN, dname.getTTL(), target)));
            return new ZoneAnswer(ZoneAnswer.Kind.CNAME, answer, authority, additional, target);
        }
        // RFC 4592: no such name; a wildcard at its closest encloser answers for it
        Name encloser = closestEncloser(qname);
        Name wild = wildcard(encloser);
        Map<Integer, RRset> wnode = existing.getOrDefault(wild, false) ? data.get(wild) : null;
        if (wnode != null) {
            RRset set = wnode.get(qtype);
            RRset cname = qtype == Type.CNAME ? null : wnode.get(Type.CNAME);
            if (set != null || cname != null) {
                answer.add(expand(set != null ? set : cname, qname));
                addWildcardAnswerProof(qname, encloser, authority);
                return set != null ? new ZoneAnswer(ZoneAnswer.Kind.ANSWER, answer, authority, additional, null)
                        : new ZoneAnswer(ZoneAnswer.Kind.CNAME, answer, authority, additional,
                        ((CNAMERecord) cname.first()).getTarget());
            }
            authority.add(new RRset(soa));
            addWildcardNoData(qname, encloser, wild, authority);
            return new ZoneAnswer(ZoneAnswer.Kind.NODATA, answer, authority, additional, null);
        }
        authority.add(new RRset(soa));
        addNxdomain(qname, authority);
        return new ZoneAnswer(ZoneAnswer.Kind.NXDOMAIN, answer, authority, additional, null);
    }

    /** The DNAME RRset of a proper ancestor of {@code n} inside this zone, or null. */
    private RRset dnameAbove(Name n) {
        for (Name p = parent(n); p != null && p.subdomain(origin); p = parent(p)) {
            Map<Integer, RRset> node = existing.getOrDefault(p, false) ? data.get(p) : null;
            if (node != null && node.containsKey(Type.DNAME)) {
                return node.get(Type.DNAME);
            }
            if (p.equals(origin)) {
                break;
            }
        }
        return null;
    }

    /** The wildcard's RRset as the name asked (RFC 4592 section 4.3.3). */
    private static RRset expand(RRset wildcardSet, Name qname) {
        RRset out = new RRset();
        for (Record r : wildcardSet.rrs(false)) {
            out.addRR(r.withName(qname));
        }
        return out;
    }

    /** RFC 4035 3.1.3.3 / RFC 5155 7.2.6: the name asked does not exist (the next closer name, with NSEC3). */
    private void addWildcardAnswerProof(Name qname, Name encloser, List<RRset> authority) {
        if (signing == null) {
            return;
        }
        if (nsec3param != null) {
            addUnique(authority, nsec3Covering(nextCloser(qname, encloser)));
        } else {
            addUnique(authority, nsecCovering(qname));
        }
    }

    /** RFC 4035 3.1.3.4 / RFC 5155 7.2.5: no such name, and the wildcard that would answer lacks the type. */
    private void addWildcardNoData(Name qname, Name encloser, Name wild, List<RRset> authority) {
        if (signing == null) {
            return;
        }
        if (nsec3param != null) {
            addUnique(authority, nsec3Matching(encloser));
            addUnique(authority, nsec3Covering(nextCloser(qname, encloser)));
            addUnique(authority, nsec3Matching(wild));
        } else {
            addUnique(authority, nsecCovering(qname));
            addUnique(authority, nsec.get(wild));
        }
    }

    private static Name nextCloser(Name qname, Name encloser) {
        return new Name(qname, qname.labels() - encloser.labels() - 1);
    }

    private void addDsOrDenial(Name cut, List<RRset> authority) {
        RRset ds = data.get(cut).get(Type.DS);
        if (ds != null) {
            authority.add(ds);
        } else {
            addNoData(cut, authority);
        }
    }

    /** The name exists but has no RRset of the type asked (also: an empty non-terminal). */
    private void addNoData(Name qname, List<RRset> authority) {
        if (signing == null) {
            return;
        }
        if (nsec3param != null) {
            RRset match = nsec3Matching(qname);
            if (match != null) {
                addUnique(authority, match);
            } else {
                // RFC 5155 7.2.4: an unsigned delegation in an opt-out zone: the closest provable
                // encloser, and the opt-out span that covers the next closer name
                Name encloser = closestProvableEncloser(qname);
                addUnique(authority, nsec3Matching(encloser));
                addUnique(authority, nsec3Covering(nextCloser(qname, encloser)));
            }
        } else if (nsec.containsKey(qname)) {
            addUnique(authority, nsec.get(qname));
        } else {
            addUnique(authority, nsecCovering(qname)); // an empty non-terminal lies between two names
        }
    }

    /** RFC 4035 section 3.1.3.2 / RFC 5155 section 7.2.2: no such name, and no wildcard either. */
    private void addNxdomain(Name qname, List<RRset> authority) {
        if (signing == null) {
            return;
        }
        Name encloser = closestEncloser(qname);
        Name wildcard = wildcard(encloser);
        if (nsec3param != null) {
            Name nextCloser = new Name(qname, qname.labels() - encloser.labels() - 1);
            addUnique(authority, nsec3Matching(encloser));
            addUnique(authority, nsec3Covering(nextCloser));
            addUnique(authority, nsec3Covering(wildcard));
        } else {
            addUnique(authority, nsecCovering(qname));
            addUnique(authority, nsecCovering(wildcard));
        }
    }

    private static void addUnique(List<RRset> list, RRset set) {
        if (set != null && !list.contains(set)) {
            list.add(set);
        }
    }

    /** The closest ancestor of {@code qname} that has an NSEC3 of its own. */
    private Name closestProvableEncloser(Name qname) {
        for (Name p = parent(qname); p != null && p.subdomain(origin); p = parent(p)) {
            if (nsec3Matching(p) != null) {
                return p;
            }
        }
        return origin;
    }

    private Name closestEncloser(Name qname) {
        for (Name p = parent(qname); p != null; p = parent(p)) {
            if (existing.containsKey(p)) {
                return p;
            }
            if (p.equals(origin)) {
                return origin;
            }
        }
        return origin;
    }

    private static Name wildcard(Name n) {
        try {
            return Name.concatenate(Name.fromString("*"), n);
        } catch (TextParseException | NameTooLongException e) {
            throw new IllegalStateException(e);
        }
    }

    private RRset nsecCovering(Name n) {
        var e = nsec.lowerEntry(n);
        return e != null ? e.getValue() : nsec.lastEntry().getValue();
    }

    private RRset nsec3Matching(Name n) {
        return nsec3.get(B32HEX.toString(hash(n)));
    }

    private RRset nsec3Covering(Name n) {
        String h = B32HEX.toString(hash(n));
        var e = nsec3.lowerEntry(h);
        return e != null ? e.getValue() : nsec3.lastEntry().getValue();
    }

    /**
     * The RRSIGs to send with an RRset of this zone: none in an unsigned zone, for the NS RRset
     * of a delegation or for glue; otherwise made on first use and kept, with the zone's faults.
     */
    public List<RRSIGRecord> signaturesFor(RRset set) {
        if (signing == null) {
            return List.of();
        }
        Name owner = set.getName();
        Name cut = below(owner);
        // at a delegation only the NS RRset is the child's (unsigned); below it is glue (unsigned)
        if (cut != null && (!owner.equals(cut) || set.getType() == Type.NS)) {
            return List.of();
        }
        if (set.getType() == Type.CNAME && !existing.containsKey(owner) && dnameAbove(owner) != null) {
            return List.of(); // synthesized from a DNAME: never signed (RFC 6672 section 5.3.1)
        }
        if (set.getType() != Type.NSEC3 && !existing.containsKey(owner) && owner.subdomain(origin)) {
            // synthesized from a wildcard: the wildcard's signatures, as the name asked
            Name wild = wildcard(closestEncloser(owner));
            Map<Integer, RRset> wnode = data.get(wild);
            RRset source = wnode == null ? null : wnode.get(set.getType());
            if (source == null) {
                return List.of();
            }
            List<RRSIGRecord> out = new ArrayList<>();
            for (RRSIGRecord sig : signaturesFor(source)) {
                out.add((RRSIGRecord) sig.withName(owner));
            }
            return out;
        }
        return signatures.computeIfAbsent(new RRsetKey(owner, set.getType()), k -> sign(k, set));
    }

    private List<RRSIGRecord> sign(RRsetKey key, RRset set) {
        Fault fault = signing.faults().get(key);
        if (fault == Fault.MISSING_SIGNATURE) {
            return List.of();
        }
        Instant inception = signing.inception();
        Instant expiration = signing.expiration();
        if (fault == Fault.EXPIRED_SIGNATURE) {
            expiration = inception.minus(Duration.ofDays(1));
            inception = expiration.minus(Duration.ofDays(30));
        }
        if (fault == Fault.SHORT_LIVED_SIGNATURE) {
            expiration = inception.plus(Signing.BACKDATE).plus(Duration.ofMinutes(1)); // the lab's clock + 1 minute
        }
        List<ZoneKey> keys = set.getType() == Type.DNSKEY ? signing.keySigningKeys() : signing.zoneSigningKeys();
        List<RRSIGRecord> out = new ArrayList<>();
        for (ZoneKey k : keys) {
            try {
                RRSIGRecord sig = DNSSEC.sign(set, k.dnskey(), k.privateKey(), inception, expiration, ZoneKey.PROVIDER);
                if (fault == Fault.BROKEN_SIGNATURE) {
                    byte[] bytes = sig.getSignature().clone();
                    bytes[bytes.length / 2] ^= 0x5a;
                    sig = new RRSIGRecord(sig.getName(), sig.getDClass(), sig.getTTL(), sig.getTypeCovered(),
                            sig.getAlgorithm(), sig.getOrigTTL(), sig.getExpire(), sig.getTimeSigned(),
                            sig.getFootprint(), sig.getSigner(), bytes);
                }
                out.addAll(KeyTrapKeys.decoys(sig, signing.keyTrap().decoySignatures()));
                out.add(sig);
            } catch (DNSSEC.DNSSECException e) {
                throw new IllegalStateException("cannot sign " + key + " in " + origin, e);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Replaces the RRset of one type at a name that already holds that type (an operator's
     * update, for example a new TLSA RRset after a key change) and forgets its signatures, so the
     * next answer carries the new records, freshly signed. The names and types of the zone stay
     * as they were, so its denial chain does not change.
     */
    public synchronized void replace(RRset set) {
        Map<Integer, RRset> node = data.get(set.getName());
        if (node == null || !node.containsKey(set.getType()) || !Boolean.TRUE.equals(existing.get(set.getName()))) {
            throw new IllegalArgumentException("zone " + origin + " has no " + Type.string(set.getType()) + " at "
                    + set.getName() + " to replace");
        }
        node.put(set.getType(), set);
        signatures.remove(new RRsetKey(set.getName(), set.getType()));
    }

    /** Signs every RRset now (for benchmarks and for serving without first-use latency). */
    public int signAll() {
        if (signing == null) {
            return 0;
        }
        int n = 0;
        for (var node : data.entrySet()) {
            for (RRset set : node.getValue().values()) {
                n += signaturesFor(set).size();
            }
        }
        for (RRset set : nsec.values()) {
            n += signaturesFor(set).size();
        }
        for (RRset set : nsec3.values()) {
            n += signaturesFor(set).size();
        }
        return n;
    }
}
