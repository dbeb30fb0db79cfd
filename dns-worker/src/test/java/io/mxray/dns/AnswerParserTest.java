package io.mxray.dns;

import static io.mxray.dns.Answers.a;
import static io.mxray.dns.Answers.cname;
import static io.mxray.dns.Answers.reply;
import static io.mxray.dns.ScriptedResolver.name;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mxray.schema.LookupOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class AnswerParserTest {
    private static Message query(String n, int type) {
        return Message.newQuery(Record.newRecord(name(n), type, DClass.IN));
    }

    private static Answer parse(String n, int type, int rcode, Record... rs) {
        return AnswerParser.parse(name(n), type, reply(query(n, type), rcode, rs));
    }

    @Test
    void recordsOfTheTypeAtTheName() {
        Answer ans = parse("mx.example", Type.A, Rcode.NOERROR, a("mx.example", "192.0.2.1"), a("mx.example", "192.0.2.2"));
        assertEquals(LookupOutcome.OK, ans.outcome());
        assertEquals(2, ans.records().size());
        assertEquals(List.of(), ans.cnameChain());
    }

    @Test
    void aCnameChainIsFollowedAndRecorded() {
        Answer ans = parse("mx.example", Type.A, Rcode.NOERROR, cname("mx.example", "mail.provider.example"),
                cname("mail.provider.example", "host7.provider.example"), a("host7.provider.example", "192.0.2.7"));
        assertEquals(LookupOutcome.OK, ans.outcome());
        assertEquals(List.of(name("mail.provider.example"), name("host7.provider.example")), ans.cnameChain());
        assertEquals(name("host7.provider.example"), ans.records().get(0).getName());
    }

    @Test
    void recordsOffTheChainAreIgnored() {
        // a stray address for another name must not become this host's address
        Answer ans = parse("mx.example", Type.A, Rcode.NOERROR, a("evil.example", "192.0.2.66"));
        assertEquals(LookupOutcome.NODATA, ans.outcome());
        assertEquals(List.of(), ans.records());
    }

    @Test
    void aCnameToNothingIsNodataAndNxdomainAtTheEndIsNxdomain() {
        assertEquals(LookupOutcome.NODATA,
                parse("mx.example", Type.A, Rcode.NOERROR, cname("mx.example", "gone.example")).outcome());
        Answer nx = parse("mx.example", Type.A, Rcode.NXDOMAIN, cname("mx.example", "gone.example"));
        assertEquals(LookupOutcome.NXDOMAIN, nx.outcome());
        assertEquals(List.of(name("gone.example")), nx.cnameChain());
    }

    @Test
    void recordsOfAnotherClassAreNotPartOfTheAnswer() {
        // a spoofed response: the genuine address and a class-CH one at the same name
        Answer ans = parse("mx.example", Type.A, Rcode.NOERROR, a("mx.example", "192.0.2.1"),
                Record.newRecord(name("mx.example"), Type.A, DClass.CH, 300, new byte[] {127, 0, 0, 2}),
                new org.xbill.DNS.CNAMERecord(name("mx.example"), DClass.CH, 300, name("decoy.example")));
        assertEquals(LookupOutcome.OK, ans.outcome());
        assertEquals(List.of(a("mx.example", "192.0.2.1")), ans.records());
        assertEquals(List.of(), ans.cnameChain());
    }

    @Test
    void anAliasWithTwoTargetsIsAnErrorNotAChoice() {
        // a DNAME-synthesized CNAME and a decoy CNAME at the same owner: neither is followed
        Answer ans = parse("mx.old.example", Type.A, Rcode.NOERROR, cname("mx.old.example", "mx.new.example"),
                a("mx.new.example", "192.0.2.1"), cname("mx.old.example", "decoy.example"), a("decoy.example", "127.0.0.2"));
        assertEquals(LookupOutcome.ERROR, ans.outcome());
        assertEquals("cname-not-singleton", ans.reason());
        assertEquals(List.of(), ans.records());
    }

    @Test
    void aCnameLoopIsAnError() {
        Answer ans = parse("a.example", Type.A, Rcode.NOERROR, cname("a.example", "b.example"),
                cname("b.example", "a.example"));
        assertEquals(LookupOutcome.ERROR, ans.outcome());
        assertEquals("cname-chain-too-long-or-looping", ans.reason());
    }

    @Test
    void anOverlongCnameChainIsAnError() {
        Record[] chain = new Record[AnswerParser.MAX_CNAME_CHAIN + 2];
        for (int i = 0; i < chain.length; i++) {
            chain[i] = cname("c" + i + ".example", "c" + (i + 1) + ".example");
        }
        assertEquals(LookupOutcome.ERROR, parse("c0.example", Type.A, Rcode.NOERROR, chain).outcome());
    }

    @Test
    void rcodesBecomeOutcomes() {
        assertEquals(LookupOutcome.NXDOMAIN, parse("x.example", Type.MX, Rcode.NXDOMAIN).outcome());
        assertEquals(LookupOutcome.SERVFAIL, parse("x.example", Type.MX, Rcode.SERVFAIL).outcome());
        Answer refused = parse("x.example", Type.MX, Rcode.REFUSED);
        assertEquals(LookupOutcome.ERROR, refused.outcome());
        assertEquals("rcode-refused", refused.reason());
    }
}
