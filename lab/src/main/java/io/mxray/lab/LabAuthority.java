package io.mxray.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * Answers DNS queries from the zones the lab holds, as an authoritative server that holds every
 * zone of the lab (so that one address serves as the scanner's resolver). Pure: message in,
 * message out; the network side is {@link LabDnsServer}.
 */
public final class LabAuthority {
    /** Bound on CNAME chasing inside the lab's own zones. */
    private static final int MAX_CNAME_CHAIN = 8;
    /** The EDNS0 UDP payload size the lab advertises (the DNS flag day 2020 value). */
    public static final int EDNS_UDP_SIZE = 1232;

    private final Map<Name, Zone> zones = new TreeMap<>();

    public LabAuthority(List<Zone> zones) {
        for (Zone z : zones) {
            this.zones.put(z.getOrigin(), z);
        }
    }

    /** The zone with the longest origin that contains {@code name}, or null. */
    Zone zoneFor(Name name) {
        Name n = name;
        while (true) {
            Zone z = zones.get(n);
            if (z != null) {
                return z;
            }
            if (n.labels() <= 1) {
                return null;
            }
            n = new Name(n, 1);
        }
    }

    public Message answer(Message query) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        OPTRecord opt = query.getOPT();
        if (opt != null) {
            response.addRecord(new OPTRecord(EDNS_UDP_SIZE, 0, 0, opt.getFlags() & 0x8000), Section.ADDITIONAL);
        }
        Record question = query.getQuestion();
        if (question == null || query.getHeader().getOpcode() != 0) {
            response.getHeader().setRcode(question == null ? Rcode.FORMERR : Rcode.NOTIMP);
            return response;
        }
        response.addRecord(question, Section.QUESTION);
        if (question.getDClass() != DClass.IN) {
            response.getHeader().setRcode(Rcode.REFUSED);
            return response;
        }
        Name qname = question.getName();
        int qtype = question.getType();
        Zone zone = zoneFor(qname);
        if (zone == null) {
            response.getHeader().setRcode(Rcode.REFUSED);
            return response;
        }
        response.getHeader().setFlag(Flags.AA);
        List<Name> seen = new ArrayList<>();
        for (int i = 0; i <= MAX_CNAME_CHAIN; i++) {
            seen.add(qname);
            SetResponse sr = zone.findRecords(qname, qtype);
            if (sr.isSuccessful()) {
                for (RRset set : sr.answers()) {
                    set.rrs(false).forEach(r -> response.addRecord(r, Section.ANSWER));
                }
                return response;
            }
            if (sr.isCNAME() && qtype != Type.CNAME) {
                CNAMERecord cname = sr.getCNAME();
                response.addRecord(cname, Section.ANSWER);
                Name target = cname.getTarget();
                Zone next = zoneFor(target);
                if (next == null || seen.contains(target)) {
                    // the target lies outside the lab (or loops): the client chases it itself
                    return response;
                }
                zone = next;
                qname = target;
                continue;
            }
            if (sr.isNXDOMAIN()) {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            // NXDOMAIN and NODATA carry the SOA for negative caching (RFC 2308)
            response.addRecord(zone.getSOA(), Section.AUTHORITY);
            return response;
        }
        response.getHeader().setRcode(Rcode.SERVFAIL);
        return response;
    }

    /** The largest response a client accepts over UDP, from its EDNS0 record (512 without). */
    public static int maxUdpSize(Message query) {
        OPTRecord opt = query.getOPT();
        if (opt == null) {
            return 512;
        }
        return Math.max(512, Math.min(opt.getPayloadSize(), EDNS_UDP_SIZE));
    }
}
