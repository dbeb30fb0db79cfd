package io.mxray.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.dns.Fault;
import io.mxray.lab.dns.LabDnsBuilder;
import io.mxray.lab.dns.LabZone;
import io.mxray.lab.dns.ZoneSpec;
import io.mxray.lab.dns.ZoneSpec.Security;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The lab's authoritative answers, signed and unsigned. Signatures are checked here with dnsjava's
 * primitive; the whole chain is checked by an independent validator in {@link DelvCrossCheckTest}.
 */
class LabAuthorityTest {
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static LabAuthority authority;
    private static EventLoopGroup group;

    private static Name n(String s) {
        return ZoneSpec.name(s);
    }

    @BeforeAll
    static void zones() throws Exception {
        LabDnsBuilder b = new LabDnsBuilder(NOW, InetAddress.getByName("127.0.0.53"))
                .zone(ZoneSpec.of(".", Security.ECDSA_NSEC))
                .zone(ZoneSpec.of("test", Security.ECDSA_NSEC))
                .zone(ZoneSpec.of("example", Security.RSA_NSEC3))
                .zone(ZoneSpec.of("plain.test", Security.UNSIGNED))
                .zone(ZoneSpec.of("good.test", Security.ECDSA_NSEC))
                .zone(ZoneSpec.of("bad.test", Security.ECDSA_NSEC).withFault("bad.test", Type.MX, Fault.BROKEN_SIGNATURE))
                .zone(ZoneSpec.of("n3.example", Security.ECDSA_NSEC3))
                .record(new MXRecord(n("good.test"), DClass.IN, 300, 10, n("mx.good.test")))
                .record(new ARecord(n("mx.good.test"), DClass.IN, 300, InetAddress.getByName("127.0.0.9")))
                .record(new CNAMERecord(n("alias.good.test"), DClass.IN, 300, n("mx.good.test")))
                .record(new CNAMERecord(n("away.good.test"), DClass.IN, 300, n("elsewhere.org")))
                .record(new ARecord(n("a.b.c.good.test"), DClass.IN, 300, InetAddress.getByName("127.0.0.10")))
                .record(new MXRecord(n("bad.test"), DClass.IN, 300, 10, n("mx.good.test")))
                .record(new MXRecord(n("plain.test"), DClass.IN, 300, 10, n("mx.good.test")))
                .record(new MXRecord(n("n3.example"), DClass.IN, 300, 10, n("mx.good.test")));
        for (int i = 0; i < 60; i++) {
            b.record(new TXTRecord(n("big.good.test"), DClass.IN, 300, "padding record number " + i + " " + "x".repeat(40)));
        }
        LabDnsBuilder.Built built = b.build();
        authority = new LabAuthority(built.zones());
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully();
    }

    private static Message ask(String name, int type, boolean dnssec) {
        Message q = Message.newQuery(Record.newRecord(n(name), type, DClass.IN));
        if (dnssec) {
            q.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        }
        return authority.answer(q);
    }

    private static List<Integer> types(Message m, int section) {
        return m.getSection(section).stream().map(Record::getType).toList();
    }

    private static DNSKEYRecord keyOf(String zone, RRSIGRecord sig) {
        for (Record r : ask(zone, Type.DNSKEY, false).getSection(Section.ANSWER)) {
            DNSKEYRecord k = (DNSKEYRecord) r;
            if (k.getFootprint() == sig.getFootprint()) {
                return k;
            }
        }
        throw new AssertionError("no key " + sig.getFootprint() + " in " + zone);
    }

    private static void verify(Message m, int section, int type, String zone) throws Exception {
        RRset set = new RRset();
        RRSIGRecord sig = null;
        for (Record r : m.getSection(section)) {
            if (r.getType() == type) {
                set.addRR(r);
            } else if (r instanceof RRSIGRecord s && s.getTypeCovered() == type) {
                sig = s;
            }
        }
        assertTrue(sig != null, "no RRSIG over type " + Type.string(type));
        DNSSEC.verify(set, sig, keyOf(zone, sig), NOW);
    }

    @Test
    void anAnswerIsAuthoritativeAndSignedOnlyWhenDnssecIsAsked() throws Exception {
        Message plain = ask("mx.good.test", Type.A, false);
        assertTrue(plain.getHeader().getFlag(Flags.AA));
        assertEquals(List.of(Type.A), types(plain, Section.ANSWER));
        Message signed = ask("mx.good.test", Type.A, true);
        assertEquals(List.of(Type.A, Type.RRSIG), types(signed, Section.ANSWER));
        verify(signed, Section.ANSWER, Type.A, "good.test");
    }

    @Test
    void theDsComesFromTheParentSideOfTheCut() throws Exception {
        Message m = ask("good.test", Type.DS, true);
        assertEquals(List.of(Type.DS, Type.RRSIG), types(m, Section.ANSWER));
        verify(m, Section.ANSWER, Type.DS, "test");
        DSRecord ds = (DSRecord) m.getSection(Section.ANSWER).get(0);
        DNSKEYRecord ksk = (DNSKEYRecord) ask("good.test", Type.DNSKEY, false).getSection(Section.ANSWER).get(0);
        assertEquals(new DSRecord(n("good.test"), DClass.IN, 300, DSRecord.Digest.SHA256, ksk).rdataToString(),
                ds.rdataToString());
    }

