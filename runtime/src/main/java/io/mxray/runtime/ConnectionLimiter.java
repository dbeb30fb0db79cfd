package io.mxray.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Politeness and resource bounds without blocking a thread: at most {@code perIp} concurrent
 * connections to one address, at least {@code interval} between two connections to one address
 * (from the end of one connection attempt to the start of the next), and {@code total} in the
 * whole stage. Waiters are served in order; a waiter held back only by
 * the interval is admitted by a timer when it has passed.
 */
public final class ConnectionLimiter {
    private final int perIp;
    private final int total;
    private final long intervalNanos;
    /** When the last connection to each address started, oldest first; pruned past the interval. */
    private final LinkedHashMap<String, Long> lastStart = new LinkedHashMap<>();
    private ScheduledExecutorService timer;
    private long pumpAt = Long.MAX_VALUE;
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

        /**
         * The connection attempt has ended (connected or failed): the interval to the next
         * connection to this address counts from now, not from when the permit was given, so
         * that a slow connect does not bring the next one closer than the interval at the server.
         */
        public void connected() {
            ConnectionLimiter.this.connected(ip);
        }
    }

    public ConnectionLimiter(int perIp, int total) {
        this(perIp, total, Duration.ZERO);
    }

    public ConnectionLimiter(int perIp, int total, Duration interval) {
        if (perIp < 1 || total < 1 || interval.isNegative()) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.perIp = perIp;
        this.total = total;
        this.intervalNanos = interval.toNanos();
    }

    public CompletionStage<Permit> acquire(String ip) {
        synchronized (this) {
            long now = System.nanoTime();
            // waiters only exist while they cannot start (release admits all that fit), so a new
            // request may start at once unless an earlier one for the same address is waiting
            if (canStart(ip, now) && !waitingFor.containsKey(ip)) {
                return CompletableFuture.completedFuture(start(ip, now));
            }
            waitingFor.merge(ip, 1, Integer::sum);
            CompletableFuture<Permit> f = new CompletableFuture<>();
            waiting.add(new Waiter(ip, f));
            schedulePump(now);
            return f;
        }
    }

    private boolean canStart(String ip, long now) {
        return active < total && activePerIp.getOrDefault(ip, 0) < perIp && paced(ip, now) <= now;
    }

    /** The earliest instant (nanoTime) a connection to {@code ip} may start as far as the interval goes. */
    private long paced(String ip, long now) {
        Long last = lastStart.get(ip);
        return last == null ? now : last + intervalNanos;
    }

    private Permit start(String ip, long now) {
        active++;
        activePerIp.merge(ip, 1, Integer::sum);
        if (intervalNanos > 0) {
            lastStart.remove(ip);
            lastStart.put(ip, now);
            // forget addresses whose interval has passed (the map stays as small as the recent past)
            var it = lastStart.values().iterator();
            while (it.hasNext() && now - it.next() >= intervalNanos) {
                it.remove();
            }
        }
        return new Permit(ip);
    }

    private synchronized void connected(String ip) {
        if (intervalNanos > 0) {
            long now = System.nanoTime();
            Long last = lastStart.remove(ip);
            lastStart.put(ip, last == null ? now : Math.max(last, now));
        }
    }

    private void release(Permit p) {
        List<Map.Entry<CompletableFuture<Permit>, Permit>> ready;
        synchronized (this) {
            if (p.released) {
                return;
            }
            p.released = true;
            active--;
            activePerIp.computeIfPresent(p.ip, (k, v) -> v == 1 ? null : v - 1);
            ready = admit();
        }
        // complete outside the lock: continuations may acquire again
        ready.forEach(e -> e.getKey().complete(e.getValue()));
    }

    /** Admits every waiter that now fits, oldest first (skipping ones whose IP is still busy). */
    private List<Map.Entry<CompletableFuture<Permit>, Permit>> admit() {
        List<Map.Entry<CompletableFuture<Permit>, Permit>> ready = new ArrayList<>();
        long now = System.nanoTime();
        var it = waiting.iterator();
        while (it.hasNext() && active < total) {
            Waiter w = it.next();
            if (canStart(w.ip(), now)) {
                it.remove();
                waitingFor.computeIfPresent(w.ip(), (k, v) -> v == 1 ? null : v - 1);
                ready.add(Map.entry(w.future(), start(w.ip(), now)));
            }
        }
        schedulePump(now);
        return ready;
    }

    /** When a waiter is held back by the interval alone, wakes the queue when it has passed. */
    private void schedulePump(long now) {
        if (intervalNanos == 0 || active >= total) {
            return; // a release will admit
        }
        long earliest = Long.MAX_VALUE;
        for (Waiter w : waiting) {
            if (activePerIp.getOrDefault(w.ip(), 0) < perIp) {
                earliest = Math.min(earliest, paced(w.ip(), now));
            }
        }
        if (earliest == Long.MAX_VALUE || earliest >= pumpAt) {
            return;
        }
        pumpAt = earliest;
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mxray-smtp-pacer");
                t.setDaemon(true);
                return t;
            });
        }
        timer.schedule(this::pump, Math.max(0, earliest - now), TimeUnit.NANOSECONDS);
    }

    private void pump() {
        List<Map.Entry<CompletableFuture<Permit>, Permit>> ready;
        synchronized (this) {
            pumpAt = Long.MAX_VALUE;
            ready = admit();
        }
        ready.forEach(e -> e.getKey().complete(e.getValue()));
    }

    public synchronized int active() {
        return active;
    }

    public synchronized int waiting() {
        return waiting.size();
    }
}
