package io.mxray.runtime;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.IDN;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Networks and domains whose operators asked not to be scanned: mxray never connects to an
 * address in a listed network, nor to an MX host whose name is a listed domain or below one.
 * Such probes are reported as skipped with the reason.
 *
 * <p>File format: one entry per line, {@code #} starts a comment. An entry is a network in CIDR
 * form ({@code 192.0.2.0/24}, {@code 2001:db8::/32}), a single address, or a domain name
 * ({@code example.org} covers {@code mx.example.org}; a leading {@code *.} or {@code .} is
 * allowed and means the same). Any other line is an error naming the file and the line: an
 * opt-out list that cannot be read must stop the scan, never be half applied.
 */
public final class OptOut {
    public static final OptOut NONE = new OptOut(List.of(), Set.of());

    private record Network(byte[] prefix, int bits) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (prefix[full] & mask);
        }
    }

    private final List<Network> networks;
    private final Set<String> domains;

    private OptOut(List<Network> networks, Set<String> domains) {
        this.networks = List.copyOf(networks);
        this.domains = Set.copyOf(domains);
    }

    /** Reads a list; an unreadable file or a bad line is an error naming where. */
    public static OptOut read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    public static OptOut parse(List<String> lines, String source) {
        List<Network> networks = new ArrayList<>();
        Set<String> domains = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String entry = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (entry.isEmpty()) {
                continue;
            }
            try {
                if (looksLikeAddress(entry)) {
                    networks.add(network(entry));
                } else {
                    domains.add(domain(entry));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": " + e.getMessage() + ": " + entry);
            }
        }
        return new OptOut(networks, domains);
    }

    private static boolean looksLikeAddress(String entry) {
        return entry.indexOf(':') >= 0 || entry.matches("[0-9./]+");
    }

    private static Network network(String entry) {
        int slash = entry.indexOf('/');
        String ip = slash < 0 ? entry : entry.substring(0, slash);
        // Netty's parser accepts literals only: never a name lookup
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
            // ::ffff:192.0.2.0/120 is 192.0.2.0/24: addresses reach the check as IPv4
            if (bits < 96) {
                throw new IllegalArgumentException("an IPv4-mapped network needs a prefix of /96 or longer");
            }
            return new Network(Arrays.copyOfRange(bytes, 12, 16), bits - 96);
        }
        return new Network(bytes, bits);
    }

    /** An IPv4-mapped IPv6 address (::ffff:0:0/96, RFC 4291 section 2.5.5.2). */
    private static boolean mapped(byte[] b) {
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

    private static String domain(String entry) {
        String d = entry.toLowerCase(Locale.ROOT);
        if (d.startsWith("*.")) {
            d = d.substring(2);
        } else if (d.startsWith(".")) {
            d = d.substring(1);
        }
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        try {
            d = IDN.toASCII(d, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a domain name");
        }
        if (d.isEmpty() || d.length() > 253 || !d.matches("[a-z0-9-]+(\\.[a-z0-9-]+)*")) {
            throw new IllegalArgumentException("not a network or a domain name");
        }
        return d;
    }

    /** Null when (address, MX host name) may be contacted, else the reason key for skipping it. */
    public String refusal(InetAddress address, String mxHost) {
        return refusal(address, List.of(mxHost));
    }

    /**
     * Null when the address may be contacted under every one of {@code names} (the MX host name
     * and the aliases that led to the address), else the reason key for skipping it.
     */
    public String refusal(InetAddress address, List<String> names) {
        byte[] bytes = address.getAddress();
        if (mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        for (Network n : networks) {
            if (n.contains(bytes)) {
                return "opt-out-network";
            }
        }
        for (String name : names) {
            if (covers(name)) {
                return "opt-out-domain";
            }
        }
        return null;
    }

    /** Is the name a listed domain or below one? */
    public boolean covers(String name) {
        if (domains.isEmpty() || name == null) {
            return false;
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        while (true) {
            if (domains.contains(n)) {
                return true;
            }
            int dot = n.indexOf('.');
            if (dot < 0) {
                return false;
            }
            n = n.substring(dot + 1);
        }
    }

    /** Entries in the list. */
    public int size() {
        return networks.size() + domains.size();
    }
}
