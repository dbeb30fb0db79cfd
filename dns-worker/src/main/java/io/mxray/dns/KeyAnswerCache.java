package io.mxray.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * Between the validator and the transport: answers to DNSKEY and DS questions, which every
 * validation below a zone asks again, are kept for their TTL (at most {@link #MAX_AGE}), and
 * concurrent identical questions share one query. Only the raw answers are kept: the validator
 * still checks every signature, so a cached answer is exactly as trustworthy as a fresh one.
 */
final class KeyAnswerCache implements Resolver {
    static final Duration MAX_AGE = Duration.ofMinutes(15);
    private static final int MAX_ENTRIES = 200_000;

    private final Resolver next;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(CompletableFuture<Message> answer, Instant expires) {
    }

    KeyAnswerCache(Resolver next, Clock clock) {
        this.next = next;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
        Record q = query.getQuestion();
        if (q == null || (q.getType() != Type.DNSKEY && q.getType() != Type.DS)) {
            return next.sendAsync(query, executor);
        }
        String key = q.getName().toString() + "/" + q.getType() + "/" + query.getHeader().getFlag(Flags.CD);
        Instant now = clock.instant();
        Entry e = entries.get(key);
        if (e == null || e.expires().isBefore(now)) {
            Entry fresh = new Entry(new CompletableFuture<>(), now.plus(MAX_AGE));
            Entry raced = e == null ? entries.putIfAbsent(key, fresh) : (entries.replace(key, e, fresh) ? null : entries.get(key));
            if (raced == null) {
                if (entries.size() > MAX_ENTRIES) {
                    entries.clear(); // a scan this large meets each zone once anyway
                    entries.put(key, fresh);
                }
                next.sendAsync(query, executor).whenComplete((m, err) -> {
                    if (err != null || m.getRcode() != Rcode.NOERROR) {
                        entries.remove(key, fresh); // failures are not kept
                    } else {
                        long ttl = m.getSection(Section.ANSWER).stream().mapToLong(Record::getTTL).min().orElse(0);
                        if (ttl < MAX_AGE.toSeconds()) {
                            entries.replace(key, fresh, new Entry(fresh.answer(), clock.instant().plusSeconds(ttl)));
                        }
                    }
                    if (err != null) {
                        fresh.answer().completeExceptionally(err);
                    } else {
                        fresh.answer().complete(m);
                    }
                });
                e = fresh;
            } else {
                e = raced;
            }
        }
        int id = query.getHeader().getID();
        return e.answer().thenApply(m -> {
            Message copy = m.clone();
            copy.getHeader().setID(id);
            return copy;
        });
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
        return sendAsync(query, ForkJoinPool.commonPool());
    }

    int size() {
        return entries.size();
    }

    @Override
    public void setPort(int port) {
        next.setPort(port);
    }

    @Override
    public void setTCP(boolean flag) {
        next.setTCP(flag);
    }

    @Override
    public void setIgnoreTruncation(boolean flag) {
        next.setIgnoreTruncation(flag);
    }

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
        next.setEDNS(version, payloadSize, flags, options);
    }

    @Override
    public void setTSIGKey(TSIG key) {
        next.setTSIGKey(key);
    }

    @Override
    public void setTimeout(Duration timeout) {
        next.setTimeout(timeout);
    }

    @Override
    public Duration getTimeout() {
        return next.getTimeout();
    }
}
