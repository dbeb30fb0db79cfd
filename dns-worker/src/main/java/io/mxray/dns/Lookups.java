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
import io.mxray.dns.dnssec.SecureResolver;
import io.mxray.dns.dnssec.Validated;
import org.xbill.DNS.Name;
import org.xbill.DNS.WireParseException;

/**
 * Lookups through mxray's validating resolver: each answer carries its DNSSEC status (bogus
 * answers keep what they said, marked bogus). Retries with back-off for timeouts, SERVFAIL and
 * a chain of trust that could not be fetched; a bogus answer is asked once more, at once, before
 * it is believed (bogus data is usually the zone's doing, but a damaged packet must not decide). At most {@link DnsConfig#maxInFlight()} lookups wait for answers at once, and
 * each domain has a budget of lookups; no thread waits for an answer.
 */
final class Lookups {
    private final SecureResolver resolver;
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

    Lookups(SecureResolver resolver, DnsConfig config) {
        this.resolver = resolver;
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
        sent.incrementAndGet();
        CompletionStage<Answer> once;
        try {
            once = resolver.resolve(name, type)
                    .thenApply(v -> AnswerParser.parse(name, type, v.response()).withDnssec(v.status(), v.reason()))
                    .exceptionally(Lookups::failure);
        } catch (RuntimeException e) {
            once = CompletableFuture.completedFuture(failure(e));
        }
        return once.thenCompose(answer -> {
            boolean bogus = answer.dnssec() == DnssecStatus.BOGUS;
            if (bogus && n == 1 && config.attempts() > 1) {
                // asked once more before it is believed: a damaged or forged packet is not the zone's fault
                return attempt(name, type, n + 1);
            }
            boolean retryable = !bogus && (answer.outcome() == LookupOutcome.TIMEOUT
                    || answer.outcome() == LookupOutcome.SERVFAIL || chainUnreachable(answer));
            if (!retryable || n >= config.attempts()) {
                return CompletableFuture.completedFuture(answer);
            }
            long delay = config.retryBackoff().toMillis() << (n - 1);
            Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, Runnable::run);
            return CompletableFuture.supplyAsync(() -> null, later).thenCompose(x -> attempt(name, type, n + 1));
        });
    }

    /** The chain of trust could not be fetched: another attempt may validate. */
    private static boolean chainUnreachable(Answer a) {
        return a.dnssec() == DnssecStatus.INDETERMINATE && (Validated.DS_LOOKUP_FAILED.equals(a.dnssecReason())
                || Validated.DNSKEY_LOOKUP_FAILED.equals(a.dnssecReason())
                || (a.dnssecReason() != null && a.dnssecReason().startsWith(Validated.RESOLVER)));
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

    /** Lookups waiting for one of the {@link DnsConfig#maxInFlight()} permits. */
    int waiting() {
        return permits.waiting();
    }
}
