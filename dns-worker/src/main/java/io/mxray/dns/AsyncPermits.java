package io.mxray.dns;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A ceiling on work in flight, without blocking a thread: waiters are served in order. */
final class AsyncPermits {
    private final int max;
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int used;

    AsyncPermits(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one permit");
        }
        this.max = max;
    }

    CompletionStage<Void> acquire() {
        synchronized (this) {
            if (used < max) {
                used++;
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            waiting.add(f);
            return f;
        }
    }

    void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                used--;
                return;
            }
        }
        next.complete(null); // the permit passes to the next waiter, outside the lock
    }

    synchronized int inUse() {
        return used;
    }

    /** Callers waiting for a permit. */
    synchronized int waiting() {
        return waiting.size();
    }
}
