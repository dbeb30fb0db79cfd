package io.mxray.dns;

import io.mxray.schema.LookupOutcome;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.WireParseException;

/**
 * Asynchronous lookups through one resolver, with retries and back-off on timeout and SERVFAIL.
 * No thread waits for an answer: dnsjava's resolver completes futures from its I/O thread.
 */
final class Lookups {
    private final Resolver resolver;
    private final DnsConfig config;

    Lookups(Resolver resolver, DnsConfig config) {
        this.resolver = resolver;
        this.config = config;
    }

    CompletionStage<Answer> lookup(Name name, int type) {
        return attempt(name, type, 1);
    }

    private CompletionStage<Answer> attempt(Name name, int type, int n) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        CompletionStage<Answer> once;
        try {
            once = resolver.sendAsync(query)
                    .thenApply(response -> AnswerParser.parse(name, type, response))
                    .exceptionally(Lookups::failure);
        } catch (RuntimeException e) {
            once = CompletableFuture.completedFuture(failure(e));
        }
        return once.thenCompose(answer -> {
            boolean retryable = answer.outcome() == LookupOutcome.TIMEOUT
                    || answer.outcome() == LookupOutcome.SERVFAIL;
            if (!retryable || n >= config.attempts()) {
                return CompletableFuture.completedFuture(answer);
            }
            long delay = config.retryBackoff().toMillis() << (n - 1);
            Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(() -> null, later).thenCompose(x -> attempt(name, type, n + 1));
        });
    }

    static Answer failure(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof SocketTimeoutException || e instanceof TimeoutException) {
            return Answer.failure(LookupOutcome.TIMEOUT, "timeout");
        }
        if (e instanceof WireParseException) {
            return Answer.failure(LookupOutcome.ERROR, "malformed-response");
        }
        if (e instanceof IOException) {
            return Answer.failure(LookupOutcome.ERROR, "network-error");
        }
        return Answer.failure(LookupOutcome.ERROR, "internal-error");
    }
}
