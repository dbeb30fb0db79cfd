package io.mxray.dns.dnssec;

import io.mxray.schema.DnssecStatus;
import java.util.Objects;
import org.xbill.DNS.Message;

/**
 * A response with what mxray's validation says about it.
 *
 * @param response the answer as judged: the upstream's header and question and the answer-section
 *                 RRsets the status applies to, nothing else (bogus data is kept, marked bogus;
 *                 other resolvers' responses may carry more, which {@code AnswerParser} ignores)
 * @param status   secure, insecure, bogus or indeterminate (RFC 4033 section 5)
 * @param reason   a stable key for bogus and indeterminate ({@code signature-expired},
 *                 {@code dnskey-missing}, {@code ds-lookup-failed}, ...), null otherwise
 */
public record Validated(Message response, DnssecStatus status, String reason) {
    /** Reasons that name a failure to fetch part of the chain of trust: worth another attempt. */
    public static final String DS_LOOKUP_FAILED = "ds-lookup-failed";
    public static final String DNSKEY_LOOKUP_FAILED = "dnskey-lookup-failed";
    /**
     * The prefix of every reason that blames the resolver, not the domain: the root's DNSKEY RRset
     * or a top-level domain's link could not be validated ({@code resolver-dnskey-missing},
     * {@code resolver-rrsigs-missing}, {@code resolver-dnskey-lookup-failed}, ...). Such an answer
     * is indeterminate, never bogus.
     */
    public static final String RESOLVER = "resolver-";

    public Validated {
        Objects.requireNonNull(response);
        Objects.requireNonNull(status);
    }
}
