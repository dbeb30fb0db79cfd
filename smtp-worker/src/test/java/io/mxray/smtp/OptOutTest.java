package io.mxray.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.runtime.OptOut;
import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.ProbeResult;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The opt-out list: its format, its matching, and that the stage never connects to what it names. */
class OptOutTest {
    private static final OptOut LIST = OptOut.parse(List.of(
            "# operators who asked not to be scanned",
            "192.0.2.0/24",
            "198.51.100.7          # one address",
            "2001:db8:5::/48",
            "Example.ORG.",
            "*.mail.example.net",
            "bücher.example",
            ""), "opt-out.txt");

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void networksMatchByPrefix() throws Exception {
        assertEquals("opt-out-network", LIST.refusal(ip("192.0.2.200"), "mx.other.test"));
        assertNull(LIST.refusal(ip("192.0.3.1"), "mx.other.test"));
        assertEquals("opt-out-network", LIST.refusal(ip("198.51.100.7"), "mx.other.test"));
        assertNull(LIST.refusal(ip("198.51.100.8"), "mx.other.test"));
        assertEquals("opt-out-network", LIST.refusal(ip("2001:db8:5:ffff::25"), "mx.other.test"));
        assertNull(LIST.refusal(ip("2001:db8:6::25"), "mx.other.test"));
        assertEquals(6, LIST.size());
    }

    /** A network written as IPv4-mapped IPv6 covers the IPv4 addresses (as the JDK and DNS deliver them). */
    @Test
    void anIpv4MappedNetworkCoversItsIpv4Addresses() throws Exception {
        OptOut mapped = OptOut.parse(List.of("::ffff:203.0.113.0/120", "::ffff:198.51.100.9"), "opt-out.txt");
        assertEquals("opt-out-network", mapped.refusal(ip("203.0.113.77"), "mx.other.test"));
        assertEquals("opt-out-network", mapped.refusal(ip("198.51.100.9"), "mx.other.test"));
        assertNull(mapped.refusal(ip("203.0.114.1"), "mx.other.test"));
        assertNull(mapped.refusal(ip("198.51.100.10"), "mx.other.test"));
        assertThrows(IllegalArgumentException.class, () -> OptOut.parse(List.of("::ffff:0:0/80"), "opt-out.txt"));
    }

    /** An MX host that is an alias of a listed domain's host is listed too: every name of the chain counts. */
    @Test
    void everyNameOfTheCnameChainIsChecked() throws Exception {
        InetAddress free = ip("203.0.113.9");
        assertNull(LIST.refusal(free, List.of("mx.customer.test")));
        assertEquals("opt-out-domain", LIST.refusal(free, List.of("mx.customer.test", "in.mail.example.net")));
        ProbeRequest r = ProbeRequest.of("s", "203.0.113.9", 25, "mx.customer.test")
                .withAliases(List.of("relay.other.test", "mx1.example.org"));
        assertEquals(List.of("mx.customer.test", "relay.other.test", "mx1.example.org"), r.names());
        assertEquals("opt-out-domain", LIST.refusal(free, r.names()));
    }

    @Test
    void domainsCoverTheirSubdomainsOnly() throws Exception {
        InetAddress free = ip("203.0.113.9");
        assertEquals("opt-out-domain", LIST.refusal(free, "example.org"));
        assertEquals("opt-out-domain", LIST.refusal(free, "MX1.example.org."));
        assertNull(LIST.refusal(free, "notexample.org"));
        assertEquals("opt-out-domain", LIST.refusal(free, "a.mail.example.net"));
        assertNull(LIST.refusal(free, "example.net"));
        assertTrue(LIST.covers("mx.xn--bcher-kva.example"), "IDNs are listed by their A-label");
        assertFalse(OptOut.NONE.covers("example.org"));
    }

    @Test
    void aBadLineIsAnErrorThatNamesTheFileAndLine() {
        for (String bad : List.of("192.0.2.0/33", "300.1.2.3", "not a domain", "2001:db8::/129", "-bad-.example_")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OptOut.parse(List.of("# fine", "example.org", bad), "list.txt"), bad);
            assertTrue(e.getMessage().startsWith("list.txt:3: "), e.getMessage());
            assertTrue(e.getMessage().endsWith(bad), e.getMessage());
        }
    }

    @Test
    void theStageNeverConnectsToAnOptedOutNetworkOrHost() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            server.setSoTimeout(500);
            int port = server.getLocalPort();
            OptOut list = OptOut.parse(List.of("127.0.0.0/8", "optout.example"), "test");
            SmtpConfig config = SmtpConfig.defaults().allowingNonPublic(true).withOptOut(list);
            CertificateJudge judge = new CertificateJudge(TrustStores.jdkDefault(), Clock.systemUTC());
            try (SmtpStage stage = new SmtpStage(config, judge, Clock.systemUTC())) {
                ProbeResult byNetwork = stage.probe(ProbeRequest.of("scan", "127.0.0.1", port, "mx.elsewhere.test"))
                        .toCompletableFuture().join();
                assertEquals(ProbeOutcome.SKIPPED, byNetwork.outcome());
                assertEquals("opt-out-network", byNetwork.reason());
                assertNull(byNetwork.level(), "not contacted: no level");
                assertThrows(SocketTimeoutException.class, server::accept, "no connection was made");
            }
            SmtpConfig byName = SmtpConfig.defaults().allowingNonPublic(true)
                    .withOptOut(OptOut.parse(List.of("optout.example"), "test"));
            try (SmtpStage stage = new SmtpStage(byName, judge, Clock.systemUTC())) {
                ProbeResult r = stage.probe(ProbeRequest.of("scan", "127.0.0.1", port, "mx1.optout.example"))
                        .toCompletableFuture().join();
                assertEquals(ProbeOutcome.SKIPPED, r.outcome());
                assertEquals("opt-out-domain", r.reason());
                assertThrows(SocketTimeoutException.class, server::accept, "no connection was made");
                // the same address for a host that is not listed is contacted
                var other = stage.probe(ProbeRequest.of("scan", "127.0.0.1", port, "mx.allowed.test"))
                        .toCompletableFuture();
                try (Socket accepted = server.accept()) {
                    accepted.getOutputStream().write("554 go away\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    assertEquals(ProbeOutcome.REJECTED, other.join().outcome());
                }
            }
        }
    }

    @Test
    void aProbeAddressThatIsNotALiteralIsSkipped() {
        CertificateJudge judge = new CertificateJudge(TrustStores.jdkDefault(), Clock.systemUTC());
        try (SmtpStage stage = new SmtpStage(SmtpConfig.defaults(), judge, Clock.systemUTC())) {
            for (String bad : List.of("mx.example.com", "999.1.1.1", "zz:zz", "1::2::3", "", "192.0.2.1 ")) {
                ProbeResult r = stage.probe(new ProbeRequest("scan", "key", bad, 25, "mx.example.com", null))
                        .toCompletableFuture().join();
                assertEquals(ProbeOutcome.SKIPPED, r.outcome(), bad);
                assertEquals("invalid-address", r.reason(), bad);
            }
        }
    }
}
