package io.mxray.dns.dnssec;

import io.mxray.schema.DnssecStatus;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * mxray's DNSSEC validator (RFC 4033-4035, RFC 5155, RFC 6840), built for scanning: every
 * question goes to the upstream resolver with CD and DO set, and the response is judged here
 * from the configured trust anchors down; the upstream's AD bit is never read.
 *
 * <p>What a scan shares is validated once and kept: each zone's validated DNSKEY RRset, each
 * proven insecure delegation, and for every name looked at the zone that holds it (until the
 * TTL, at most an hour). Concurrent questions that need the same zone wait for one lookup. So a
 * domain in a signed zone costs its own DS and DNSKEY lookups and signatures, and nothing for
 * the root and its top-level domain, however many domains share them.
 *
 * <p>How the zone of a name is found: from the deepest name already known, one label at a time,
 * the DS question for the next name down says whether it is a secure delegation (then its DNSKEY
 * RRset is fetched and checked against the DS), an insecure one (proven by NSEC or NSEC3), or no
 * zone cut at all. Signed data names its zone (the signer), so only unsigned data and proofs of
 * absence need that walk to the name itself.
 *
 * <p>Bogus data is returned as sent, marked bogus with a reason (the RFC 8914 names:
 * {@code signature-expired}, {@code dnskey-missing}, {@code rrsigs-missing}, {@code nsec-missing},
 * {@code dnssec-bogus}, ...); indeterminate means no trust anchor covers the name or part of the
 * chain could not be fetched ({@code ds-lookup-failed}, {@code dnskey-lookup-failed}).
 */
public final class Validator implements SecureResolver {
    private static final Logger LOG = LoggerFactory.getLogger(Validator.class);
    /** Longest a validated zone, proof or name is kept (the TTL decides when shorter). */
    static final long MAX_AGE_MS = 3_600_000;
    /** How long a bogus link of the chain is believed before it is checked again. */
    static final long BOGUS_AGE_MS = 15_000;
    /** Labels walked below the deepest known zone to find the zone of one name. */
    static final int MAX_WALK = 16;
    /** CNAME and DNAME links followed within one response. */
    static final int MAX_CHAIN = 16;
    /** Names whose zone is remembered, per generation ({@link Generations}): about 100 MB at most. */
    private static final int NAMES_PER_GENERATION = 100_000;
    private static final int EDNS_SIZE = 1232;

    /** The reason of an RRset or answer that would cost more verifications than {@link Limits} allow. */
    public static final String LIMIT_EXCEEDED = "validation-limit-exceeded";

    /**
     * The work one response may cause (CVE-2023-50387, KeyTrap; CVE-2023-50868). Legitimate
     * answers need one verification per RRset (two during a key rollover); resolvers cap the rest
     * as systemd-resolved does (5 failures per RRset, 64 verifications per transaction) and BIND
     * (max-validations-per-fetch, max-validation-failures-per-fetch) and Unbound (signature
     * failures per RRset) do with their own numbers.
     *
     * @param failuresPerRrset       verifications that may fail for one RRset before it is bogus
     * @param verificationsPerAnswer verifications one response (its chain and proofs, or one
     *                               DS or DNSKEY answer of the chain of trust) may cost in all
     */
    public record Limits(int failuresPerRrset, int verificationsPerAnswer) {
        public static final Limits DEFAULT = new Limits(4, 64);
        /** No bounds: how validation worked before the limits (benchmarks compare with it). */
        public static final Limits UNLIMITED = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE);

        public Limits {
            if (failuresPerRrset < 1 || verificationsPerAnswer < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }
    }

    /** What is left of one response's verifications. */
    private static final class Work {
        private final AtomicInteger left;

        Work(Limits limits) {
            left = new AtomicInteger(limits.verificationsPerAnswer());
        }

        boolean take() {
            return left.getAndDecrement() > 0;
        }
    }

    private final Resolver upstream;
    private final Clock clock;
    private final Limits limits;
    private final Map<Name, List<Record>> anchors;
    private final Generations<Name, CompletableFuture<Zone>> zones = new Generations<>(NAMES_PER_GENERATION);
    private final Crypto crypto = new Crypto();
    private final LongAdder queries = new LongAdder();
    private final AtomicLong errors = new AtomicLong();

