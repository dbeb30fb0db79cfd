package io.mxray.runtime;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses a probe may contact. On the Internet, MX records that point into loopback,
 * private or reserved space are misconfigurations (or traps): mxray reports them as skipped
 * instead of connecting into its own network. A lab on loopback allows loopback explicitly
 * ({@code --allow-non-public}): never more, so that a lab's private or reserved targets (a
 * scenario's trap) are refused as on the Internet and no lab traffic leaves the machine. The ranges are those
 * of the IANA special-purpose registries (RFC 6890) that are not globally reachable unicast,
 * plus translation prefixes (NAT64, 6to4) that would reach an IPv4 address mxray does not check.
 */
public final class AddressPolicy {
    private final boolean allowLoopback;

    /** @param allowLoopback also contact loopback addresses (127.0.0.0/8, ::1): a lab */
    public AddressPolicy(boolean allowLoopback) {
        this.allowLoopback = allowLoopback;
    }

    /** Null when the address may be contacted, else the reason key for skipping it. */
    public String refusal(InetAddress address) {
        if (allowLoopback && address.isLoopbackAddress()) {
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
                    || (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 0)     // IETF protocol assignments, RFC 6890
                    || (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 2)     // TEST-NET-1
                    || (o0 == 198 && (o1 == 18 || o1 == 19))           // benchmarking, RFC 2544
                    || (o0 == 198 && o1 == 51 && (b[2] & 0xff) == 100) // TEST-NET-2
                    || (o0 == 203 && o1 == 0 && (b[2] & 0xff) == 113)  // TEST-NET-3
                    || o0 >= 240;                           // reserved and broadcast
        }
        if (a instanceof Inet6Address) {
            int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
            int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            int w2 = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
            boolean zeros96 = true; // the first 96 bits zero: ::/96, IPv4-compatible (deprecated, RFC 4291)
            for (int i = 0; i < 12; i++) {
                zeros96 &= b[i] == 0;
            }
            return zeros96
                    || (w0 & 0xfe00) == 0xfc00                           // unique local, fc00::/7
                    || (w0 == 0x2001 && w1 == 0x0db8)                     // documentation, 2001:db8::/32
                    || (w0 == 0x3fff && (w1 & 0xf000) == 0)              // documentation, 3fff::/20 (RFC 9637)
                    || (w0 == 0x2001 && w1 < 0x0200)                      // IETF protocol assignments, 2001::/23
                    || w0 == 0x2002                                       // 6to4, 2002::/16 (RFC 3056)
                    || (w0 == 0x0064 && w1 == 0xff9b && w2 == 0 && b[6] == 0 && b[7] == 0
                        && b[8] == 0 && b[9] == 0 && b[10] == 0 && b[11] == 0) // NAT64, 64:ff9b::/96 (RFC 6052)
                    || (w0 == 0x0064 && w1 == 0xff9b && w2 == 0x0001)    // local NAT64, 64:ff9b:1::/48 (RFC 8215)
                    || (w0 == 0x0100 && w1 == 0 && w2 == 0 && b[6] == 0 && b[7] == 0); // discard-only, 100::/64
        }
        return false;
    }
}
