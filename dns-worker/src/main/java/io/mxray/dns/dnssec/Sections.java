package io.mxray.dns.dnssec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The answer and authority sections of a response as RRsets with their signatures. */
final class Sections {
    private final List<SignedSet> answer;
    private final List<SignedSet> authority;

    private Sections(List<SignedSet> answer, List<SignedSet> authority) {
        this.answer = answer;
        this.authority = authority;
    }

    static Sections of(Message m) {
        return new Sections(group(m.getSection(Section.ANSWER)), group(m.getSection(Section.AUTHORITY)));
    }

    private record Key(Name name, int type) {
    }

    private static final class Builder {
        final RRset data = new RRset();
        final List<RRSIGRecord> sigs = new ArrayList<>(2);
    }

    private static List<SignedSet> group(List<Record> records) {
        if (records.isEmpty()) {
            return List.of();
        }
        Map<Key, Builder> sets = new LinkedHashMap<>();
        for (Record r : records) {
            if (r.getDClass() != DClass.IN) {
                continue;
            }
            if (r instanceof RRSIGRecord sig) {
                sets.computeIfAbsent(new Key(r.getName(), sig.getTypeCovered()), k -> new Builder()).sigs.add(sig);
            } else {
                sets.computeIfAbsent(new Key(r.getName(), r.getType()), k -> new Builder()).data.addRR(r);
            }
        }
        List<SignedSet> out = new ArrayList<>(sets.size());
        sets.forEach((k, b) -> {
            if (b.data.size() > 0) { // signatures without their records prove nothing
                out.add(new SignedSet(k.name(), k.type(), b.data, List.copyOf(b.sigs)));
            }
        });
        return out;
    }

    SignedSet answer(Name name, int type) {
        for (SignedSet s : answer) {
            if (s.type() == type && s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** A DNAME of the answer section whose owner is a proper ancestor of {@code name}, or null. */
    SignedSet dnameAbove(Name name) {
        for (SignedSet s : answer) {
            if (s.type() == Type.DNAME && name.subdomain(s.name()) && !name.equals(s.name())
                    && s.first() instanceof DNAMERecord) {
                return s;
            }
        }
        return null;
    }

    List<SignedSet> authority(int type) {
        List<SignedSet> out = new ArrayList<>(2);
        for (SignedSet s : authority) {
            if (s.type() == type) {
                out.add(s);
            }
        }
        return out;
    }
}
