package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.schema.CheckResult;
import io.mxray.schema.CheckStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The web's check queue: first come first served, at most M running, a place in the queue for
 * each waiting check, a full queue refused (503), and N a minute per client address (429, with
 * when to try again), counted apart per address and forgotten after a minute.
 */
class CheckQueueTest {
    /** A checker whose checks wait until released. */
    private static final class HeldRunner implements CheckQueue.Runner {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger started = new AtomicInteger();

        @Override
        public CheckResult check(String input) {
            started.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new CheckResult(input, null, CheckStatus.UNKNOWN, "held", Instant.EPOCH, 0, null, List.of(), null,
                    List.of());
        }

        @Override
        public void close() {
        }
    }

    /** A clock that moves only when told. */
    private static final class Hand extends Clock {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void waitingChecksKnowTheirPlaceAndAFullQueueIsRefused() throws Exception {
        HeldRunner runner = new HeldRunner();
        try (CheckQueue q = new CheckQueue(() -> runner, null, new CheckQueue.Limits(10, 1, 2, false), new Hand())) {
            CheckQueue.Job first = accepted(q.submit("192.0.2.1", "a.example", false));
            waitUntil(() -> runner.started.get() == 1);
            CheckQueue.Job second = accepted(q.submit("192.0.2.2", "b.example", false));
            CheckQueue.Job third = accepted(q.submit("192.0.2.3", "c.example", false));
            assertEquals(0, q.position(first), "running");
            assertEquals(CheckQueue.State.RUNNING, first.state);
            assertEquals(1, q.position(second));
            assertEquals(2, q.position(third));
            CheckQueue.Refused full = assertInstanceOf(CheckQueue.Refused.class, q.submit("192.0.2.4", "d.example", false));
            assertEquals(503, full.status());
            assertEquals(1, runner.started.get(), "one at once");

            runner.release.countDown();
            waitUntil(() -> third.state == CheckQueue.State.DONE);
            assertEquals(List.of("a.example", "b.example", "c.example"),
                    List.of(first.result.input(), second.result.input(), third.result.input()), "in the order asked");
            assertEquals(q.job(second.id).orElseThrow(), second);
        }
    }

    @Test
    void eachClientAddressHasItsOwnMinute() {
        HeldRunner runner = new HeldRunner();
        runner.release.countDown();
        Hand clock = new Hand();
        try (CheckQueue q = new CheckQueue(() -> runner, null, new CheckQueue.Limits(2, 1, 10, false), clock)) {
            accepted(q.submit("192.0.2.1", "a.example", false));
            clock.now = clock.now.plusSeconds(20);
            accepted(q.submit("192.0.2.1", "b.example", false));
            CheckQueue.Refused third = assertInstanceOf(CheckQueue.Refused.class, q.submit("192.0.2.1", "c.example", false));
            assertEquals(429, third.status());
            assertEquals(Duration.ofSeconds(40), third.retryAfter(), "when the first of the minute leaves it");
            accepted(q.submit("2001:db8::1", "c.example", false)); // another address: its own count
            clock.now = clock.now.plusSeconds(41);
            accepted(q.submit("192.0.2.1", "c.example", false));
        }
    }

    private static CheckQueue.Job accepted(CheckQueue.Submission s) {
        return assertInstanceOf(CheckQueue.Accepted.class, s, String.valueOf(s)).job();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 300 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean());
    }
}
