package io.mxray.dns;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class UdpTransportTest {
    /**
     * RFC 5452 section 9.2: every query leaves from a source port of its own, drawn at random from
     * the ephemeral range, so that a forged answer must guess the port as well as the message ID.
     */
    @Test
    void everyQueryLeavesFromAFreshRandomPort() throws Exception {
        int queries = 40;
        try (DatagramSocket resolver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             UdpTransport t = new UdpTransport(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                     resolver.getLocalPort()), 2)) {
            resolver.setSoTimeout(5000);
            java.util.List<java.util.concurrent.CompletableFuture<Message>> answers = new java.util.ArrayList<>();
            java.util.Set<Integer> ports = new java.util.HashSet<>();
            java.util.Set<Integer> ids = new java.util.HashSet<>();
            for (int i = 0; i < queries; i++) {
                Message q = Message.newQuery(Record.newRecord(Name.fromString("q" + i + ".example.test."), Type.A,
                        DClass.IN));
                answers.add(t.sendAsync(q).toCompletableFuture());
                java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[512], 512);
                resolver.receive(packet);
                ports.add(packet.getPort());
                Message got = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                ids.add(got.getHeader().getID());
                Message reply = got.clone();
                reply.getHeader().setFlag(org.xbill.DNS.Flags.QR);
                byte[] wire = reply.toWire();
                resolver.send(new java.net.DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            }
            for (var a : answers) {
                a.get(5, TimeUnit.SECONDS);
            }
            // drawn at random for each query, from sockets closed once answered: two of 40 may meet (as random IDs may)
            assertTrue(ports.size() > queries - 3, "a port per query: " + ports.size() + " of " + queries);
            assertTrue(ports.stream().allMatch(p -> p >= UdpTransport.LOWEST_PORT), "ports " + ports);
            assertTrue(ids.size() > queries - 3, "random IDs: " + ids.size());
            assertTrue(t.inFlight() == 0, "sockets closed once answered: " + t.inFlight());
        }
    }

    /** An answer from the right address but to another ID, or to another question, is ignored; the right one is taken. */
    @Test
    void aForgedAnswerIsIgnoredAndTheQueryWaitsForItsOwn() throws Exception {
        try (DatagramSocket resolver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             UdpTransport t = new UdpTransport(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                     resolver.getLocalPort()), 1)) {
            resolver.setSoTimeout(5000);
            Message q = Message.newQuery(Record.newRecord(Name.fromString("mx.example.test."), Type.A, DClass.IN));
            var answer = t.sendAsync(q).toCompletableFuture();
            java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[512], 512);
            resolver.receive(packet);
            Message got = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
            Message wrongId = got.clone();
            wrongId.getHeader().setID((got.getHeader().getID() + 1) & 0xffff);
            Message wrongQuestion = Message.newQuery(Record.newRecord(Name.fromString("evil.example.test."), Type.A,
                    DClass.IN));
            wrongQuestion.getHeader().setID(got.getHeader().getID());
            for (Message m : new Message[] {wrongId, wrongQuestion, got}) {
                m.getHeader().setFlag(org.xbill.DNS.Flags.QR);
                byte[] wire = m.toWire();
                resolver.send(new java.net.DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            }
            Message a = answer.get(5, TimeUnit.SECONDS);
            assertTrue(a.getQuestion().getName().equals(Name.fromString("mx.example.test.")), a.toString());
        }
    }

    /**
     * A resolver address where nothing listens (a mistyped --resolver): the queries time out as
     * configured, and their error says why instead of a stack trace in the log per query.
     */
    @Test
    void aResolverWhereNothingListensTimesOutSayingSo() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // closed again: nothing listens there now
        }
        try (UdpTransport t = new UdpTransport(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1)) {
            t.setTimeout(Duration.ofMillis(400));
            // the kernel sends at most about one ICMP port-unreachable a second to an address
            // (net.ipv4.icmp_ratelimit): a query right after another test's may see none
            String said = "";
            for (int attempt = 0; attempt < 4 && !said.contains("port unreachable"); attempt++) {
                Thread.sleep(attempt == 0 ? 0 : 1100);
                Message query = Message.newQuery(Record.newRecord(Name.fromString("example.test."), Type.MX, DClass.IN));
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> t.sendAsync(query).toCompletableFuture().get(10, TimeUnit.SECONDS));
                SocketTimeoutException timeout = assertInstanceOf(SocketTimeoutException.class, e.getCause());
                said = timeout.getMessage();
            }
            assertTrue(said.contains("port unreachable"), said);
        }
    }
    /**
     * The sweep that fails queries past their time runs only while queries are out: an idle
     * worker's event loop sleeps. A query sent after a quiet spell still times out.
     */
    @Test
    void theTimeoutSweepRunsOnlyWhileQueriesAreOut() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (UdpTransport t = new UdpTransport(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1)) {
            t.setTimeout(Duration.ofMillis(300));
            assertFalse(t.sweeping(), "no sweep before the first query");
            for (int round = 0; round < 2; round++) {
                Message query = Message.newQuery(Record.newRecord(Name.fromString("example.test."), Type.MX, DClass.IN));
                var answer = t.sendAsync(query).toCompletableFuture();
                assertTrue(t.sweeping(), "a sweep is scheduled while a query is out");
                ExecutionException e = assertThrows(ExecutionException.class, () -> answer.get(10, TimeUnit.SECONDS));
                assertInstanceOf(SocketTimeoutException.class, e.getCause());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (t.sweeping() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertFalse(t.sweeping(), "the sweeps stop once no query is out");
            }
        }
    }
}
