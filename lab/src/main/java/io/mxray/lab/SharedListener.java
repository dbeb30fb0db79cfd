package io.mxray.lab;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a lab with one shared SMTP listener ({@link LabConfig#sharedListener}) needs from the
 * system: a network namespace of its own, with loopback alone (the wildcard listener takes the port
 * on every address, and the packet filter rules must touch nothing outside), and refusing hosts that still refuse
 * (a TCP reset to the SYN, as a closed port answers), made with an nftables rule per address.
 */
final class SharedListener {
    static final String TABLE = "mxray_lab";
    /** How many refusing addresses are tried after the rules are in: each must refuse. */
    private static final int CHECKED = 20;

    private SharedListener() {
    }

    /**
     * Throws unless this process's network has no interface but loopback: a network namespace of
     * its own ({@code unshare -n}), where the rules and the wildcard port touch nothing else.
     */
    static void requireOwnNetworkNamespace() {
        List<String> others;
        try {
            others = NetworkInterface.networkInterfaces().filter(n -> {
                try {
                    return !n.isLoopback();
                } catch (SocketException e) {
                    return true;
                }
            }).map(NetworkInterface::getName).toList();
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list the network interfaces: " + e.getMessage(), e);
        }
        if (!others.isEmpty()) {
            throw new IllegalStateException("a lab with one shared SMTP listener takes the SMTP port on every address "
                    + "and adds packet filter rules, so it runs only where loopback is the only interface (here also "
                    + String.join(", ", others) + "): a network namespace of its own, e.g. "
                    + "unshare -n sh -c 'ip link set lo up && exec ./mxray ...'");
        }
    }

    /** The nftables script that makes {@code refusing} refuse TCP connections to {@code port}. */
    static String rules(List<InetAddress> refusing, int port) {
        String v4 = refusing.stream().filter(a -> a instanceof Inet4Address).map(InetAddress::getHostAddress)
                .collect(Collectors.joining(", "));
        String v6 = refusing.stream().filter(a -> !(a instanceof Inet4Address)).map(InetAddress::getHostAddress)
                .collect(Collectors.joining(", "));
        StringBuilder b = new StringBuilder();
        b.append("table inet ").append(TABLE).append(" {}\n");
        b.append("delete table inet ").append(TABLE).append('\n');
        b.append("table inet ").append(TABLE).append(" {\n");
        if (!v4.isEmpty()) {
            b.append("  set refused4 { type ipv4_addr; elements = { ").append(v4).append(" } }\n");
        }
        if (!v6.isEmpty()) {
            b.append("  set refused6 { type ipv6_addr; elements = { ").append(v6).append(" } }\n");
        }
        b.append("  chain input {\n    type filter hook input priority 0; policy accept;\n");
        if (!v4.isEmpty()) {
            b.append("    ip daddr @refused4 tcp dport ").append(port).append(" reject with tcp reset\n");
        }
        if (!v6.isEmpty()) {
            b.append("    ip6 daddr @refused6 tcp dport ").append(port).append(" reject with tcp reset\n");
        }
        b.append("  }\n}\n");
        return b.toString();
    }

    /** Installs the rules, then checks that connections to (a sample of) these addresses are refused. */
    static void refuse(List<InetAddress> refusing, int port) {
        if (refusing.isEmpty()) {
            return;
        }
        String out;
        try {
            out = ExternalCommand.run(List.of("nft", "-f", "-"), rules(refusing, port).getBytes(StandardCharsets.US_ASCII),
                    60);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("a lab with one shared SMTP listener makes its refusing hosts refuse with "
                    + "nftables: install it (Debian package nftables); " + e.getMessage(), e);
        }
        int step = Math.max(1, refusing.size() / CHECKED);
        for (int i = 0; i < refusing.size(); i += step) {
            InetAddress a = refusing.get(i);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(a, port), 2000);
                throw new IllegalStateException("the refusing lab host " + a.getHostAddress() + ":" + port
                        + " accepted a connection after the nftables rules; nft said: " + out.strip());
            } catch (ConnectException expected) {
                // refused, as it must be
            } catch (IOException e) {
                throw new IllegalStateException("the refusing lab host " + a.getHostAddress() + ":" + port
                        + " did not refuse: " + e.getMessage() + "; nft said: " + out.strip(), e);
            }
        }
    }
}