    /**
     * @param upstream the transport to a resolver that answers with DNSSEC records (any recursive
     *                 resolver; questions carry CD so that it does not withhold bogus data)
     * @param anchors  DS or DNSKEY records by owner, from {@link #readAnchors}
     */
    public Validator(Resolver upstream, Map<Name, List<Record>> anchors, Clock clock) {
        this(upstream, anchors, clock, Limits.DEFAULT);
    }

    public Validator(Resolver upstream, Map<Name, List<Record>> anchors, Clock clock, Limits limits) {
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("no trust anchor");
        }
        this.upstream = upstream;
        this.anchors = Map.copyOf(anchors);
        this.clock = clock;
        this.limits = Objects.requireNonNull(limits);
    }

    /** DS and DNSKEY records of a zone-file (other records are ignored), by owner name. */
    public static Map<Name, List<Record>> readAnchors(InputStream in) throws IOException {
        Map<Name, List<Record>> out = new LinkedHashMap<>();
        try (Master m = new Master(in, Name.root, 0)) { // anchor files often give no TTL
            Record r;
            while ((r = m.nextRecord()) != null) {
                if (r instanceof DSRecord || r instanceof DNSKEYRecord) {
                    out.computeIfAbsent(r.getName(), k -> new ArrayList<>()).add(r);
                }
            }
        }
        return out;
    }

    @Override
    public CompletableFuture<Validated> resolve(Name name, int type) {
        return send(name, type).thenCompose(response -> {
            Message judged = judgedHeader(response);
            CompletableFuture<Verdict> verdict;
            try {
                verdict = validate(name, type, response, judged);
            } catch (RuntimeException e) {
                verdict = CompletableFuture.failedFuture(e);
            }
            return verdict.handle((v, e) -> {
                if (e != null) {
                    long n = errors.incrementAndGet();
                    if (n <= 10) {
                        LOG.warn("validation of {}/{} failed ({} so far)", name, Type.string(type), n, e);
                    }
                    return new Validated(judged, DnssecStatus.INDETERMINATE, "validator-error");
                }
                return new Validated(judged, v.status(), v.reason());
            });
        });
    }

    /** Questions sent upstream so far, the validator's own included. */
    public long queries() {
        return queries.sum();
    }

    /** Signature verifications made so far (a benchmark's measure of the work answers cause). */
    public long verifications() {
        return crypto.verifications();
    }

    /** Names whose zone the validator knows now. */
    public int namesKnown() {
        return zones.size();
    }

    private CompletableFuture<Message> send(Name name, int type) {
        Message q = new Message(0); // the transport sets the ID (Message.newQuery would draw a random one)
        q.getHeader().setFlag(Flags.RD);
        q.getHeader().setFlag(Flags.CD);
        q.addRecord(Record.newRecord(name, type, DClass.IN), Section.QUESTION);
        q.addRecord(new OPTRecord(EDNS_SIZE, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        queries.increment();
        try {
            return upstream.sendAsync(q).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    // --- a response

    /**
     * The response as the stages will see it: its header and question, and (added by
     * {@link #validate}) exactly the RRsets of the answer section that were judged. Nothing else of
     * the message reaches a stage: records of another class, RRsets off the chain, and additional
     * data are dropped here, so that a record the validator did not look at can never be read as
     * part of a secure answer.
     */
    private static Message judgedHeader(Message r) {
        Message m = new Message(r.getHeader().getID());
        for (int flag : new int[] {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.CD}) {
            if (r.getHeader().getFlag(flag)) {
                m.getHeader().setFlag(flag);
            }
        }
        m.getHeader().setRcode(r.getHeader().getRcode());
        Record q = r.getQuestion();
        if (q != null) {
            m.addRecord(q, Section.QUESTION);
        }
        return m;
    }

    /** Adds a judged RRset (its records and signatures) to the answer the stages see. */
    private static void keep(Message judged, SignedSet set) {
        for (Record rec : set.data().rrs(false)) {
            judged.addRecord(rec, Section.ANSWER);
        }
        for (RRSIGRecord sig : set.sigs()) {
            judged.addRecord(sig, Section.ANSWER);
        }
    }

    /**
     * Judges the answer to (qname, qtype): the RRset asked for at the end of the CNAME/DNAME chain,
     * or the proof that there is none; every RRset judged is added to {@code judged}.
     */
    private CompletableFuture<Verdict> validate(Name qname, int qtype, Message r, Message judged) {
        int rcode = r.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return done(Verdict.indeterminate(rcode == Rcode.SERVFAIL ? "servfail"
                    : "rcode-" + Rcode.string(rcode).toLowerCase(Locale.ROOT)));
        }
        Sections s = Sections.of(r);
        Work work = new Work(limits);
        List<CompletableFuture<Verdict>> parts = new ArrayList<>(2);
        List<Name> seen = new ArrayList<>(2);
        Name sname = qname;
        boolean answered = false;
        boolean broken = false;
        while (parts.size() < MAX_CHAIN && !seen.contains(sname)) {
            seen.add(sname);
            SignedSet set = s.answer(sname, qtype);
            if (set != null) {
                keep(judged, set);
                parts.add(positive(set, s, work));
                answered = true;
                break;
            }
            SignedSet cname = qtype == Type.CNAME ? null : s.answer(sname, Type.CNAME);
            if (cname == null || !(cname.first() instanceof CNAMERecord c)) {
                break;
            }
            keep(judged, cname);
            if (cname.data().size() != 1) {
                // RFC 2181 section 10.1: an alias has exactly one target; which one would a stage follow?
                parts.add(unsigned(sname, Type.CNAME, "cname-not-singleton"));
                broken = true;
                break;
            }
            Name target = c.getTarget();
            SignedSet dname = s.dnameAbove(sname);
            if (cname.sigs().isEmpty() && dname != null && target.equals(synthesized(sname, dname))) {
                keep(judged, dname);
                parts.add(positive(dname, s, work)); // RFC 6672 section 5.3.1: a synthesized CNAME is unsigned
            } else {
                parts.add(positive(cname, s, work));
            }
            sname = target;
        }
        if (broken) {
            // the chain ends in a malformed alias: nothing below it is judged
        } else if (answered && rcode == Rcode.NXDOMAIN) {
            // the data is signed, but the rcode denies the name: whoever changed the header made it bogus
            parts.add(done(Verdict.bogus("rcode-contradicts-answer")));
        } else if (!answered && !seen.isEmpty() && sname.equals(seen.get(seen.size() - 1))) {
            parts.add(negative(sname, qtype, rcode, s, work));
        }
        if (parts.isEmpty()) {
            return done(Verdict.indeterminate("cname-loop"));
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(x -> {
            Verdict v = Verdict.SECURE;
            for (CompletableFuture<Verdict> p : parts) {
                v = v.and(p.join());
            }
            return v;
        });
    }

    private static Name synthesized(Name sname, SignedSet dname) {
        try {
            return sname.fromDNAME((DNAMERecord) dname.first());
        } catch (NameTooLongException e) {
            return null;
        }
    }

    /** Labels of a name as an RRSIG counts them: without the root, without a leading wildcard. */
    private static int sigLabels(Name owner) {
        return owner.labels() - 1 - (owner.isWild() ? 1 : 0);
    }

    /** An RRset of the answer: signed by a secure zone, or in an insecure one. */
    private CompletableFuture<Verdict> positive(SignedSet set, Sections s, Work work) {
        Name owner = set.name();
        int labels = sigLabels(owner);
        List<RRSIGRecord> sigs = new ArrayList<>(set.sigs().size());
        for (RRSIGRecord sig : set.sigs()) {
            Name signer = sig.getSigner();
            boolean inZone = owner.subdomain(signer) && !(set.type() == Type.DS && owner.equals(signer));
            if (inZone && sig.getLabels() <= labels && sig.getTypeCovered() == set.type()) {
                sigs.add(sig);
            }
        }
        if (sigs.isEmpty()) {
            return unsigned(owner, set.type(), "rrsigs-missing");
        }
        Name signer = sigs.get(0).getSigner();
        return keysFor(signer).thenApply(z -> {
            if (!z.secure()) {
                return z.verdict;
            }
            Checked c = check(set, sigs, z, work);
            if (!c.verdict().secure()) {
                return c.verdict();
            }
            if (c.sig().getLabels() < labels) {
                // RFC 4035 section 5.3.4: expanded from *.<closest encloser>; the name itself must not exist
                Name ce = new Name(owner, owner.labels() - 1 - c.sig().getLabels());
                Proofs p = proofs(s, z, work);
                Verdict w = p.denial().wildcardAnswer(owner, ce);
                return w.status() == DnssecStatus.BOGUS && p.failure() != null ? Verdict.bogus(p.failure()) : w;
            }
            return Verdict.SECURE;
        });
    }

    /** Data without (usable) signatures: fine in an insecure zone, bogus in a secure one. */
    private CompletableFuture<Verdict> unsigned(Name owner, int type, String reasonIfSecure) {
        Name at = type == Type.DS && owner.labels() > 1 ? new Name(owner, 1) : owner;
        return zoneOf(at).thenApply(z -> z.secure() ? Verdict.bogus(reasonIfSecure) : z.verdict);
    }

    /** NXDOMAIN or NODATA for {@code sname}, proven by NSEC or NSEC3 records of its zone. */
    private CompletableFuture<Verdict> negative(Name sname, int qtype, int rcode, Sections s, Work work) {
        Name signer = null;
        for (int type : new int[] {Type.NSEC, Type.NSEC3}) {
            for (SignedSet p : s.authority(type)) {
                for (RRSIGRecord sig : p.sigs()) {
                    if (signer == null && sname.subdomain(sig.getSigner()) && p.name().subdomain(sig.getSigner())) {
                        signer = sig.getSigner();
                    }
                }
            }
        }
        if (signer == null) {
            return unsigned(sname, qtype, Denial.NSEC_MISSING);
        }
        return keysFor(signer).thenApply(z -> {
            if (!z.secure()) {
                return z.verdict;
            }
            Proofs p = proofs(s, z, work);
            if (p.denial().empty()) {
                return Verdict.bogus(p.failure() != null ? p.failure() : Denial.NSEC_MISSING);
            }
            Verdict v = rcode == Rcode.NXDOMAIN ? p.denial().nameError(sname) : p.denial().noData(sname, qtype);
            return v.status() == DnssecStatus.BOGUS && p.failure() != null ? Verdict.bogus(p.failure()) : v;
        });
    }

    /** The verified NSEC and NSEC3 records of the authority section, and why the first one that failed did. */
    private record Proofs(Denial denial, String failure, long ttl) {
    }

    private Proofs proofs(Sections s, Zone z, Work work) {
        List<NSECRecord> nsec = new ArrayList<>(2);
        List<NSEC3Record> nsec3 = new ArrayList<>(3);
        String failure = null;
        long ttl = Long.MAX_VALUE;
        for (int type : new int[] {Type.NSEC, Type.NSEC3}) {
            for (SignedSet p : s.authority(type)) {
                List<RRSIGRecord> sigs = p.sigsBy(z.apex);
                if (sigs.isEmpty() || !p.name().subdomain(z.apex)) {
                    continue;
                }
                Checked c = check(p, sigs, z, work);
                if (!c.verdict().secure()) {
                    failure = failure == null ? c.verdict().reason() : failure;
                    continue;
                }
                ttl = Math.min(ttl, p.data().getTTL());
                for (Record r : p.data().rrs(false)) {
                    if (r instanceof NSECRecord n) {
                        nsec.add(n);
                    } else if (r instanceof NSEC3Record n3) {
                        nsec3.add(n3);
                    }
                }
            }
        }
        return new Proofs(new Denial(z.apex, nsec, nsec3), failure, ttl);
    }

    private record Checked(Verdict verdict, RRSIGRecord sig) {
    }

    /**
     * RFC 4035 section 5.3: any one signature by a key of the zone, valid now, suffices. The work is
     * bounded (KeyTrap, CVE-2023-50387: an answer with many colliding keys and signatures): at
     * most {@link Limits#failuresPerRrset} verifications that fail per RRset, and what is left of
     * the answer's {@link Work}; beyond either the RRset is bogus ({@link #LIMIT_EXCEEDED}).
     */
    private Checked check(SignedSet set, List<RRSIGRecord> sigs, Zone z, Work work) {
        if (sigs.isEmpty()) {
            return new Checked(Verdict.bogus("rrsigs-missing"), null);
        }
        Instant now = clock.instant();
        String reason = null;
        int rank = -1;
        int failures = 0;
        for (RRSIGRecord sig : sigs) {
            if (!sig.getSigner().equals(z.apex)) {
                continue;
            }
            boolean keyFound = false;
            for (ZoneKey k : z.keys) {
                if (k.footprint != sig.getFootprint() || k.algorithm != sig.getAlgorithm()) {
                    continue;
                }
                keyFound = true;
                if (now.isAfter(sig.getExpire()) || now.isBefore(sig.getTimeSigned())) {
                    if (rank < 3) { // RFC 4035 section 5.3.1: the dates first, they cost nothing
                        rank = 3;
                        reason = now.isAfter(sig.getExpire()) ? "signature-expired" : "signature-not-yet-valid";
                    }
                    break;
                }
                if (failures >= limits.failuresPerRrset() || !work.take()) {
                    return new Checked(Verdict.bogus(LIMIT_EXCEEDED), null);
                }
                if (crypto.verify(set.data(), sig, k, now) == Crypto.Check.VALID) {
                    return new Checked(Verdict.SECURE, sig);
                }
                failures++;
                if (rank < 2) {
                    rank = 2;
                    reason = "dnssec-bogus";
                }
            }
            if (!keyFound && rank < 1) {
                boolean supported = Crypto.supportedAlgorithm(sig.getAlgorithm());
                rank = supported ? 1 : 0;
                reason = supported ? "dnskey-missing" : "unsupported-dnskey-algorithm";
            }
        }
        return new Checked(Verdict.bogus(reason == null ? "rrsigs-missing" : reason), null);
    }

    // --- the chain of trust

    private static final Zone NO_ANCHOR = Zone.indeterminate(Name.root, "no-trust-anchor");

    /** The zone that signs as {@code signer}: secure with its keys, or why there are none. */
    private CompletableFuture<Zone> keysFor(Name signer) {
        return zoneOf(signer).thenApply(z -> z.secure() && !z.apex.equals(signer)
                ? Zone.bogus(signer, "dnskey-missing", z.expires) // the parent says there is no zone there
                : z);
    }

    /** The zone holding {@code name}, walked down from the deepest name known. */
    private CompletableFuture<Zone> zoneOf(Name name) {
        long now = clock.millis();
        Name n = name;
        while (true) {
            CompletableFuture<Zone> f = zones.get(n);
            if (f != null) {
                Zone z = f.getNow(null);
                if (z == null || !z.expired(now)) {
                    return descend(f, n, name);
                }
                zones.remove(n, f);
            }
            if (anchors.containsKey(n)) {
                final Name anchor = n;
                return descend(once(n, () -> anchorKeys(anchor)), n, name);
            }
            if (n.labels() <= 1) {
                return CompletableFuture.completedFuture(NO_ANCHOR);
            }
            n = new Name(n, 1);
        }
    }

    private CompletableFuture<Zone> descend(CompletableFuture<Zone> f, Name at, Name target) {
        if (at.equals(target)) {
            return f;
        }
        return f.thenCompose(z -> {
            if (!z.secure()) {
                return CompletableFuture.completedFuture(z); // below an insecure (or failed) link, all is so
            }
            if (target.labels() - at.labels() > MAX_WALK) {
                return CompletableFuture.completedFuture(Zone.indeterminate(target, "chain-too-deep"));
            }
            Name child = new Name(target, target.labels() - at.labels() - 1);
            return descend(once(child, () -> delegation(z, child)), child, target);
        });
    }

    /** The entry for {@code name}, computed by one caller while the others wait. */
    private CompletableFuture<Zone> once(Name name, Supplier<CompletableFuture<Zone>> work) {
        CompletableFuture<Zone> mine = new CompletableFuture<>();
        while (true) {
            CompletableFuture<Zone> other = zones.putIfAbsent(name, mine);
            if (other == null) {
                break;
            }
            Zone z = other.getNow(null);
            if (z == null || !z.expired(clock.millis())) {
                return other;
            }
            if (zones.replace(name, other, mine)) {
                break;
            }
        }
        // a link found bogus is fetched and judged once more before it is believed: one damaged or
        // forged packet must not make a whole top-level domain bogus for everything below it
        CompletableFuture<Zone> w = attempt(work).thenCompose(z -> z.verdict.status() == DnssecStatus.BOGUS
                ? attempt(work) : CompletableFuture.completedFuture(z));
        w.whenComplete((z, e) -> {
            Zone result = e != null ? Zone.indeterminate(name, "validator-error") : z;
            if (name.labels() <= 2 && !result.secure() && result.verdict.status() != DnssecStatus.INSECURE) {
                // the root's keys, or a top-level domain's link, cannot be validated: no domain below
                // did that; the resolver is broken (or attacked). Said so, and never kept.
                String why = result.verdict.reason();
                result = Zone.indeterminate(name, why != null && why.startsWith(Validated.RESOLVER)
                        ? why : Validated.RESOLVER + why);
            }
            if (e != null) {
                LOG.warn("validating the zone of {} failed", name, e);
            }
            if (result.expires == 0) {
                zones.remove(name, mine); // not kept: the next question tries again
            }
            mine.complete(result);
        });
        return mine;
    }

    private static CompletableFuture<Zone> attempt(Supplier<CompletableFuture<Zone>> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The DS question for {@code child}, one label below the secure zone {@code parent}. */
    private CompletableFuture<Zone> delegation(Zone parent, Name child) {
        return send(child, Type.DS).handle((r, e) -> e != null
                ? CompletableFuture.completedFuture(Zone.indeterminate(child, Validated.DS_LOOKUP_FAILED))
                : dsAnswer(parent, child, r)).thenCompose(x -> x);
    }

    private CompletableFuture<Zone> dsAnswer(Zone parent, Name child, Message r) {
        long now = clock.millis();
        int rcode = r.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return done(Zone.indeterminate(child, Validated.DS_LOOKUP_FAILED));
        }
        Sections s = Sections.of(r);
        SignedSet ds = s.answer(child, Type.DS);
        if (ds != null) {
            Checked c = check(ds, ds.sigsBy(parent.apex), parent, new Work(limits));
            if (!c.verdict().secure()) {
                return done(Zone.bogus(child, c.verdict().reason(), now + BOGUS_AGE_MS));
            }
            // kept no longer than the TTL, the parent's own link, or the signature that proved it (RFC 4035 5.3.3)
            long expires = Math.min(Math.min(parent.expires, now + Math.min(MAX_AGE_MS, ds.data().getTTL() * 1000)),
                    c.sig().getExpire().toEpochMilli());
            List<DSRecord> usable = usableDs(ds.data().rrs(false));
            if (usable.isEmpty()) {
                // RFC 4035 section 5.2: no DS of an algorithm and digest mxray supports: as if unsigned
                return done(Zone.insecure(child, expires));
            }
            return send(child, Type.DNSKEY).handle((k, e) -> e != null
                    ? Zone.indeterminate(child, Validated.DNSKEY_LOOKUP_FAILED)
                    : dnskeyAnswer(child, usable, List.of(), k, expires));
        }
        SignedSet cname = s.answer(child, Type.CNAME);
        if (cname != null) { // an alias is no zone cut
            Checked c = check(cname, cname.sigsBy(parent.apex), parent, new Work(limits));
            return done(c.verdict().secure() ? parent : Zone.bogus(child, c.verdict().reason(), now + BOGUS_AGE_MS));
        }
        Proofs p = proofs(s, parent, new Work(limits));
        if (p.denial().empty()) {
            return done(Zone.bogus(child, p.failure() != null ? p.failure() : Denial.NSEC_MISSING, now + BOGUS_AGE_MS));
        }
        long expires = Math.min(parent.expires, now + Math.min(MAX_AGE_MS, p.ttl() * 1000));
        return done(switch (p.denial().dsCut(child)) {
            case INSECURE_DELEGATION, INSECURE_UNPROVEN -> Zone.insecure(child, expires);
            case NOT_A_CUT -> parent;
            case BOGUS -> Zone.bogus(child, p.failure() != null ? p.failure() : Denial.NSEC_MISSING, now + BOGUS_AGE_MS);
        });
    }

    /** The keys of a trust anchor's zone: its DNSKEY RRset, signed by a key the anchor names. */
    private CompletableFuture<Zone> anchorKeys(Name name) {
        List<DSRecord> ds = new ArrayList<>();
        List<DNSKEYRecord> keys = new ArrayList<>();
        for (Record r : anchors.get(name)) {
            if (r instanceof DSRecord d) {
                ds.add(d);
            } else if (r instanceof DNSKEYRecord k) {
                keys.add(k);
            }
        }
        List<DSRecord> usable = usableDs(ds);
        long expires = clock.millis() + MAX_AGE_MS;
        if (usable.isEmpty() && keys.stream().noneMatch(k -> new ZoneKey(k).usable())) {
            return done(Zone.insecure(name, expires)); // an anchor mxray cannot use: as if none (RFC 4035 5.2)
        }
        return send(name, Type.DNSKEY).handle((k, e) -> e != null
                ? Zone.indeterminate(name, Validated.DNSKEY_LOOKUP_FAILED)
                : dnskeyAnswer(name, usable, keys, k, expires));
    }

    /**
     * RFC 4035 section 5.2: the DNSKEY RRset is trusted when a key that a DS (or an anchor) names
     * signed it; then every zone key in it may verify the zone's data.
     */
    private Zone dnskeyAnswer(Name zone, List<DSRecord> ds, List<DNSKEYRecord> anchorKeys, Message r, long expires) {
        long now = clock.millis();
        if (r.getRcode() != Rcode.NOERROR && r.getRcode() != Rcode.NXDOMAIN) {
            return Zone.indeterminate(zone, Validated.DNSKEY_LOOKUP_FAILED);
        }
        SignedSet set = Sections.of(r).answer(zone, Type.DNSKEY);
        if (set == null) {
            return Zone.bogus(zone, "dnskey-missing", now + BOGUS_AGE_MS);
        }
        List<ZoneKey> all = new ArrayList<>(set.data().size());
        for (Record rec : set.data().rrs(false)) {
            if (rec instanceof DNSKEYRecord k) {
                all.add(new ZoneKey(k));
            }
        }
        List<RRSIGRecord> sigs = set.sigsBy(zone);
        Instant at = Instant.ofEpochMilli(now);
        String reason = "dnskey-missing";
        Work work = new Work(limits);
        int failures = 0;
        for (ZoneKey k : all) {
            boolean trusted = ds.stream().anyMatch(d -> Crypto.dsMatches(d, k.record))
                    || anchorKeys.stream().anyMatch(a -> sameKey(a, k.record));
            if (!trusted || !k.usable()) {
                continue;
            }
            boolean signed = false;
            for (RRSIGRecord sig : sigs) {
                if (sig.getFootprint() != k.footprint || sig.getAlgorithm() != k.algorithm) {
                    continue;
                }
                signed = true;
                if (failures >= limits.failuresPerRrset() || !work.take()) {
                    return Zone.bogus(zone, LIMIT_EXCEEDED, now + BOGUS_AGE_MS);
                }
                Crypto.Check c = crypto.verify(set.data(), sig, k, at);
                if (c == Crypto.Check.VALID) {
                    List<ZoneKey> zoneKeys = all.stream().filter(ZoneKey::usable).toList();
                    long until = Math.min(expires, Math.min(now + set.data().getTTL() * 1000,
                            sig.getExpire().toEpochMilli()));
                    return Zone.secure(zone, zoneKeys, until);
                }
                if (c == Crypto.Check.BAD_SIGNATURE || c == Crypto.Check.UNUSABLE_KEY) {
                    failures++;
                }
                reason = switch (c) {
                    case EXPIRED -> "signature-expired";
                    case NOT_YET_VALID -> "signature-not-yet-valid";
                    default -> "dnssec-bogus";
                };
            }
            if (!signed && reason.equals("dnskey-missing")) {
                reason = "rrsigs-missing";
            }
        }
        return Zone.bogus(zone, reason, now + BOGUS_AGE_MS);
    }

    private static boolean sameKey(DNSKEYRecord a, DNSKEYRecord b) {
        return a.getAlgorithm() == b.getAlgorithm() && a.getProtocol() == b.getProtocol()
                && Arrays.equals(a.getKey(), b.getKey());
    }

    /**
     * DS records of an algorithm and digest mxray supports; SHA-1 digests are ignored when a
     * SHA-256 one is present (RFC 4509 section 3).
     */
    private static List<DSRecord> usableDs(List<? extends Record> records) {
        List<DSRecord> out = new ArrayList<>(records.size());
        boolean sha256 = false;
        for (Record r : records) {
            if (r instanceof DSRecord d && Crypto.supportedAlgorithm(d.getAlgorithm()) && Crypto.supportedDigest(d.getDigestID())) {
                out.add(d);
                sha256 |= d.getDigestID() == 2;
            }
        }
        if (sha256) {
            out.removeIf(d -> d.getDigestID() == 1);
        }
        return out;
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
