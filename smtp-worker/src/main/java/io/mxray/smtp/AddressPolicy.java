package io.mxray.smtp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses a probe may contact. On the Internet, MX records that point into loopback,
 * private or reserved space are misconfigurations (or traps): mxray reports them as skipped
 * instead of connecting into its own network. A lab allows them explicitly.
 */
public final class AddressPolicy {
    private final boolean allowNonPublic;

    public AddressPolicy(boolean allowNonPublic) {
        this.allowNonPublic = allowNonPublic;
    }

    /** Null when the address may be contacted, else the reason key for skipping it. */
    public String refusal(InetAddress address) {
        if (allowNonPublic) {
            return null;
        }
        return nonPublic(address) ? "non-public-address" : null;
    }

    static boolean nonPublic(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int o0 = b[0] & 0xff;
            int o1 = b[1] & 0xff;
            return o0 == 0                                  // "this network"
                    || (o0 == 100 && o1 >= 64 && o1 < 128)  // CGNAT, RFC 6598
                    || (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 2)     // TEST-NET-1
                    || (o0 == 198 && (o1 == 18 || o1 == 19))           // benchmarking, RFC 2544
                    || (o0 == 198 && o1 == 51 && (b[2] & 0xff) == 100) // TEST-NET-2
                    || (o0 == 203 && o1 == 0 && (b[2] & 0xff) == 113)  // TEST-NET-3
                    || o0 >= 240;                           // reserved and broadcast
        }
        if (a instanceof Inet6Address) {
            int first = b[0] & 0xff;
            return (first & 0xfe) == 0xfc                   // unique local, fc00::/7
                    || (first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8); // 2001:db8::/32
        }
        return false;
    }
}
