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
    /**
     * The waiters, in a queue per address, the addresses in the order they began to wait (an
     * address leaves when its queue is empty): admitting and timing the next start costs the number
     * of addresses waiting, not of waiters, however many names one shared address has queued.
     */
    private final LinkedHashMap<String, ArrayDeque<CompletableFuture<Permit>>> waiting = new LinkedHashMap<>();
    private int waiters;
    private int active;

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
            if (canStart(ip, now) && !waiting.containsKey(ip)) {
                return CompletableFuture.completedFuture(start(ip, now));
            }
            CompletableFuture<Permit> f = new CompletableFuture<>();
            waiting.computeIfAbsent(ip, k -> new ArrayDeque<>()).add(f);
            waiters++;
            if (intervalNanos > 0 && active < total && activePerIp.getOrDefault(ip, 0) < perIp) {
                wakeAt(paced(ip, now), now); // held back by the interval alone
            }
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

    /** Admits every waiter that now fits, the addresses that waited longest first (skipping busy ones). */
    private List<Map.Entry<CompletableFuture<Permit>, Permit>> admit() {
        List<Map.Entry<CompletableFuture<Permit>, Permit>> ready = new ArrayList<>();
        long now = System.nanoTime();
        long earliest = Long.MAX_VALUE;
        var it = waiting.entrySet().iterator();
        while (it.hasNext() && active < total) {
            var e = it.next();
            String ip = e.getKey();
            ArrayDeque<CompletableFuture<Permit>> queue = e.getValue();
            while (!queue.isEmpty() && active < total && canStart(ip, now)) {
                waiters--;
                ready.add(Map.entry(queue.poll(), start(ip, now)));
            }
            if (queue.isEmpty()) {
                it.remove();
            } else if (activePerIp.getOrDefault(ip, 0) < perIp) {
                earliest = Math.min(earliest, paced(ip, now)); // held back by the interval alone
            }
        }
        if (intervalNanos > 0 && active < total) {
            wakeAt(earliest, now);
        }
        return ready;
    }

    /** Makes sure the queue is looked at again at {@code at} (nanoTime), when an interval has passed. */
    private void wakeAt(long at, long now) {
        if (at == Long.MAX_VALUE || at >= pumpAt) {
            return;
        }
        pumpAt = at;
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mxray-smtp-pacer");
                t.setDaemon(true);
                return t;
            });
        }
        timer.schedule(this::pump, Math.max(0, at - now), TimeUnit.NANOSECONDS);
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

    /** Connections waiting for their turn. */
    public synchronized int waiting() {
        return waiters;
    }

    /**
     * Waiters queued behind another waiter for the same address: work that only the politeness
     * toward one busy address holds back (a shared hosting address with many names), which a stage
     * may hold beside its working set instead of letting it fill that set
     * ({@link StageRunner#parking}).
     */
    public synchronized int parked() {
        return waiters - waiting.size();
    }
}
