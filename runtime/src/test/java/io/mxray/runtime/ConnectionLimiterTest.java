package io.mxray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {
    @Test
    void atMostNConnectionsToOneAddressAndTheNextWaits() {
        var limiter = new ConnectionLimiter(2, 100);
        var a = limiter.acquire("192.0.2.1").toCompletableFuture();
        var b = limiter.acquire("192.0.2.1").toCompletableFuture();
        var c = limiter.acquire("192.0.2.1").toCompletableFuture();
        var other = limiter.acquire("192.0.2.2").toCompletableFuture();
        assertTrue(a.isDone() && b.isDone());
        assertFalse(c.isDone(), "a third connection to one address waits");
        assertTrue(other.isDone(), "another address is not held up");
        a.join().release();
        assertTrue(c.isDone());
        assertEquals(3, limiter.active());
    }

    @Test
    void theTotalIsBoundedAndWaitersAreServedInOrder() {
        var limiter = new ConnectionLimiter(1, 2);
        var a = limiter.acquire("192.0.2.1").toCompletableFuture();
        var b = limiter.acquire("192.0.2.2").toCompletableFuture();
        CompletableFuture<ConnectionLimiter.Permit> c = limiter.acquire("192.0.2.3").toCompletableFuture();
        CompletableFuture<ConnectionLimiter.Permit> d = limiter.acquire("192.0.2.4").toCompletableFuture();
        assertFalse(c.isDone());
        assertEquals(2, limiter.waiting());
        b.join().release();
        assertTrue(c.isDone());
        assertFalse(d.isDone());
        a.join().release();
        assertTrue(d.isDone());
    }

    @Test
    void aWaiterForABusyAddressDoesNotBlockOthers() {
        var limiter = new ConnectionLimiter(1, 2);
        var a = limiter.acquire("192.0.2.1").toCompletableFuture();
        var b = limiter.acquire("192.0.2.2").toCompletableFuture();
        var sameAsA = limiter.acquire("192.0.2.1").toCompletableFuture();
        var fresh = limiter.acquire("192.0.2.3").toCompletableFuture();
        b.join().release(); // a slot is free, but 192.0.2.1 is still busy
        assertFalse(sameAsA.isDone());
        assertTrue(fresh.isDone());
        a.join().release();
        assertTrue(sameAsA.isDone());
    }

    @Test
    void releasingTwiceCountsOnce() {
        var limiter = new ConnectionLimiter(1, 10);
        var p = limiter.acquire("192.0.2.1").toCompletableFuture().join();
        p.release();
        p.release();
        assertEquals(0, limiter.active());
    }

    @Test
    void connectionsToOneAddressAreSpacedByTheInterval() throws Exception {
        var limiter = new ConnectionLimiter(2, 100, java.time.Duration.ofMillis(300));
        long start = System.nanoTime();
        var a = limiter.acquire("192.0.2.1").toCompletableFuture();
        var b = limiter.acquire("192.0.2.1").toCompletableFuture();
        var c = limiter.acquire("192.0.2.1").toCompletableFuture();
        var other = limiter.acquire("192.0.2.2").toCompletableFuture();
        assertTrue(a.isDone(), "the first starts at once");
        assertTrue(other.isDone(), "another address is not held up");
        assertFalse(b.isDone(), "the second waits for the interval, though a slot is free");
        b.get(5, java.util.concurrent.TimeUnit.SECONDS);
        long firstGap = System.nanoTime() - start;
        assertTrue(firstGap >= 300_000_000L, "second connection after " + firstGap / 1_000_000 + " ms");
        assertFalse(c.isDone(), "the third waits for a slot (two connected)");
        a.join().release();
        c.get(5, java.util.concurrent.TimeUnit.SECONDS);
        long secondGap = System.nanoTime() - start;
        assertTrue(secondGap >= 600_000_000L, "third connection after " + secondGap / 1_000_000 + " ms");
        assertEquals(3, limiter.active());
    }

    @Test
    void anAddressIdleForTheIntervalStartsAtOnce() throws Exception {
        var limiter = new ConnectionLimiter(1, 100, java.time.Duration.ofMillis(100));
        limiter.acquire("192.0.2.1").toCompletableFuture().join().release();
        Thread.sleep(150);
        assertTrue(limiter.acquire("192.0.2.1").toCompletableFuture().isDone());
    }

    @Test
    void waitersBehindAnotherForTheSameAddressAreParkedAndServedInOrder() {
        var limiter = new ConnectionLimiter(1, 100, java.time.Duration.ofSeconds(30));
        var first = limiter.acquire("192.0.2.1").toCompletableFuture();
        java.util.List<CompletableFuture<ConnectionLimiter.Permit>> queued = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            queued.add(limiter.acquire("192.0.2.1").toCompletableFuture());
        }
        assertTrue(first.isDone());
        assertEquals(1000, limiter.waiting());
        assertEquals(999, limiter.parked(), "all but the next in line for the address are parked");
        assertTrue(limiter.acquire("192.0.2.2").toCompletableFuture().isDone(), "another address starts at once");
        assertEquals(0, new ConnectionLimiter(1, 100).parked());

        var noInterval = new ConnectionLimiter(1, 100);
        var held = noInterval.acquire("192.0.2.1").toCompletableFuture().join();
        var a = noInterval.acquire("192.0.2.1").toCompletableFuture();
        var b = noInterval.acquire("192.0.2.1").toCompletableFuture();
        assertEquals(1, noInterval.parked());
        held.release();
        assertTrue(a.isDone() && !b.isDone(), "the address's waiters in the order they came");
        assertEquals(0, noInterval.parked());
        a.join().release();
        assertTrue(b.isDone());
        assertEquals(0, noInterval.waiting());
    }
}
