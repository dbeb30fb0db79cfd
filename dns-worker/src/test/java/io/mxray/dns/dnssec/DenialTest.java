package io.mxray.dns.dnssec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mxray.schema.DnssecStatus;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;

/**
 * The denial-of-existence proofs on hand-built NSEC and NSEC3 chains (RFC 4035 5.4, RFC 5155 8,
 * RFC 6840 4.1). The chains are built here from the zone's names, the way a signer builds them.
 */
class DenialTest {
    private static final Name ZONE = name("z.test.");
    private static final int[] APEX = {Type.SOA, Type.NS, Type.DNSKEY, Type.NSEC, Type.RRSIG};

    /** z.test: a (A), c (MX), an unsigned delegation, a signed one, y.z.test an empty non-terminal, a wildcard below w. */
    private static Map<String, int[]> zone() {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("z.test.", APEX);
        m.put("a.z.test.", new int[] {Type.A, Type.NSEC, Type.RRSIG});
        m.put("c.z.test.", new int[] {Type.MX, Type.NSEC, Type.RRSIG});
        m.put("deleg.z.test.", new int[] {Type.NS, Type.NSEC, Type.RRSIG});
        m.put("sec.z.test.", new int[] {Type.NS, Type.DS, Type.NSEC, Type.RRSIG});
        m.put("x.y.z.test.", new int[] {Type.A, Type.NSEC, Type.RRSIG});
        m.put("*.w.z.test.", new int[] {Type.MX, Type.NSEC, Type.RRSIG});
        return m;
    }

