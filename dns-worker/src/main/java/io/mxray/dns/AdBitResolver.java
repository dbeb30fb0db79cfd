package io.mxray.dns;

import io.mxray.dns.dnssec.SecureResolver;
import io.mxray.dns.dnssec.Validated;
import io.mxray.schema.DnssecStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;

/**
 * Statuses read from a validating resolver's responses (RFC 4035 section 4.3, RFC 8914): the AD
 * bit for secure, SERVFAIL with a DNSSEC Extended DNS Error for bogus. Used for dnsjava's own
 * validator (the benchmark's baseline and a cross-check of mxray's) and for scripted answers in
 * unit tests; never for an upstream resolver, whose AD bit mxray does not trust. A bogus answer
 * is fetched once more without validation (CD) so that what it said is still recorded.
 */
public final class AdBitResolver implements SecureResolver {
    private final Resolver validating;
    private final Resolver direct;

    /**
     * @param validating a resolver whose AD bit and EDE mean what it validated
     * @param direct     the resolver below it, asked with CD for the content of bogus answers; null for none
     */
    public AdBitResolver(Resolver validating, Resolver direct) {
        this.validating = validating;
        this.direct = direct;
    }

    @Override
    public CompletionStage<Validated> resolve(Name name, int type) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        return validating.sendAsync(query).thenCompose(response -> {
            DnssecAnswers.Verdict v = DnssecAnswers.of(response);
            if (v.status() != DnssecStatus.BOGUS || direct == null) {
                return CompletableFuture.completedFuture(new Validated(response, v.status(), v.reason()));
            }
            Message cd = Message.newQuery(Record.newRecord(name, type, DClass.IN));
            cd.getHeader().setFlag(Flags.CD);
            return direct.sendAsync(cd)
                    .thenApply(raw -> new Validated(raw, DnssecStatus.BOGUS, v.reason()))
                    .exceptionally(e -> new Validated(response, DnssecStatus.BOGUS, v.reason()));
        });
    }
}
