package io.mxray.dns;

import io.mxray.schema.DnssecStatus;
import io.mxray.schema.LookupOutcome;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.WireParseException;

/**
 * Lookups through mxray's validating resolver: each answer carries its DNSSEC status. A bogus
 * answer is fetched once more without validation (CD) so that what it said is still recorded,
 * marked bogus. Retries with back-off for timeouts and SERVFAIL (never for bogus: that is
 * deterministic). At most {@link DnsConfig#maxInFlight()} lookups wait for answers at once, and
 * each domain has a budget of lookups; no thread waits for an answer.
 */
final class Lookups {
    private final Resolver resolver;
    private final Resolver direct;
    private final DnsConfig config;
    private final AsyncPermits permits;
    private final AtomicInteger sent = new AtomicInteger();

    /** The lookups one domain may still make. */
    static final class Budget {
        private final AtomicInteger left;
        private final AtomicInteger used = new AtomicInteger();

        Budget(int max) {
            this.left = new AtomicInteger(max);
        }

        boolean take() {
            if (left.getAndDecrement() > 0) {
                used.incrementAndGet();
                return true;
            }
            return false;
        }

        int used() {
            return used.get();
        }
    }

    /**
     * @param resolver the validating resolver (any resolver in unit tests)
     * @param direct   the resolver below it, asked with CD for the content of bogus answers; null for none
     */
    Lookups(Resolver resolver, Resolver direct, DnsConfig config) {
        this.resolver = resolver;
        this.direct = direct;
        this.config = config;
        this.permits = new AsyncPermits(config.maxInFlight());
    }

    CompletionStage<Answer> lookup(Name name, int type, Budget budget) {
        if (!budget.take()) {
            return CompletableFuture.completedFuture(Answer.failure(LookupOutcome.ERROR, "lookup-budget-exceeded"));
        }
        return permits.acquire().thenCompose(x -> attempt(name, type, 1)).whenComplete((a, e) -> permits.release());
    }

    private CompletionStage<Answer> attempt(Name name, int type, int n) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        sent.incrementAndGet();
        CompletionStage<Answer> once;
        try {
            once = resolver.sendAsync(query).thenCompose(response -> judge(name, type, response))
                    .exceptionally(Lookups::failure);
        } catch (RuntimeException e) {
            once = CompletableFuture.completedFuture(failure(e));
        }
        return once.thenCompose(answer -> {
            boolean bogus = answer.dnssec() == DnssecStatus.BOGUS;
            boolean retryable = !bogus && (answer.outcome() == LookupOutcome.TIMEOUT
                    || answer.outcome() == LookupOutcome.SERVFAIL);
            if (!retryable || n >= config.attempts()) {
                return CompletableFuture.completedFuture(answer);
            }
            long delay = config.retryBackoff().toMillis() << (n - 1);
            Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, Runnable::run);
            return CompletableFuture.supplyAsync(() -> null, later).thenCompose(x -> attempt(name, type, n + 1));
        });
    }

    private CompletionStage<Answer> judge(Name name, int type, Message response) {
        DnssecAnswers.Verdict v = DnssecAnswers.of(response);
        if (v.status() != DnssecStatus.BOGUS || direct == null) {
            Answer a = AnswerParser.parse(name, type, response);
            return CompletableFuture.completedFuture(a.withDnssec(v.status(), v.reason()));
        }
        // bogus: the validator withholds the data; ask once more without validation to record it
        Message cd = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        cd.getHeader().setFlag(Flags.CD);
        sent.incrementAndGet();
        return direct.sendAsync(cd)
                .thenApply(raw -> AnswerParser.parse(name, type, raw).withDnssec(DnssecStatus.BOGUS, v.reason()))
                .exceptionally(e -> Answer.failure(LookupOutcome.SERVFAIL, "bogus").withDnssec(DnssecStatus.BOGUS,
                        v.reason()));
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

    /** Queries sent so far (lookups, retries, re-fetches; not the validator's own). */
    int sent() {
        return sent.get();
    }

    int inFlight() {
        return permits.inUse();
    }
}
