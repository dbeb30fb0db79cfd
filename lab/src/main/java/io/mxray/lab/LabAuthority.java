package io.mxray.lab;

import io.mxray.lab.dns.LabZone;
import io.mxray.lab.dns.ZoneAnswer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers DNS queries from every zone the lab holds, so that one address serves as the scanner's
 * resolver: a question goes to the deepest zone that contains its name (a DS question to the
 * parent side of the cut, RFC 4035 section 3.1.4.1), CNAMEs are followed across the lab's zones,
 * and with the DO bit the RRSIGs and the NSEC/NSEC3 proofs come along. Pure: message in, message
 * out; the network side is {@link LabDnsServer}.
 */
public final class LabAuthority {
    /** Bound on CNAME chasing inside the lab's own zones. */
    private static final int MAX_CNAME_CHAIN = 8;
    /** The EDNS0 UDP payload size the lab advertises (the DNS flag day 2020 value). */
    public static final int EDNS_UDP_SIZE = 1232;

    private final Map<Name, LabZone> zones = new HashMap<>();
    private final AtomicLong answered = new AtomicLong();

    public LabAuthority(List<LabZone> zones) {
        for (LabZone z : zones) {
            if (this.zones.put(z.origin(), z) != null) {
                throw new IllegalArgumentException("zone " + z.origin() + " given twice");
            }
        }
    }

    public LabZone zone(Name origin) {
        return zones.get(origin);
    }

    public int zoneCount() {
        return zones.size();
    }

    /** The zone that answers (qname, qtype), or null when the lab holds none. */
    LabZone zoneFor(Name qname, int qtype) {
        Name n = qname;
        if (qtype == Type.DS && zones.containsKey(qname) && qname.labels() > 1) {
            n = new Name(qname, 1); // the DS lives on the parent side of the cut
        }
        while (true) {
            LabZone z = zones.get(n);
            if (z != null) {
                return z;
            }
            if (n.labels() <= 1) {
                return null;
            }
            n = new Name(n, 1);
        }
    }

    /** Questions answered so far (benchmarks count the queries a scan costs). */
    public long answered() {
        return answered.get();
    }

    /**
     * The response to {@code query}: what the zones say, tampered with when the zone of the name
     * asked is one of the lab's hostile ones ({@link io.mxray.lab.dns.Tamper}).
     */
    public Message answer(Message query) {
        Message response = honest(query);
        Record q = query.getQuestion();
        LabZone zone = q == null || q.getDClass() != DClass.IN ? null : zoneFor(q.getName(), q.getType());
        if (zone != null && !zone.tampers().isEmpty()) {
            Tampering.apply(zone, q.getName(), q.getType(), response);
        }
        return response;
    }

    private Message honest(Message query) {
        answered.incrementAndGet();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        if (query.getHeader().getFlag(Flags.CD)) {
            response.getHeader().setFlag(Flags.CD);
        }
        OPTRecord opt = query.getOPT();
        boolean dnssecOk = opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
        if (opt != null) {
            response.addRecord(new OPTRecord(EDNS_UDP_SIZE, 0, 0, dnssecOk ? ExtendedFlags.DO : 0),
                    Section.ADDITIONAL);
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
        List<Name> seen = new ArrayList<>();
        for (int step = 0; step <= MAX_CNAME_CHAIN; step++) {
            LabZone zone = zoneFor(qname, qtype);
            if (zone == null) {
                if (step == 0) {
                    response.getHeader().setRcode(Rcode.REFUSED);
                }
                return response; // a CNAME that leaves the lab: the client follows it itself
            }
            seen.add(qname);
            ZoneAnswer za = zone.lookup(qname, qtype);
            if (za.kind() != ZoneAnswer.Kind.REFERRAL) {
                response.getHeader().setFlag(Flags.AA);
            } else {
                response.getHeader().unsetFlag(Flags.AA);
            }
            add(response, zone, za.answer(), Section.ANSWER, dnssecOk);
            add(response, zone, za.authority(), Section.AUTHORITY, dnssecOk);
            add(response, zone, za.additional(), Section.ADDITIONAL, false);
            switch (za.kind()) {
                case CNAME -> {
                    if (seen.contains(za.cnameTarget())) {
                        return response; // a loop: what was sent shows it
                    }
                    qname = za.cnameTarget();
                }
                case NXDOMAIN -> {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                    return response;
                }
                default -> {
                    return response;
                }
            }
        }
        response.getHeader().setRcode(Rcode.SERVFAIL);
        return response;
    }

    private static void add(Message m, LabZone zone, List<RRset> sets, int section, boolean withSignatures) {
        for (RRset set : sets) {
            if (m.findRRset(set.getName(), set.getType(), section)) {
                continue;
            }
            for (Record r : set.rrs(false)) {
                m.addRecord(r, section);
            }
            if (withSignatures) {
                for (RRSIGRecord sig : zone.signaturesFor(set)) {
                    m.addRecord(sig, section);
                }
            }
        }
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
