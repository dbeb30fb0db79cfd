package io.mxray.dns.dnssec;

import io.mxray.schema.DnssecStatus;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;

/**
 * Authenticated denial of existence: what verified NSEC (RFC 4035 section 5.4, RFC 6840 section
 * 4) and NSEC3 (RFC 5155 section 8, RFC 9276) records prove about a name. Pure: the records given
 * have been verified with the keys of {@code apex}, the zone that signed them.
 */
final class Denial {
    /** RFC 9276 section 3.2: above this many extra iterations a validator may treat NSEC3 as insecure (BIND and Unbound do). */
    static final int MAX_NSEC3_ITERATIONS = 150;
    static final String NSEC_MISSING = "nsec-missing";

    /** What a negative answer to a DS question says about the name asked. */
    enum Cut {
        /** A delegation without DS: the child zone is unsigned (or an island): insecure. */
        INSECURE_DELEGATION,
        /** The name is not a zone cut (it exists without NS, is an empty non-terminal, or does not exist). */
        NOT_A_CUT,
        /** NSEC3 opt-out, or too many NSEC3 iterations: nothing is proven secure; insecure. */
        INSECURE_UNPROVEN,
        /** No proof, or a contradiction. */
        BOGUS
    }

    private final Name apex;
    private final List<NSECRecord> nsec;
    private final Nsec3 nsec3;

    Denial(Name apex, List<NSECRecord> nsec, List<NSEC3Record> nsec3) {
        this.apex = apex;
        this.nsec = nsec;
        this.nsec3 = Nsec3.of(apex, nsec3);
    }

    boolean empty() {
        return nsec.isEmpty() && nsec3 == null;
    }

    /** An NXDOMAIN answer for {@code qname}. */
    Verdict nameError(Name qname) {
        if (!nsec.isEmpty() && nsecNameError(qname)) {
            return Verdict.SECURE;
        }
        if (nsec3 != null) {
            return nsec3.nameError(qname);
        }
        return Verdict.bogus(NSEC_MISSING);
    }

    /** A NOERROR answer without the records asked for ({@code qname} exists, or a wildcard does, without {@code qtype}). */
    Verdict noData(Name qname, int qtype) {
        if (!nsec.isEmpty()) {
            Verdict v = nsecNoData(qname, qtype);
            if (v != null) {
                return v;
            }
        }
        if (nsec3 != null) {
            return nsec3.noData(qname, qtype);
        }
        return Verdict.bogus(NSEC_MISSING);
    }

    /** RFC 4035 section 5.3.4, RFC 5155 section 8.8: a wildcard expansion, proven: no closer match for {@code qname}. */
    Verdict wildcardAnswer(Name qname, Name closestEncloser) {
        for (NSECRecord n : nsec) {
            if (covers(n, qname) && closestEncloser(qname, n).equals(closestEncloser)) {
                return Verdict.SECURE;
            }
        }
        if (nsec3 != null) {
            return nsec3.wildcardAnswer(qname, closestEncloser);
        }
        return Verdict.bogus(NSEC_MISSING);
    }

    /** A negative answer to the DS question for {@code child}, the zone being its parent. */
    Cut dsCut(Name child) {
        for (NSECRecord n : nsec) {
            if (n.getName().equals(child)) {
                if (n.hasType(Type.DS) || (n.hasType(Type.SOA) && child.labels() > 1)) {
                    return Cut.BOGUS; // lied to, or the child's apex NSEC, which cannot prove the parent's DS absent
                }
                return n.hasType(Type.NS) ? Cut.INSECURE_DELEGATION : Cut.NOT_A_CUT;
            }
        }
        if (!nsec.isEmpty() && (nsecEmptyNonTerminal(child) || nsecNameError(child))) {
            return Cut.NOT_A_CUT;
        }
        if (nsec3 != null) {
            return nsec3.dsCut(child);
        }
        return Cut.BOGUS;
    }

    // --- NSEC

