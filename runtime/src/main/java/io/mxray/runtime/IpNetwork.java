package io.mxray.runtime;

import io.netty.util.NetUtil;
import java.util.Arrays;

/**
 * A network in CIDR form ({@code 192.0.2.0/24}, {@code 2001:db8::/32}) or a single address,
 * parsed from literals only (never a name lookup). IPv4-mapped IPv6 networks and addresses are
 * taken as the IPv4 ones they map (RFC 4291 section 2.5.5.2), as addresses reach mxray as IPv4.
 */
public record IpNetwork(byte[] prefix, int bits) {
    /** @throws IllegalArgumentException naming what is wrong with {@code entry} */
    public static IpNetwork parse(String entry) {
        int slash = entry.indexOf('/');
        String ip = slash < 0 ? entry : entry.substring(0, slash);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
        if (bytes == null) {
            throw new IllegalArgumentException("not an address");
        }
        int bits = bytes.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a prefix length");
            }
            if (bits < 0 || bits > bytes.length * 8) {
                throw new IllegalArgumentException("prefix length out of range");
            }
        }
        if (mapped(bytes)) {
            // ::ffff:192.0.2.0/120 is 192.0.2.0/24
            if (bits < 96) {
                throw new IllegalArgumentException("an IPv4-mapped network needs a prefix of /96 or longer");
            }
            return new IpNetwork(Arrays.copyOfRange(bytes, 12, 16), bits - 96);
        }
        return new IpNetwork(bytes, bits);
    }

    /** Whether the address (its bytes; an IPv4-mapped one as its IPv4 address) is in the network. */
    public boolean contains(byte[] address) {
        byte[] a = mapped(address) ? Arrays.copyOfRange(address, 12, 16) : address;
        if (a.length != prefix.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != prefix[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (prefix[full] & mask);
    }

    /** Whether {@code literal} is an address in the network; false for anything that is not an address literal. */
    public boolean contains(String literal) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
        return bytes != null && contains(bytes);
    }

    /** An IPv4-mapped IPv6 address (::ffff:0:0/96). */
    static boolean mapped(byte[] b) {
        if (b.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }
}
