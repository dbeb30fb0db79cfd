package io.mxray.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

class LabAuthorityTest {
    private static LabAuthority authority;
    private static EventLoopGroup group;

    private static Name n(String s) throws Exception {
        return Name.fromString(s);
    }

    @BeforeAll
    static void zones() throws Exception {
        Name origin = n("test.");
        List<Record> rs = new ArrayList<>(List.of(
                new SOARecord(origin, DClass.IN, 300, n("ns.test."), n("h.test."), 1, 3600, 600, 86400, 300),
                new NSRecord(origin, DClass.IN, 300, n("ns.test.")),
                new ARecord(n("ns.test."), DClass.IN, 300, InetAddress.getByName("127.0.0.53")),
                new CNAMERecord(n("alias.test."), DClass.IN, 300, n("host.test.")),
                new ARecord(n("host.test."), DClass.IN, 300, InetAddress.getByName("127.0.0.9")),
                new CNAMERecord(n("away.test."), DClass.IN, 300, n("elsewhere.example."))));
        for (int i = 0; i < 60; i++) {
            rs.add(new TXTRecord(n("big.test."), DClass.IN, 300, "padding record number " + i + " " + "x".repeat(40)));
        }
        authority = new LabAuthority(List.of(new Zone(origin, rs.toArray(Record[]::new))));
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully();
    }

    private static Message ask(String name, int type) throws Exception {
        return authority.answer(Message.newQuery(Record.newRecord(n(name), type, DClass.IN)));
    }

    @Test
    void anAnswerIsAuthoritative() throws Exception {
        Message m = ask("host.test.", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(m.getHeader().getFlag(Flags.AA));
        assertEquals(1, m.getSection(Section.ANSWER).size());
    }

    @Test
    void aCnameIsChasedInsideTheLab() throws Exception {
        List<Record> answer = ask("alias.test.", Type.A).getSection(Section.ANSWER);
        assertEquals(List.of(Type.CNAME, Type.A), answer.stream().map(Record::getType).toList());
    }

    @Test
    void aCnameLeavingTheLabIsReturnedAsIs() throws Exception {
        List<Record> answer = ask("away.test.", Type.A).getSection(Section.ANSWER);
        assertEquals(List.of(Type.CNAME), answer.stream().map(Record::getType).toList());
    }

    @Test
    void nxdomainAndNodataCarryTheSoa() throws Exception {
        Message nx = ask("missing.test.", Type.A);
        assertEquals(Rcode.NXDOMAIN, nx.getRcode());
        assertEquals(Type.SOA, nx.getSection(Section.AUTHORITY).get(0).getType());
        Message nodata = ask("host.test.", Type.MX);
        assertEquals(Rcode.NOERROR, nodata.getRcode());
        assertEquals(List.of(), nodata.getSection(Section.ANSWER));
        assertEquals(Type.SOA, nodata.getSection(Section.AUTHORITY).get(0).getType());
    }

    @Test
    void aNameOutsideTheLabIsRefused() throws Exception {
        assertEquals(Rcode.REFUSED, ask("example.org.", Type.A).getRcode());
    }

    @Test
    void aLargeAnswerIsTruncatedOverUdpAndCompleteOverTcp() throws Exception {
        LabDnsServer server = LabDnsServer.start(authority, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                group);
        try {
            Message q = Message.newQuery(Record.newRecord(n("big.test."), Type.TXT, DClass.IN));
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
    void theLabZoneHoldsEveryScenarioAsDeclared() throws Exception {
        List<Scenario> scenarios = Scenarios.basic();
        Zone zone = Lab.buildZone(scenarios, Map.of("mx.tls-valid.test", "127.9.1.1", "implicit-mx.test", "127.9.1.2"),
                InetAddress.getByName("127.9.0.53"));
        LabAuthority a = new LabAuthority(List.of(zone));
        Message nullMx = a.answer(Message.newQuery(Record.newRecord(n("null-mx.test."), Type.MX, DClass.IN)));
        assertEquals(Name.root, ((org.xbill.DNS.MXRecord) nullMx.getSection(Section.ANSWER).get(0)).getTarget());
        Message implicit = a.answer(Message.newQuery(Record.newRecord(n("implicit-mx.test."), Type.MX, DClass.IN)));
        assertEquals(List.of(), implicit.getSection(Section.ANSWER));
        assertEquals(Rcode.NXDOMAIN,
                a.answer(Message.newQuery(Record.newRecord(n("nxdomain.test."), Type.MX, DClass.IN))).getRcode());
    }
}