    /**
     * True when {@code n} proves {@code name} does not exist: owner &lt; name &lt; next in canonical
     * order (the last NSEC of a zone points back to its apex). An NSEC at a delegation point or
     * at a DNAME says nothing about names below it (RFC 6840 section 4.1).
     */
    private boolean covers(NSECRecord n, Name name) {
        Name owner = n.getName();
        Name next = n.getNext();
        if (!name.subdomain(apex) || owner.compareTo(name) >= 0) {
            return false;
        }
        boolean last = next.compareTo(owner) <= 0;
        if (!last && name.compareTo(next) >= 0) {
            return false;
        }
        if (name.subdomain(owner) && ((n.hasType(Type.NS) && !n.hasType(Type.SOA)) || n.hasType(Type.DNAME))) {
            return false;
        }
        return true;
    }

    /** The closest encloser of a name an NSEC covers: its longest ancestor that exists. */
    private static Name closestEncloser(Name qname, NSECRecord n) {
        Name a = commonAncestor(qname, n.getName());
        Name b = commonAncestor(qname, n.getNext());
        return a.labels() >= b.labels() ? a : b;
    }

    private boolean nsecNameError(Name qname) {
        for (NSECRecord n : nsec) {
            if (covers(n, qname)) {
                Name ce = closestEncloser(qname, n);
                Name wild = wildcard(ce);
                if (wild == null) {
                    return false;
                }
                for (NSECRecord w : nsec) {
                    if (w.getName().equals(wild)) {
                        return false; // the wildcard exists: the answer should have been synthesized from it
                    }
                }
                for (NSECRecord w : nsec) {
                    if (covers(w, wild)) {
                        return true;
                    }
                }
                return false;
            }
        }
        return false;
    }

    /** RFC 4035 section 3.1.3.2: NODATA at an empty non-terminal, an NSEC whose next name is below it. */
    private boolean nsecEmptyNonTerminal(Name qname) {
        for (NSECRecord n : nsec) {
            if (covers(n, qname) && n.getNext().subdomain(qname) && !n.getNext().equals(qname)) {
                return true;
            }
        }
        return false;
    }

    /** The NSEC NODATA proof; null when the NSEC records here prove nothing either way. */
    private Verdict nsecNoData(Name qname, int qtype) {
        for (NSECRecord n : nsec) {
            if (!n.getName().equals(qname)) {
                continue;
            }
            if (n.hasType(qtype) || n.hasType(Type.CNAME)) {
                return Verdict.bogus(NSEC_MISSING); // the type exists after all
            }
            if (qtype == Type.DS) {
                return n.hasType(Type.SOA) && qname.labels() > 1 ? Verdict.bogus(NSEC_MISSING) : Verdict.SECURE;
            }
            if (n.hasType(Type.NS) && !n.hasType(Type.SOA)) {
                // the parent's NSEC at a delegation: the child has the data; unsigned child, insecure
                return n.hasType(Type.DS) ? Verdict.bogus(NSEC_MISSING) : Verdict.INSECURE;
            }
            return Verdict.SECURE;
        }
        if (nsecEmptyNonTerminal(qname)) {
            return Verdict.SECURE;
        }
        // a wildcard that exists without the type: qname covered, *.ce matched
        for (NSECRecord n : nsec) {
            if (covers(n, qname)) {
                Name wild = wildcard(closestEncloser(qname, n));
                for (NSECRecord w : nsec) {
                    if (wild != null && w.getName().equals(wild) && !w.hasType(qtype) && !w.hasType(Type.CNAME)) {
                        return Verdict.SECURE;
                    }
                }
            }
        }
        return null;
    }

    static Name commonAncestor(Name a, Name b) {
        int la = a.labels();
        int lb = b.labels();
        int n = 0;
        while (n < la && n < lb) {
            if (!equalLabel(a.getLabel(la - 1 - n), b.getLabel(lb - 1 - n))) {
                break;
            }
            n++;
        }
        return new Name(a, la - n);
    }

    private static boolean equalLabel(byte[] x, byte[] y) {
        if (x.length != y.length) {
            return false;
        }
        for (int i = 1; i < x.length; i++) { // byte 0 is the length
            if (Character.toLowerCase((char) (x[i] & 0xff)) != Character.toLowerCase((char) (y[i] & 0xff))) {
                return false;
            }
        }
        return true;
    }

    static Name wildcard(Name ce) {
        try {
            return Name.concatenate(Name.fromConstantString("*"), ce);
        } catch (NameTooLongException e) {
            return null;
        }
    }

    // --- NSEC3

    /** The NSEC3 records of one zone with one set of hash parameters. */
    static final class Nsec3 {
        private static final base32 HEX = new base32(base32.Alphabet.BASE32HEX, false, false);

