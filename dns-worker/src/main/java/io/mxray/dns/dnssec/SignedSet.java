package io.mxray.dns.dnssec;

import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;

/** One RRset of a response section and the RRSIGs that came with it. */
record SignedSet(Name name, int type, RRset data, List<RRSIGRecord> sigs) {
    Record first() {
        return data.first();
    }

    /** Signatures made by {@code signer}. */
    List<RRSIGRecord> sigsBy(Name signer) {
        return sigs.stream().filter(s -> s.getSigner().equals(signer)).toList();
    }
}
