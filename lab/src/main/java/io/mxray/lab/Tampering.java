package io.mxray.lab;

import io.mxray.lab.dns.LabZone;
import io.mxray.lab.dns.Tamper;
import io.mxray.lab.dns.ZoneSpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The lab's hostile responder: adds to a genuine response what an attacker between a scanner
 * and its resolver would ({@link Tamper}). Every forged record points at a decoy on loopback
 * ({@code 127.0.0.2}, {@code ::1}) or at a name under {@code .invalid}, so a scanner fooled by
 * one shows it in its results without contacting anything outside the lab.
 */
final class Tampering {
    static final String DECOY_V4 = "127.0.0.2";
    static final String DECOY_V6 = "::1";
    private static final long TTL = 300;

    private Tampering() {
    }

    static void apply(LabZone zone, Name qname, int qtype, Message response) {
        for (Tamper t : zone.tampers()) {
            switch (t) {
                case FOREIGN_CLASS -> foreignClass(qname, qtype, response);
                case EXTRA_CNAME -> extraCname(zone, qtype, response);
            }
        }
    }

    /** Class-CH records at the name asked: of the type asked, and an alias to a decoy. */
    private static void foreignClass(Name qname, int qtype, Message m) {
        Record forged = decoy(qname, qtype, DClass.CH);
        if (forged != null) {
            m.addRecord(forged, Section.ANSWER);
        }
        if (qtype != Type.CNAME) {
            m.addRecord(new CNAMERecord(qname, DClass.CH, TTL, decoyName()), Section.ANSWER);
        }
    }

    /** For every alias of the answer, a second one to a decoy name, and the decoy's record of the type asked. */
    private static void extraCname(LabZone zone, int qtype, Message m) {
        List<Record> aliases = new ArrayList<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            if (r instanceof CNAMERecord && r.getDClass() == DClass.IN) {
                aliases.add(r);
            }
        }
        for (Record alias : aliases) {
            Name decoy = name("decoy." + zone.origin());
            m.addRecord(new CNAMERecord(alias.getName(), DClass.IN, TTL, decoy), Section.ANSWER);
            Record data = decoy(decoy, qtype, DClass.IN);
            if (data != null) {
                m.addRecord(data, Section.ANSWER);
            }
        }
    }

    private static Record decoy(Name owner, int type, int dclass) {
        try {
            return switch (type) {
                case Type.A -> new ARecord(owner, dclass, TTL, InetAddress.getByName(DECOY_V4));
                case Type.AAAA -> new AAAARecord(owner, dclass, TTL, InetAddress.getByName(DECOY_V6));
                case Type.MX -> new MXRecord(owner, dclass, TTL, 0, decoyName());
                case Type.TLSA -> new TLSARecord(owner, dclass, TTL, 3, 1, 1, new byte[32]);
                case Type.TXT -> new TXTRecord(owner, dclass, TTL, "v=STSv1; id=decoy");
                default -> null;
            };
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Name decoyName() {
        return name("mx.decoy.invalid.");
    }

    private static Name name(String s) {
        return ZoneSpec.name(s);
    }
}
