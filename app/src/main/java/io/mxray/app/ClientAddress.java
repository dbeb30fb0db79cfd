package io.mxray.app;

import io.mxray.runtime.IpNetwork;
import java.util.List;

/**
 * Who asked, for the check queue's limits: the TCP peer, unless it is a trusted reverse proxy
 * ({@code mxray serve --trusted-proxy}); then the address that proxy saw, the rightmost entry of
 * {@code X-Forwarded-For} not itself a trusted proxy. Entries further left were written by the
 * client and are never believed.
 */
final class ClientAddress {
    /** An entry longer than this is no address: it is cut, so a hostile header keys nothing large. */
    private static final int MAX = 64;

    private final List<IpNetwork> trusted;

    ClientAddress(List<IpNetwork> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /** From the flag's values: networks in CIDR form or addresses, comma-separated or repeated. */
    static ClientAddress parse(List<String> entries) {
        return new ClientAddress(entries.stream().flatMap(e -> List.of(e.split(",")).stream()).map(String::strip)
                .filter(e -> !e.isEmpty()).map(e -> {
                    try {
                        return IpNetwork.parse(e);
                    } catch (IllegalArgumentException x) {
                        throw new IllegalArgumentException("--trusted-proxy " + e + ": " + x.getMessage());
                    }
                }).toList());
    }

    /**
     * @param peer         the TCP peer's address
     * @param forwardedFor the request's {@code X-Forwarded-For} (its lines joined with commas), or null
     */
    String of(String peer, String forwardedFor) {
        if (forwardedFor == null || !isTrusted(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = strip(hops[i]);
            if (hop.isEmpty()) {
                continue;
            }
            if (!isTrusted(hop)) {
                return hop.length() > MAX ? hop.substring(0, MAX) : hop;
            }
        }
        return peer; // every hop a trusted proxy: the nearest one is who asked
    }

    private boolean isTrusted(String address) {
        return trusted.stream().anyMatch(n -> n.contains(address));
    }

    /** Spaces, and the brackets and port some proxies write ({@code [2001:db8::1]:4711}). */
    private static String strip(String hop) {
        String h = hop.strip();
        if (h.startsWith("[") && h.indexOf(']') > 0) {
            return h.substring(1, h.indexOf(']'));
        }
        if (h.indexOf(':') == h.lastIndexOf(':') && h.indexOf(':') > 0) {
            return h.substring(0, h.indexOf(':')); // IPv4 with a port
        }
        return h;
    }
}
