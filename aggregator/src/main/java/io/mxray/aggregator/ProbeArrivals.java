package io.mxray.aggregator;

import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Tells the domain side which probe verdicts just arrived in the global verdict store: the store's
 * update processor (on the global stream thread) announces each probe key after writing its
 * verdict, and every running {@link DomainAssembler} (on the stream threads of the same
 * instance) has an inbox it drains. A hint only: the store stays the truth, read after each key
 * is taken from the inbox, and an assembler checks the store for everything it waits for when it
 * starts. One per topology instance (one {@code KafkaStreams}).
 */
final class ProbeArrivals {
    private final Set<Queue<String>> inboxes = ConcurrentHashMap.newKeySet();

    /** A new inbox that receives every probe key announced from now on. */
    Queue<String> register() {
        Queue<String> inbox = new ConcurrentLinkedQueue<>();
        inboxes.add(inbox);
        return inbox;
    }

    void unregister(Queue<String> inbox) {
        if (inbox != null) {
            inboxes.remove(inbox);
        }
    }

    /** Called after the verdict of {@code probeKey} was written to the store. */
    void arrived(String probeKey) {
        for (Queue<String> inbox : inboxes) {
            inbox.offer(probeKey);
        }
    }
}
