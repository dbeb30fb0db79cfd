package io.mxray.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.schema.ProbeRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which probes of an address are made and which are judged from another name's chain. */
class SharedChainsTest {
    private final SharedChains chains = new SharedChains();

    private static ProbeRequest request(String ip, String host) {
        return ProbeRequest.of("scan", ip, 25, host);
    }

    private static SharedChains.Capture capture(String host, String fingerprint) {
        return new SharedChains.Capture("key-" + host, host, new ProbeSession.Record(), null, Map.of(), fingerprint);
    }

    private SharedChains.Direct direct(ProbeRequest r) {
        return assertInstanceOf(SharedChains.Direct.class, chains.plan(r));
    }

    @Test
    void twoNamesWithTheSameAnswerMakeTheAddressShared() {
        SharedChains.Direct a = direct(request("192.0.2.1", "a.example"));
        SharedChains.Direct b = direct(request("192.0.2.1", "b.example"));
        assertTrue(a.seed() && b.seed());
        SharedChains.Await c = assertInstanceOf(SharedChains.Await.class, chains.plan(request("192.0.2.1", "c.example")));
        assertFalse(c.address().decided().isDone(), "undecided until both seeds are in");
        SharedChains.Capture first = capture("a.example", "chain-1");
        chains.seeded(a.address(), first);
        chains.seeded(b.address(), capture("b.example", "chain-1"));
        assertSame(first, c.address().decided().join());
        assertFalse(c.address().off());
        // another address, another scan: undecided
        assertTrue(direct(request("192.0.2.2", "c.example")).seed());
        assertTrue(assertInstanceOf(SharedChains.Direct.class,
                chains.plan(ProbeRequest.of("scan-2", "192.0.2.1", 25, "a.example"))).seed());
    }

    @Test
    void anAnswerThatDependsOnTheNameIsNeverShared() {
        SharedChains.Direct a = direct(request("192.0.2.3", "a.example"));
        SharedChains.Direct b = direct(request("192.0.2.3", "b.example"));
        chains.seeded(b.address(), capture("b.example", "chain-b")); // the second to start may end first
        chains.seeded(a.address(), capture("a.example", "chain-a"));
        assertNull(a.address().decided().join(), "those waiting probe their names");
        assertTrue(a.address().off());
        SharedChains.Direct d = direct(request("192.0.2.3", "d.example"));
        assertFalse(d.seed(), "later names are probed at once");
    }

    @Test
    void aSeedWithoutTlsTurnsTheAddressOff() {
        SharedChains.Direct a = direct(request("192.0.2.4", "a.example"));
        SharedChains.Direct b = direct(request("192.0.2.4", "b.example"));
        chains.seeded(a.address(), capture("a.example", "chain"));
        chains.seeded(b.address(), null);
        assertNull(a.address().decided().join());
        assertTrue(a.address().off());
    }

    @Test
    void theSameNameAgainIsNoSecondSeed() {
        SharedChains.Direct a = direct(request("192.0.2.5", "a.example"));
        SharedChains.Direct again = direct(request("192.0.2.5", "a.example"));
        assertTrue(a.seed());
        assertFalse(again.seed(), "the same SNI twice proves nothing about SNI");
        assertTrue(direct(request("192.0.2.5", "b.example")).seed());
    }

    @Test
    void oneNameInFiftyIsStillProbedAndADifferenceTurnsTheAddressOff() {
        SharedChains.Direct a = direct(request("192.0.2.6", "a.example"));
        direct(request("192.0.2.6", "b.example"));
        SharedChains.Capture reference = capture("a.example", "chain");
        chains.seeded(a.address(), reference);
        chains.seeded(a.address(), capture("b.example", "chain"));
        int samples = 0;
        for (int i = 0; i < 200; i++) {
            samples += a.address().sampleNext() ? 1 : 0;
        }
        assertEquals(200 / SharedChains.SAMPLE_EVERY, samples);
        chains.sampled(a.address(), reference, capture("x.example", "chain"));
        assertFalse(a.address().off(), "a sample that agrees");
        chains.sampled(a.address(), reference, capture("y.example", "other-chain"));
        assertTrue(a.address().off(), "a sample that differs");
        SharedChains.Direct later = direct(request("192.0.2.6", "z.example"));
        assertFalse(later.seed());
    }
}
