package io.mxray.dns;

import io.mxray.lab.InProcessResolver;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * A resolver for unit tests of the decision code: answers each (name, type) from a script, in
 * order, repeating the last step. A step builds the response from the query, or throws.
 */
final class ScriptedResolver extends InProcessResolver {
    private final Map<String, Queue<Function<Message, Message>>> script = new HashMap<>();
    private final Map<String, Function<Message, Message>> last = new HashMap<>();
    final AtomicInteger queries = new AtomicInteger();

    ScriptedResolver on(String name, int type, Function<Message, Message> step) {
        script.computeIfAbsent(key(name, type), k -> new ArrayDeque<>()).add(step);
        return this;
    }

    private static String key(String name, int type) {
        return name.toLowerCase() + "/" + type;
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
        queries.incrementAndGet();
        var q = query.getQuestion();
        String k = key(q.getName().toString(), q.getType());
        Queue<Function<Message, Message>> steps = script.get(k);
        Function<Message, Message> step = steps == null ? null : steps.poll();
        if (step != null) {
            last.put(k, step);
        } else {
            step = last.get(k);
        }
        if (step == null) {
            throw new AssertionError("unscripted query " + k);
        }
        try {
            return CompletableFuture.completedFuture(step.apply(query));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e.getCause() != null ? e.getCause() : e);
        }
    }

    static Name name(String s) {
        try {
            return Name.fromString(s.endsWith(".") ? s : s + ".");
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
