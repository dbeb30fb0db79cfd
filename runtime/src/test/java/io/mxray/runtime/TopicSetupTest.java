package io.mxray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/** Asking a broker again while it has not yet read the metadata of topics just created. */
class TopicSetupTest {
    private static long inSeconds(int s) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(s);
    }

    @Test
    void aTopicUnknownForAMomentIsAskedForAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String answer = TopicSetup.untilKnown(() -> {
            if (calls.incrementAndGet() <= 2) {
                throw new ExecutionException(new UnknownTopicOrPartitionException("not yet"));
            }
            return "described";
        }, inSeconds(10), 1);
        assertEquals("described", answer);
        assertEquals(3, calls.get());
    }

    @Test
    void aTopicStillUnknownAtTheDeadlineIsTheError() {
        AtomicInteger calls = new AtomicInteger();
        ExecutionException e = assertThrows(ExecutionException.class, () -> TopicSetup.untilKnown(() -> {
            calls.incrementAndGet();
            throw new ExecutionException(new UnknownTopicOrPartitionException("never"));
        }, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), 5));
        assertInstanceOf(UnknownTopicOrPartitionException.class, e.getCause());
        assertTrue(calls.get() >= 2, "asked again before giving up: " + calls.get());
    }

    @Test
    void anyOtherErrorIsNotAskedAgain() {
        AtomicInteger calls = new AtomicInteger();
        ExecutionException e = assertThrows(ExecutionException.class, () -> TopicSetup.untilKnown(() -> {
            calls.incrementAndGet();
            throw new ExecutionException(new TopicAuthorizationException("denied"));
        }, inSeconds(10), 1));
        assertInstanceOf(TopicAuthorizationException.class, e.getCause());
        assertEquals(1, calls.get());
    }
}
