package io.mxray.lab;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link SharedListenerTest} in a network namespace of its own: starts the catalogue lab
 * with one shared SMTP listener and checks, for every MX host with an address, that a connection
 * is accepted where the scenario declares a listening server (and then greets with 220 unless it
 * declares another behaviour) and refused where it declares a refusing one; and that one socket
 * listens on the SMTP port. Prints one line per finding and "checked N" at the end; exit 1 if any.
 */
public final class SharedListenerProbe {
    private SharedListenerProbe() {
    }

    public static void main(String[] args) throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        try (Lab lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("shared-lab")).withSharedListener(true))) {
            Map<String, HostSpec> hosts = new LinkedHashMap<>();
            for (Scenario sc : Scenarios.catalogue()) {
                sc.mx().forEach(m -> hosts.putIfAbsent(m.host().name(), m.host()));
            }
            int port = lab.smtpPort();
            for (HostSpec h : hosts.values()) {
                String ip = lab.addressOf(h.name());
                if (ip == null || h.server() == null) {
                    continue;
                }
                checked++;
                String seen = connect(ip, port, h.server().behavior() == Behavior.NORMAL);
                String declared = h.server().listening() ? "accepted" : "refused";
                if (!seen.startsWith(declared)) {
                    problems.add(h.name() + " at " + ip + ": declared " + declared + ", got " + seen);
                }
            }
            long listening = listeningSockets(port);
            if (listening != 1) {
                problems.add(listening + " sockets listen on port " + port + ", not 1");
            }
        }
        problems.forEach(p -> System.out.println("PROBLEM " + p));
        System.out.println("checked " + checked);
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    private static String connect(String ip, int port, boolean greets) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), 3000);
            if (!greets) {
                return "accepted";
            }
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            byte[] first = in.readNBytes(3);
            String code = new String(first, StandardCharsets.US_ASCII);
            return code.equals("220") ? "accepted, greeted" : "accepted, no 220 but '" + code + "'";
        } catch (ConnectException e) {
            return "refused";
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    /** Listening TCP sockets on {@code port} in this network namespace (/proc/net/tcp and tcp6, state 0A). */
    private static long listeningSockets(int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        long n = 0;
        for (String f : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(f))) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length > 3 && cols[1].endsWith(hexPort) && cols[3].equals("0A")) {
                    n++;
                }
            }
        }
        return n;
    }
}
