package io.mxray.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpTextTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "192.0.2.1, 192.0.2.1",
            "2001:db8:0:0:0:0:0:1, 2001:db8::1",
            "2001:0DB8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1", // first of two equal runs
            "2001:db8:0:0:1:0:0:0, 2001:db8:0:0:1::",                    // the longer run wins
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",               // a single zero group stays
            "0:0:0:0:0:0:0:1, ::1",
            "0:0:0:0:0:0:0:0, ::",
            "fe80:0:0:0:0:0:0:0, fe80::",
    })
    void rfc5952(String in, String expected) throws UnknownHostException {
        assertEquals(expected, IpText.of(InetAddress.getByName(in)));
    }
}
