package io.mxray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressPolicyTest {
    @ParameterizedTest(name = "{0}: non-public={1}")
    @CsvSource({
            "127.0.0.1, true", "127.44.1.2, true", "10.1.2.3, true", "172.16.0.1, true", "192.168.1.1, true",
            "169.254.1.1, true", "100.64.0.1, true", "0.0.0.0, true", "224.0.0.1, true", "240.0.0.1, true",
            "192.0.2.1, true", "198.51.100.1, true", "203.0.113.1, true", "198.18.0.1, true",
            "::1, true", "fe80::1, true", "fd00::1, true", "2001:db8::1, true",
            "192.0.0.8, true", "::, true", "::192.0.2.1, true", "::8.8.8.8, true", "64:ff9b::808:808, true",
            "64:ff9b:1::1, true", "2002:808:808::1, true", "100::1, true", "2001::1, true", "2001:1ff::1, true",
            "2001:2::1, true", "3fff::1, true", "3fff:fff::1, true", "::ffff:127.0.0.1, true", "::ffff:10.0.0.1, true",
            "2001:200::1, false", "3fff:1000::1, false", "64:ff9b:2::1, false", "100:0:0:1::1, false",
            "::ffff:8.8.8.8, false",
            "8.8.8.8, false", "195.113.144.1, false", "100.128.0.1, false", "2001:718::1, false",
    })
    void nonPublicAddresses(String ip, boolean nonPublic) throws UnknownHostException {
        assertEquals(nonPublic, AddressPolicy.nonPublic(InetAddress.getByName(ip)));
        assertEquals(nonPublic ? "non-public-address" : null, new AddressPolicy(false).refusal(InetAddress.getByName(ip)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"127.0.0.1, ", "127.44.1.2, ", "::1, ", "::ffff:127.0.0.1, ", "10.1.2.3, non-public-address",
            "192.168.1.1, non-public-address", "fd00::1, non-public-address", "169.254.1.1, non-public-address",
            "192.0.2.1, non-public-address", "8.8.8.8, "})
    void aLabAllowsLoopbackAndNothingElseThatIsNotPublic(String ip, String refusal) throws UnknownHostException {
        assertEquals(refusal, new AddressPolicy(true).refusal(InetAddress.getByName(ip)));
    }
}