    private static List<NSECRecord> nsecChain(Map<String, int[]> names) {
        TreeMap<Name, int[]> sorted = new TreeMap<>();
        names.forEach((k, v) -> sorted.put(name(k), v));
        List<Name> order = new ArrayList<>(sorted.keySet());
        List<NSECRecord> out = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            Name next = order.get((i + 1) % order.size());
            out.add(new NSECRecord(order.get(i), DClass.IN, 300, next, sorted.get(order.get(i))));
        }
        return out;
    }

    private static NSECRecord at(List<NSECRecord> chain, String owner) {
        return chain.stream().filter(n -> n.getName().equals(name(owner))).findFirst().orElseThrow();
    }

    private static NSECRecord covering(List<NSECRecord> chain, String qname) {
        Name q = name(qname);
        NSECRecord best = chain.get(chain.size() - 1);
        for (NSECRecord n : chain) {
            if (n.getName().compareTo(q) < 0) {
                best = n;
            }
        }
        return best;
    }

    private static Denial nsec(NSECRecord... records) {
        return new Denial(ZONE, List.of(records), List.of());
    }

    @Test
    void nxdomainNeedsTheNameAndTheWildcardCovered() {
        List<NSECRecord> chain = nsecChain(zone());
        NSECRecord coversName = covering(chain, "b.z.test.");
        NSECRecord coversWildcard = covering(chain, "*.z.test.");
        assertEquals(DnssecStatus.SECURE, nsec(coversName, coversWildcard).nameError(name("b.z.test.")).status());
        // b.z.test and *.z.test fall in different spans here: one NSEC alone proves nothing
        assertEquals(false, coversName.equals(coversWildcard));
        assertEquals(DnssecStatus.BOGUS, nsec(coversName).nameError(name("b.z.test.")).status());
        assertEquals(DnssecStatus.BOGUS, nsec(coversWildcard).nameError(name("b.z.test.")).status());
        // a name that exists cannot be denied
        assertEquals(DnssecStatus.BOGUS, nsec(chain.toArray(NSECRecord[]::new)).nameError(name("a.z.test.")).status());
    }

    @Test
    void nodataNeedsTheNameWithoutTheType() {
        List<NSECRecord> chain = nsecChain(zone());
        assertEquals(DnssecStatus.SECURE, nsec(at(chain, "a.z.test.")).noData(name("a.z.test."), Type.MX).status());
        assertEquals(DnssecStatus.BOGUS, nsec(at(chain, "a.z.test.")).noData(name("a.z.test."), Type.A).status());
        assertEquals(DnssecStatus.BOGUS, nsec(at(chain, "c.z.test.")).noData(name("a.z.test."), Type.MX).status());
    }

    @Test
    void anEmptyNonTerminalIsProvenByTheNsecBeforeItsChild() {
        List<NSECRecord> chain = nsecChain(zone());
        NSECRecord before = covering(chain, "y.z.test.");
        assertEquals(name("x.y.z.test."), before.getNext());
        assertEquals(DnssecStatus.SECURE, nsec(before).noData(name("y.z.test."), Type.A).status());
        assertEquals(Denial.Cut.NOT_A_CUT, nsec(before).dsCut(name("y.z.test.")));
    }

    @Test
    void theParentsNsecAtADelegationProvesNothingBelowIt() {
        List<NSECRecord> chain = nsecChain(zone());
        NSECRecord deleg = at(chain, "deleg.z.test.");
        // RFC 6840 4.1: www.deleg.z.test sorts right after deleg.z.test, but that NSEC is no proof for the child's names
        assertEquals(DnssecStatus.BOGUS, nsec(chain.toArray(NSECRecord[]::new)).nameError(name("www.deleg.z.test.")).status());
        // and for a type the child holds, the parent's NSEC says: unsigned child, insecure
        assertEquals(DnssecStatus.INSECURE, nsec(deleg).noData(name("deleg.z.test."), Type.MX).status());
    }

    @Test
    void dsQuestionsClassifyZoneCuts() {
        List<NSECRecord> chain = nsecChain(zone());
        Denial all = nsec(chain.toArray(NSECRecord[]::new));
        assertEquals(Denial.Cut.INSECURE_DELEGATION, all.dsCut(name("deleg.z.test.")));
        assertEquals(Denial.Cut.NOT_A_CUT, all.dsCut(name("a.z.test.")));
        assertEquals(Denial.Cut.NOT_A_CUT, all.dsCut(name("nothing.z.test.")));
        // the NSEC says the DS exists: a negative answer contradicts it
        assertEquals(Denial.Cut.BOGUS, all.dsCut(name("sec.z.test.")));
        // the child's own apex NSEC (SOA set) cannot prove the parent has no DS
        NSECRecord childApex = new NSECRecord(name("deleg.z.test."), DClass.IN, 300, name("ns.deleg.z.test."), APEX);
        assertEquals(Denial.Cut.BOGUS, new Denial(name("deleg.z.test."), List.of(childApex), List.of())
                .dsCut(name("deleg.z.test.")));
        assertEquals(Denial.Cut.BOGUS, new Denial(ZONE, List.of(), List.of()).dsCut(name("deleg.z.test.")));
    }

    @Test
    void aWildcardAnswerNeedsTheNameDeniedBelowTheRightEncloser() {
        List<NSECRecord> chain = nsecChain(zone());
        NSECRecord cover = covering(chain, "foo.w.z.test.");
        assertEquals(name("*.w.z.test."), cover.getName());
        assertEquals(DnssecStatus.SECURE, nsec(cover).wildcardAnswer(name("foo.w.z.test."), name("w.z.test.")).status());
        // a signature claiming expansion from *.z.test while the NSEC shows w.z.test exists
        assertEquals(DnssecStatus.BOGUS, nsec(cover).wildcardAnswer(name("foo.w.z.test."), name("z.test.")).status());
        assertEquals(DnssecStatus.BOGUS, nsec().wildcardAnswer(name("foo.w.z.test."), name("w.z.test.")).status());
    }

    @Test
    void aWildcardWithoutTheTypeIsANodataProof() {
        List<NSECRecord> chain = nsecChain(zone());
        NSECRecord cover = covering(chain, "foo.w.z.test.");
        // cover is the wildcard's own NSEC here: it covers foo and shows *.w has MX but not A
        assertEquals(DnssecStatus.SECURE, nsec(cover).noData(name("foo.w.z.test."), Type.A).status());
        assertEquals(DnssecStatus.BOGUS, nsec(cover).noData(name("foo.w.z.test."), Type.MX).status());
    }

    // --- NSEC3

    private static final base32 HEX = new base32(base32.Alphabet.BASE32HEX, false, false);

    private static byte[] hash(Name n, int iterations) {
        try {
            return new NSEC3Record(ZONE, DClass.IN, 0, 1, 0, iterations, null, new byte[20], new int[0]).hashName(n);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The NSEC3 chain of the names given (types per name), with opt-out flags if asked. */
    private static List<NSEC3Record> nsec3Chain(Map<String, int[]> names, boolean optOut, int iterations) {
        TreeMap<String, int[]> byHash = new TreeMap<>();
        Map<String, byte[]> raw = new LinkedHashMap<>();
        for (var e : names.entrySet()) {
            byte[] h = hash(name(e.getKey()), iterations);
            String text = HEX.toString(h);
            byHash.put(text, e.getValue());
            raw.put(text, h);
        }
        List<String> order = new ArrayList<>(byHash.keySet());
        List<NSEC3Record> out = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            String h = order.get(i);
            Name owner = name(h.toLowerCase(Locale.ROOT) + "." + ZONE);
            out.add(new NSEC3Record(owner, DClass.IN, 300, 1, optOut ? 1 : 0, iterations, null,
                    raw.get(order.get((i + 1) % order.size())), byHash.get(h)));
        }
        return out;
    }

    private static Map<String, int[]> n3zone(boolean withInsecureDelegation) {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("z.test.", new int[] {Type.SOA, Type.NS, Type.DNSKEY, Type.NSEC3PARAM, Type.RRSIG});
        m.put("a.z.test.", new int[] {Type.A, Type.RRSIG});
        m.put("sec.z.test.", new int[] {Type.NS, Type.DS, Type.RRSIG});
        if (withInsecureDelegation) {
            m.put("deleg.z.test.", new int[] {Type.NS});
        }
        return m;
    }

    private static NSEC3Record matching3(List<NSEC3Record> chain, String n) {
        byte[] h = hash(name(n), chain.get(0).getIterations());
        String label = HEX.toString(h).toLowerCase(Locale.ROOT);
        return chain.stream().filter(r -> r.getName().getLabelString(0).equals(label)).findFirst().orElse(null);
    }

    private static NSEC3Record covering3(List<NSEC3Record> chain, String n) {
        byte[] h = hash(name(n), chain.get(0).getIterations());
        for (NSEC3Record r : chain) {
            byte[] owner = HEX.fromString(r.getName().getLabelString(0).toUpperCase(Locale.ROOT));
            byte[] next = r.getNext();
            boolean last = Arrays.compareUnsigned(next, owner) <= 0;
            if ((Arrays.compareUnsigned(owner, h) < 0 && Arrays.compareUnsigned(h, next) < 0)
                    || (last && (Arrays.compareUnsigned(h, owner) > 0 || Arrays.compareUnsigned(h, next) < 0))) {
                return r;
            }
        }
        throw new AssertionError("no NSEC3 covers " + n);
    }

    private static Denial nsec3(NSEC3Record... records) {
        return new Denial(ZONE, List.of(), List.of(records));
    }

    @Test
    void nsec3NxdomainIsTheClosestEncloserProofAndNoWildcard() {
        List<NSEC3Record> chain = nsec3Chain(n3zone(true), false, 0);
        NSEC3Record ce = matching3(chain, "z.test.");
        NSEC3Record nextCloser = covering3(chain, "b.z.test.");
        NSEC3Record wildcard = covering3(chain, "*.z.test.");
        assertEquals(DnssecStatus.SECURE, nsec3(ce, nextCloser, wildcard).nameError(name("b.z.test.")).status());
        assertEquals(DnssecStatus.SECURE, nsec3(ce, nextCloser, wildcard).nameError(name("x.b.z.test.")).status());
        if (!wildcard.equals(nextCloser)) {
            assertEquals(DnssecStatus.BOGUS, nsec3(ce, nextCloser).nameError(name("b.z.test.")).status());
        }
        if (!ce.equals(nextCloser) && !ce.equals(wildcard)) {
            assertEquals(DnssecStatus.BOGUS, nsec3(nextCloser, wildcard).nameError(name("b.z.test.")).status());
        }
        // a name that exists cannot be denied
        assertEquals(DnssecStatus.BOGUS, nsec3(chain.toArray(NSEC3Record[]::new)).nameError(name("a.z.test.")).status());
    }

    @Test
    void nsec3NodataAndDelegations() {
        List<NSEC3Record> chain = nsec3Chain(n3zone(true), false, 0);
        Denial all = nsec3(chain.toArray(NSEC3Record[]::new));
        assertEquals(DnssecStatus.SECURE, all.noData(name("a.z.test."), Type.MX).status());
        assertEquals(DnssecStatus.BOGUS, all.noData(name("a.z.test."), Type.A).status());
        assertEquals(Denial.Cut.INSECURE_DELEGATION, all.dsCut(name("deleg.z.test.")));
        assertEquals(Denial.Cut.NOT_A_CUT, all.dsCut(name("a.z.test.")));
        assertEquals(Denial.Cut.BOGUS, all.dsCut(name("sec.z.test.")));
        assertEquals(Denial.Cut.NOT_A_CUT, all.dsCut(name("nothing.z.test.")));
    }

    @Test
    void nsec3OptOutLeavesUnsignedDelegationsInsecure() {
        // with opt-out the unsigned delegation has no NSEC3 of its own; the span that covers it is flagged
        List<NSEC3Record> chain = nsec3Chain(n3zone(false), true, 0);
        Denial proof = nsec3(matching3(chain, "z.test."), covering3(chain, "deleg.z.test."));
        assertEquals(Denial.Cut.INSECURE_UNPROVEN, proof.dsCut(name("deleg.z.test.")));
        // RFC 5155 9.2: an NXDOMAIN resting on an opt-out span is not secure either
        Denial nx = nsec3(matching3(chain, "z.test."), covering3(chain, "b.z.test."), covering3(chain, "*.z.test."));
        assertEquals(DnssecStatus.INSECURE, nx.nameError(name("b.z.test.")).status());
        // without opt-out the same absence means: no such name, so no zone cut
        List<NSEC3Record> strict = nsec3Chain(n3zone(false), false, 0);
        assertEquals(Denial.Cut.NOT_A_CUT, nsec3(matching3(strict, "z.test."), covering3(strict, "deleg.z.test."))
                .dsCut(name("deleg.z.test.")));
    }

    @Test
    void tooManyNsec3IterationsProveNothingSecure() {
        List<NSEC3Record> chain = nsec3Chain(n3zone(true), false, Denial.MAX_NSEC3_ITERATIONS + 1);
        Denial all = nsec3(chain.toArray(NSEC3Record[]::new));
        assertEquals(DnssecStatus.INSECURE, all.nameError(name("b.z.test.")).status());
        assertEquals(DnssecStatus.INSECURE, all.noData(name("a.z.test."), Type.MX).status());
        List<NSEC3Record> fine = nsec3Chain(n3zone(true), false, Denial.MAX_NSEC3_ITERATIONS);
        assertEquals(DnssecStatus.SECURE, nsec3(fine.toArray(NSEC3Record[]::new)).noData(name("a.z.test."), Type.MX).status());
    }

    @Test
    void nsec3RecordsOfAnotherZoneOrUnknownFlagsAreIgnored() {
        List<NSEC3Record> chain = nsec3Chain(n3zone(true), false, 0);
        Denial elsewhere = new Denial(name("other.test."), List.of(), chain);
        assertEquals(true, elsewhere.empty());
        List<NSEC3Record> flagged = chain.stream().map(r -> new NSEC3Record(r.getName(), DClass.IN, 300, 1, 2, 0, null,
                r.getNext(), r.getTypes())).toList();
        assertEquals(true, new Denial(ZONE, List.of(), flagged).empty());
    }

    private static Name name(String s) {
        return Name.fromConstantString(s);
    }
}
