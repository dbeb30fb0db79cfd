package io.mxray.dns;

import static io.mxray.dns.ScriptedResolver.name;

import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.function.Function;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Builders of DNS responses for the scripted resolver. */
final class Answers {
    private Answers() {
    }

    static Message reply(Message query, int rcode, Record... answers) {
        Message m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rcode);
        m.addRecord(query.getQuestion(), Section.QUESTION);
        for (Record r : answers) {
            m.addRecord(r, Section.ANSWER);
        }
        return m;
    }

    static Function<Message, Message> records(Record... rs) {
        return q -> reply(q, Rcode.NOERROR, rs);
    }

    /** The same answer, marked secure by the validator (AD). */
    static Function<Message, Message> secure(Function<Message, Message> step) {
        return q -> {
            Message m = step.apply(q);
            m.getHeader().setFlag(Flags.AD);
            return m;
        };
    }

    /** What the validator returns for bogus data: SERVFAIL with an Extended DNS Error (RFC 8914). */
    static Function<Message, Message> bogus(int edeCode) {
        return q -> {
            Message m = reply(q, Rcode.SERVFAIL);
            m.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 0, 0, java.util.List.of(
                    new org.xbill.DNS.ExtendedErrorCodeOption(edeCode, "scripted"))), Section.ADDITIONAL);
            return m;
        };
    }

    static org.xbill.DNS.TXTRecord txt(String owner, String text) {
        return new org.xbill.DNS.TXTRecord(name(owner), DClass.IN, 300, text);
    }

    static org.xbill.DNS.TLSARecord tlsa(String owner, int usage, int selector, int matching, String hex) {
        return new org.xbill.DNS.TLSARecord(name(owner), DClass.IN, 300, usage, selector, matching,
                java.util.HexFormat.of().parseHex(hex));
    }

    static Function<Message, Message> rcode(int rcode) {
        return q -> reply(q, rcode);
    }

    static Function<Message, Message> nodata() {
        return rcode(Rcode.NOERROR);
    }

    static Function<Message, Message> timeout() {
        return q -> {
            throw new RuntimeException(new SocketTimeoutException("scripted timeout"));
        };
    }

    static MXRecord mx(String owner, int pref, String target) {
        return new MXRecord(name(owner), DClass.IN, 300, pref, target.equals(".") ? Name.root : name(target));
    }

    static ARecord a(String owner, String ip) {
        return new ARecord(name(owner), DClass.IN, 300, addr(ip));
    }

    static AAAARecord aaaa(String owner, String ip) {
        return new AAAARecord(name(owner), DClass.IN, 300, addr(ip));
    }

    static CNAMERecord cname(String owner, String target) {
        return new CNAMERecord(name(owner), DClass.IN, 300, name(target));
    }

    private static InetAddress addr(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
