package io.mxray.lab.dns;

import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;

/**
 * What one zone says about one question, before it becomes a message.
 *
 * @param cnameTarget for {@link Kind#CNAME}, the name to continue with
 */
public record ZoneAnswer(Kind kind, List<RRset> answer, List<RRset> authority, List<RRset> additional,
                         Name cnameTarget) {
    public enum Kind { ANSWER, CNAME, NODATA, NXDOMAIN, REFERRAL }

    public ZoneAnswer {
        answer = List.copyOf(answer);
        authority = List.copyOf(authority);
        additional = List.copyOf(additional);
    }
}
