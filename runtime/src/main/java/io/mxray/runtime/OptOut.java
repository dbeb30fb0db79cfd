package io.mxray.runtime;

import java.io.IOException;
import java.net.IDN;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    private final List<IpNetwork> networks;
    private final Set<String> domains;

    private OptOut(List<IpNetwork> networks, Set<String> domains) {
        this.networks = List.copyOf(networks);
        this.domains = Set.copyOf(domains);
    }

    /** Reads a list; an unreadable file or a bad line is an error naming where. */
    public static OptOut read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    public static OptOut parse(List<String> lines, String source) {
        List<IpNetwork> networks = new ArrayList<>();
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

    private static IpNetwork network(String entry) {
        return IpNetwork.parse(entry);
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
        for (IpNetwork n : networks) {
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
