package io.mxray.dns;

import io.mxray.schema.LookupOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Turns a response into an {@link Answer}: the rcode into an outcome, and the answer section
 * into the records of the type asked at the end of the CNAME chain. Records that are not on the
 * chain from the name asked, or not of class IN, are ignored (they may be spoofed or stray
 * additional data); an alias with more than one target is an error, never a choice between them.
 */
final class AnswerParser {
    /** RFC 1034 does not bound CNAME chains; resolvers use about 8 to 16. */
    static final int MAX_CNAME_CHAIN = 12;
    /** More records than this of one type at one name is not a sane answer. */
    static final int MAX_RECORDS = 64;

    private AnswerParser() {
    }

    static Answer parse(Name qname, int qtype, Message response) {
        int rcode = response.getRcode();
        List<Record> answer = response.getSection(Section.ANSWER);
        List<Name> chain = new ArrayList<>();
        Name current = qname;
        List<Record> found = new ArrayList<>();
        while (true) {
            found.clear();
            CNAMERecord cname = null;
            int cnames = 0;
            for (Record r : answer) {
                if (r.getDClass() != DClass.IN || !r.getName().equals(current)) {
                    continue;
                }
                if (r.getType() == qtype) {
                    found.add(r);
                } else if (r instanceof CNAMERecord c && (cname == null || !cname.getTarget().equals(c.getTarget()))) {
                    cname = c;
                    cnames++;
                }
            }
            if (found.isEmpty() && cnames > 1) {
                // RFC 2181 section 10.1: one target per alias
                return new Answer(LookupOutcome.ERROR, "cname-not-singleton", List.of(), chain);
            }
            if (!found.isEmpty() || cname == null) {
                break;
            }
            if (chain.size() >= MAX_CNAME_CHAIN || chain.contains(cname.getTarget()) || cname.getTarget().equals(qname)) {
                return new Answer(LookupOutcome.ERROR, "cname-chain-too-long-or-looping", List.of(), chain);
            }
            current = cname.getTarget();
            chain.add(current);
        }
        if (found.size() > MAX_RECORDS) {
            return new Answer(LookupOutcome.ERROR, "too-many-records", List.of(), chain);
        }
        if (rcode == Rcode.NOERROR) {
            return new Answer(found.isEmpty() ? LookupOutcome.NODATA : LookupOutcome.OK, null, found, chain);
        }
        if (rcode == Rcode.NXDOMAIN) {
            return new Answer(LookupOutcome.NXDOMAIN, null, List.of(), chain);
        }
        if (rcode == Rcode.SERVFAIL) {
            return new Answer(LookupOutcome.SERVFAIL, "servfail", List.of(), chain);
        }
        return new Answer(LookupOutcome.ERROR, "rcode-" + Rcode.string(rcode).toLowerCase(Locale.ROOT),
                List.of(), chain);
    }
}
