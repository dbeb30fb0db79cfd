package io.mxray.dns;

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
            Message query = Message.newQuery(Record.newRecord(Name.fromString("example.test."), Type.MX, DClass.IN));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> t.sendAsync(query).toCompletableFuture().get(10, TimeUnit.SECONDS));
            SocketTimeoutException timeout = assertInstanceOf(SocketTimeoutException.class, e.getCause());
            assertTrue(timeout.getMessage().contains("port unreachable"), timeout.getMessage());
        }
    }
}
