package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Who asked: the peer, or behind a trusted proxy the rightmost forwarded address that is no trusted proxy. */
class ClientAddressTest {
    private static final ClientAddress BEHIND = ClientAddress.parse(List.of("10.0.0.0/8, 2001:db8:1::/48", "127.0.0.1"));

    @ParameterizedTest(name = "{0} with X-Forwarded-For \"{1}\" is {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "198.51.100.9 | 203.0.113.5              | 198.51.100.9",  // not a proxy: its header is the client's word
        "10.1.2.3     | NULL                     | 10.1.2.3",      // a proxy that names nobody
        "10.1.2.3     | 203.0.113.5              | 203.0.113.5",
        "10.1.2.3     | 1.1.1.1, 203.0.113.5     | 203.0.113.5",   // the left is what the client wrote
        "10.1.2.3     | 203.0.113.5, 10.9.9.9    | 203.0.113.5",   // a chain of trusted proxies
        "10.1.2.3     | 10.9.9.9, 10.8.8.8       | 10.1.2.3",      // all proxies: the nearest asked
        "127.0.0.1    | [2001:db8:2::7]:4711     | 2001:db8:2::7",
        "127.0.0.1    | 203.0.113.5:5000         | 203.0.113.5",
        "127.0.0.1    | 2001:db8:1::5, 203.0.113.5 | 203.0.113.5",
        "127.0.0.1    | ::ffff:10.0.0.1          | 127.0.0.1",     // an IPv4-mapped proxy is the proxy
        "127.0.0.1    | unknown                  | unknown",
    })
    void theClientIsWhoTheNearestUntrustedHopIs(String peer, String forwarded, String client) {
        assertEquals(client, BEHIND.of(peer, forwarded));
    }

    @ParameterizedTest
    @CsvSource({"proxy.example", "10.0.0.0/33", "10.0.0.0/x"})
    void aProxyIsANetworkOrAnAddressNeverAName(String entry) {
        assertThrows(IllegalArgumentException.class, () -> ClientAddress.parse(List.of(entry)));
    }

    @org.junit.jupiter.api.Test
    void aLongForgedHopIsCut() {
        assertEquals(64, BEHIND.of("10.0.0.1", "x".repeat(10_000)).length());
    }
}
