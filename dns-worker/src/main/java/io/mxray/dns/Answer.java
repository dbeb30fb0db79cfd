package io.mxray.dns;

import io.mxray.schema.DnssecStatus;
import io.mxray.schema.LookupOutcome;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The parsed result of one lookup.
 *
 * @param records    the records of the type asked, owned by the final name of the CNAME chain
 * @param cnameChain the CNAME targets followed from the name asked, in order
 * @param reason     a stable key for a failure (for example {@code rcode-refused}), or null
 * @param dnssec     the validator's status for the answer (null when not validated)
 * @param dnssecReason the validator's reason key when bogus or indeterminate
 */
record Answer(LookupOutcome outcome, String reason, List<Record> records, List<Name> cnameChain,
              DnssecStatus dnssec, String dnssecReason) {
    Answer {
        records = List.copyOf(records);
        cnameChain = List.copyOf(cnameChain);
    }

    Answer(LookupOutcome outcome, String reason, List<Record> records, List<Name> cnameChain) {
        this(outcome, reason, records, cnameChain, null, null);
    }

    static Answer failure(LookupOutcome outcome, String reason) {
        return new Answer(outcome, reason, List.of(), List.of());
    }

    Answer withDnssec(DnssecStatus status, String why) {
        return new Answer(outcome, reason, records, cnameChain, status, why);
    }

    boolean isFailure() {
        return outcome == LookupOutcome.SERVFAIL || outcome == LookupOutcome.TIMEOUT
                || outcome == LookupOutcome.ERROR;
    }
}