        private final Name apex;
        private final List<NSEC3Record> records;
        private final Map<Name, byte[]> hashes = new HashMap<>();
        private final Map<NSEC3Record, byte[]> owners = new IdentityHashMap<>();

        private Nsec3(Name apex, List<NSEC3Record> records) {
            this.apex = apex;
            this.records = records;
        }

        /**
         * RFC 5155 section 8.1-8.2: records of an unknown hash algorithm or with unknown flags are
         * ignored; those left must share the parameters of the first and belong to the zone.
         */
        static Nsec3 of(Name apex, List<NSEC3Record> all) {
            List<NSEC3Record> kept = new ArrayList<>();
            NSEC3Record first = null;
            for (NSEC3Record r : all) {
                if (r.getHashAlgorithm() != NSEC3Record.SHA1_DIGEST_ID || (r.getFlags() & ~NSEC3Record.Flags.OPT_OUT) != 0
                        || r.getName().labels() != apex.labels() + 1 || !r.getName().subdomain(apex)) {
                    continue;
                }
                if (first == null) {
                    first = r;
                } else if (r.getIterations() != first.getIterations() || !Arrays.equals(r.getSalt(), first.getSalt())) {
                    continue;
                }
                kept.add(r);
            }
            return kept.isEmpty() ? null : new Nsec3(apex, kept);
        }

        private boolean tooManyIterations() {
            return records.get(0).getIterations() > MAX_NSEC3_ITERATIONS;
        }

        private byte[] hash(Name name) {
            return hashes.computeIfAbsent(name, n -> {
                try {
                    return records.get(0).hashName(n);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("SHA-1 missing from the JDK", e);
                }
            });
        }

        private byte[] ownerHash(NSEC3Record r) {
            return owners.computeIfAbsent(r, x -> {
                try {
                    byte[] h = HEX.fromString(new String(x.getName().getLabel(0), 1, x.getName().getLabel(0).length - 1,
                            StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT));
                    return h == null ? new byte[0] : h;
                } catch (RuntimeException e) {
                    return new byte[0];
                }
            });
        }

        private NSEC3Record matching(Name name) {
            byte[] h = hash(name);
            for (NSEC3Record r : records) {
                if (Arrays.equals(ownerHash(r), h)) {
                    return r;
                }
            }
            return null;
        }

        private NSEC3Record covering(Name name) {
            byte[] h = hash(name);
            for (NSEC3Record r : records) {
                byte[] owner = ownerHash(r);
                byte[] next = r.getNext();
                if (owner.length != h.length || next.length != h.length) {
                    continue;
                }
                if (Arrays.compareUnsigned(owner, h) < 0 && Arrays.compareUnsigned(h, next) < 0) {
                    return r;
                }
                // the last of the chain points back to the first
                if (Arrays.compareUnsigned(next, owner) <= 0
                        && (Arrays.compareUnsigned(h, owner) > 0 || Arrays.compareUnsigned(h, next) < 0)) {
                    return r;
                }
            }
            return null;
        }

        private static boolean optOut(NSEC3Record r) {
            return (r.getFlags() & NSEC3Record.Flags.OPT_OUT) != 0;
        }

        /** The closest encloser proof of RFC 5155 section 8.3. */
        private record Encloser(Verdict verdict, Name ce, NSEC3Record nextCloser) {
        }

        private Encloser closestEncloser(Name qname) {
            Name ce = null;
            NSEC3Record ceRecord = null;
            for (Name n = qname; n.subdomain(apex); n = new Name(n, 1)) {
                ceRecord = matching(n);
                if (ceRecord != null) {
                    ce = n;
                    break;
                }
                if (n.equals(apex)) {
                    break;
                }
            }
            if (ce == null) {
                return new Encloser(Verdict.bogus(NSEC_MISSING), null, null);
            }
            if (ce.equals(qname)) {
                return new Encloser(Verdict.bogus(NSEC_MISSING), ce, null); // qname exists
            }
            if (ceRecord.hasType(Type.NS) && !ceRecord.hasType(Type.SOA)) {
                // a delegation above the name: the answer should have been a referral
                return new Encloser(ceRecord.hasType(Type.DS) ? Verdict.bogus(NSEC_MISSING) : Verdict.INSECURE, ce, null);
            }
            if (ceRecord.hasType(Type.DNAME)) {
                return new Encloser(Verdict.bogus(NSEC_MISSING), ce, null);
            }
            Name nextCloser = new Name(qname, qname.labels() - ce.labels() - 1);
            NSEC3Record nc = covering(nextCloser);
            if (nc == null) {
                return new Encloser(Verdict.bogus(NSEC_MISSING), ce, null);
            }
            return new Encloser(Verdict.SECURE, ce, nc);
        }

