package io.mxray.smtp;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Politeness and resource bounds without blocking a thread: at most {@code perIp} concurrent
 * connections to one address and {@code total} in the whole stage. Waiters are served in order.
 */
public final class ConnectionLimiter {
    private final int perIp;
    private final int total;
    private final Map<String, Integer> activePerIp = new HashMap<>();
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private final Map<String, Integer> waitingFor = new HashMap<>();
    private int active;

    private record Waiter(String ip, CompletableFuture<Permit> future) {
    }

    /** Held while connected; release it exactly once when the connection is closed. */
    public final class Permit {
        private final String ip;
        private boolean released;

        private Permit(String ip) {
            this.ip = ip;
        }

        public void release() {
            ConnectionLimiter.this.release(this);
        }
    }

    public ConnectionLimiter(int perIp, int total) {
        this.perIp = perIp;
        this.total = total;
    }

    public CompletionStage<Permit> acquire(String ip) {
        synchronized (this) {
            // waiters only exist while they cannot start (release admits all that fit), so a new
            // request may start at once unless an earlier one for the same address is waiting
            if (canStart(ip) && !waitingFor.containsKey(ip)) {
                return CompletableFuture.completedFuture(start(ip));
            }
            waitingFor.merge(ip, 1, Integer::sum);
            CompletableFuture<Permit> f = new CompletableFuture<>();
            waiting.add(new Waiter(ip, f));
            return f;
        }
    }

    private boolean canStart(String ip) {
        return active < total && activePerIp.getOrDefault(ip, 0) < perIp;
    }

    private Permit start(String ip) {
        active++;
        activePerIp.merge(ip, 1, Integer::sum);
        return new Permit(ip);
    }

    private void release(Permit p) {
        var ready = new java.util.ArrayList<Map.Entry<CompletableFuture<Permit>, Permit>>();
        synchronized (this) {
            if (p.released) {
                return;
            }
            p.released = true;
            active--;
            activePerIp.computeIfPresent(p.ip, (k, v) -> v == 1 ? null : v - 1);
            // admit every waiter that now fits, oldest first (skipping ones whose IP is still busy)
            var it = waiting.iterator();
            while (it.hasNext() && active < total) {
                Waiter w = it.next();
                if (canStart(w.ip())) {
                    it.remove();
                    waitingFor.computeIfPresent(w.ip(), (k, v) -> v == 1 ? null : v - 1);
                    ready.add(Map.entry(w.future(), start(w.ip())));
                }
            }
        }
        // complete outside the lock: continuations may acquire again
        ready.forEach(e -> e.getKey().complete(e.getValue()));
    }

    public synchronized int active() {
        return active;
    }

    public synchronized int waiting() {
        return waiting.size();
    }
}