    @Test
    void anUnsignedDelegationIsProvenToHaveNoDs() {
        Message m = ask("plain.test", Type.DS, true);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(List.of(), types(m, Section.ANSWER));
        NSECRecord nsec = (NSECRecord) m.getSection(Section.AUTHORITY).stream().filter(r -> r.getType() == Type.NSEC)
                .findFirst().orElseThrow();
        assertEquals(n("plain.test"), nsec.getName());
        assertTrue(nsec.hasType(Type.NS));
        assertFalse(nsec.hasType(Type.DS));
        // and the unsigned zone's own answers carry no signatures
        assertEquals(List.of(Type.MX), types(ask("plain.test", Type.MX, true), Section.ANSWER));
    }

    @Test
    void nxdomainIsProvenByNsecForTheNameAndTheWildcard() throws Exception {
        Message m = ask("nope.good.test", Type.A, true);
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
        List<Record> nsecs = m.getSection(Section.AUTHORITY).stream().filter(r -> r.getType() == Type.NSEC).toList();
        assertFalse(nsecs.isEmpty());
        Name q = n("nope.good.test");
        Name wildcard = n("*.good.test");
        assertTrue(nsecs.stream().anyMatch(r -> covers((NSECRecord) r, q)), "a record covers the name");
        assertTrue(nsecs.stream().anyMatch(r -> covers((NSECRecord) r, wildcard)), "a record covers the wildcard");
        verify(m, Section.AUTHORITY, Type.SOA, "good.test");
    }

    private static boolean covers(NSECRecord r, Name name) {
        return r.getName().compareTo(name) < 0 && (name.compareTo(r.getNext()) < 0 || r.getNext().equals(n("good.test")));
    }

    @Test
    void anEmptyNonTerminalIsNodataNotNxdomain() {
        Message m = ask("b.c.good.test", Type.A, true);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(List.of(), types(m, Section.ANSWER));
    }

    @Test
    void nsec3ZonesDenyWithHashedNames() {
        Message m = ask("nope.n3.example", Type.A, true);
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
        long nsec3 = m.getSection(Section.AUTHORITY).stream().filter(r -> r.getType() == Type.NSEC3).count();
        assertTrue(nsec3 >= 2 && nsec3 <= 3, "closest encloser, next closer, wildcard: " + nsec3);
        Message nodata = ask("n3.example", Type.A, true);
        NSEC3Record match = (NSEC3Record) nodata.getSection(Section.AUTHORITY).stream()
                .filter(r -> r.getType() == Type.NSEC3).findFirst().orElseThrow();
        assertTrue(match.hasType(Type.MX) && match.hasType(Type.SOA) && !match.hasType(Type.A));
    }

    @Test
    void aBrokenSignatureDoesNotVerify() {
        Message m = ask("bad.test", Type.MX, true);
        assertThrows(DNSSEC.DNSSECException.class, () -> verify(m, Section.ANSWER, Type.MX, "bad.test"));
    }

    @Test
    void theRootAndTheTldsAreSignedWithAKskAndAZsk() throws Exception {
        Message root = ask(".", Type.DNSKEY, true);
        long keys = root.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.DNSKEY).count();
        assertEquals(2, keys);
        verify(root, Section.ANSWER, Type.DNSKEY, ".");
        Message rsa = ask("example", Type.DNSKEY, true);
        assertEquals(DNSSEC.Algorithm.RSASHA256, ((DNSKEYRecord) rsa.getSection(Section.ANSWER).get(0)).getAlgorithm());
        verify(rsa, Section.ANSWER, Type.DNSKEY, "example");
    }

    @Test
    void aCnameIsChasedInsideTheLab() {
        assertEquals(List.of(Type.CNAME, Type.A), types(ask("alias.good.test", Type.A, false), Section.ANSWER));
    }

    @Test
    void aCnameToANameThatDoesNotExistEndsInNxdomain() {
        Message m = ask("away.good.test", Type.A, false);
        assertEquals(List.of(Type.CNAME), types(m, Section.ANSWER));
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
    }

    @Test
    void aNameUnderNoLabTldDoesNotExist() {
        // the lab holds the root, so a name outside the lab is an NXDOMAIN from the root, as on the Internet
        Message m = authority.answer(Message.newQuery(Record.newRecord(n("nope.org"), Type.A, DClass.IN)));
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
    }

    @Test
    void aLargeAnswerIsTruncatedOverUdpAndCompleteOverTcp() throws Exception {
        LabDnsServer server = LabDnsServer.start(authority, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                group);
        try {
            Message q = Message.newQuery(Record.newRecord(n("big.good.test"), Type.TXT, DClass.IN));
            byte[] udp = authority.answer(q).toWire(LabAuthority.maxUdpSize(q));
            assertTrue(udp.length <= 512);
            assertTrue(new Message(udp).getHeader().getFlag(Flags.TC), "truncated for a client without EDNS0");
            // dnsjava's resolver sees TC and retries over TCP by itself
            SimpleResolver r = new SimpleResolver(server.address());
            Message full = r.send(q);
            assertFalse(full.getHeader().getFlag(Flags.TC));
            assertEquals(60, full.getSection(Section.ANSWER).size());
        } finally {
            server.close();
        }
    }

    @Test
    void theRootIsNotOnlyTheApexOfEveryZone() {
        LabZone root = authority.zone(Name.root);
        assertTrue(root.isSigned());
        assertNull(authority.zone(n("nope.test")));
    }
}