        Verdict nameError(Name qname) {
            if (tooManyIterations()) {
                return Verdict.INSECURE;
            }
            Encloser e = closestEncloser(qname);
            if (!e.verdict().secure()) {
                return e.verdict();
            }
            Name wild = wildcard(e.ce());
            if (wild == null || covering(wild) == null) {
                return Verdict.bogus(NSEC_MISSING);
            }
            return optOut(e.nextCloser()) ? Verdict.INSECURE : Verdict.SECURE;
        }

        Verdict noData(Name qname, int qtype) {
            if (tooManyIterations()) {
                return Verdict.INSECURE;
            }
            NSEC3Record m = matching(qname);
            if (m != null) {
                if (m.hasType(qtype) || m.hasType(Type.CNAME)) {
                    return Verdict.bogus(NSEC_MISSING);
                }
                if (qtype == Type.DS && m.hasType(Type.SOA) && qname.labels() > 1) {
                    return Verdict.bogus(NSEC_MISSING);
                }
                if (qtype != Type.DS && m.hasType(Type.NS) && !m.hasType(Type.SOA)) {
                    return m.hasType(Type.DS) ? Verdict.bogus(NSEC_MISSING) : Verdict.INSECURE;
                }
                return Verdict.SECURE;
            }
            Encloser e = closestEncloser(qname);
            if (e.verdict().status() == DnssecStatus.INSECURE && qtype != Type.DS) {
                return Verdict.INSECURE;
            }
            if (!e.verdict().secure()) {
                return Verdict.bogus(NSEC_MISSING);
            }
            Name wild = wildcard(e.ce());
            NSEC3Record w = wild == null ? null : matching(wild);
            if (w != null) {
                if (w.hasType(qtype) || w.hasType(Type.CNAME) || (w.hasType(Type.NS) && !w.hasType(Type.SOA))) {
                    return Verdict.bogus(NSEC_MISSING);
                }
                return optOut(e.nextCloser()) ? Verdict.INSECURE : Verdict.SECURE;
            }
            // RFC 5155 section 8.6 (and for other types as resolvers do): an opt-out span may hide an unsigned delegation
            return optOut(e.nextCloser()) ? Verdict.INSECURE : Verdict.bogus(NSEC_MISSING);
        }

        Verdict wildcardAnswer(Name qname, Name ce) {
            if (tooManyIterations()) {
                return Verdict.INSECURE;
            }
            if (qname.labels() <= ce.labels()) {
                return Verdict.bogus(NSEC_MISSING);
            }
            NSEC3Record nc = covering(new Name(qname, qname.labels() - ce.labels() - 1));
            if (nc == null) {
                return Verdict.bogus(NSEC_MISSING);
            }
            return optOut(nc) ? Verdict.INSECURE : Verdict.SECURE;
        }

        Cut dsCut(Name child) {
            if (tooManyIterations()) {
                return Cut.INSECURE_UNPROVEN;
            }
            NSEC3Record m = matching(child);
            if (m != null) {
                if (m.hasType(Type.DS) || (m.hasType(Type.SOA) && child.labels() > 1)) {
                    return Cut.BOGUS;
                }
                return m.hasType(Type.NS) ? Cut.INSECURE_DELEGATION : Cut.NOT_A_CUT;
            }
            Encloser e = closestEncloser(child);
            if (e.verdict().status() == DnssecStatus.INSECURE) {
                return Cut.INSECURE_DELEGATION; // below an insecure delegation
            }
            if (!e.verdict().secure()) {
                return Cut.BOGUS;
            }
            // the child does not exist, unless an opt-out span hides an unsigned delegation
            return optOut(e.nextCloser()) ? Cut.INSECURE_UNPROVEN : Cut.NOT_A_CUT;
        }
    }
}
