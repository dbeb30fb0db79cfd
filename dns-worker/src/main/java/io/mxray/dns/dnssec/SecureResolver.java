package io.mxray.dns.dnssec;

import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Name;

/** Answers a question with the response and its DNSSEC status. */
public interface SecureResolver {
    /**
     * Completes with the response and its status; completes exceptionally only when no response
     * came (timeout, network error, unparsable response), never because of what DNSSEC says.
     */
    CompletionStage<Validated> resolve(Name name, int type);
}
