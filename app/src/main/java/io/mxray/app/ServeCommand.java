package io.mxray.app;

import io.mxray.local.ResultsDatabase;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The survey on the web: {@link WebApp} over the results database, until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the scans as web pages and JSON: the latest scan's charts and the scans before it (/), "
                + "each scan's report (/scan/ID), a domain's verdict in every scan and its hosts (/domain/NAME), "
                + "the same as JSON (/api/scans, /api/scans/ID/stats, /api/domains/NAME), Prometheus metrics "
                + "(/metrics).")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ResultsDatabase db;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "${env:MXRAY_LISTEN:-127.0.0.1:8080}",
            description = "Where to listen (env MXRAY_LISTEN, default ${DEFAULT-VALUE}: this machine only; "
                    + "0.0.0.0:8080 for every interface).")
    String listen;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress address = address(listen);
        try (ResultsDatabase.Open open = db.open();
             WebApp app = WebApp.start(open.database(), address)) {
            System.out.println("mxray serve: " + app.url() + " (Ctrl-C stops it)");
            app.join();
            return 0;
        }
    }

    /** {@code HOST:PORT}, {@code [IPv6]:PORT}, or a port alone (this machine). */
    static InetSocketAddress address(String listen) {
        String s = listen.strip();
        int colon = s.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(colon < 0 ? s : s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen wants HOST:PORT, e.g. 127.0.0.1:8080: " + listen);
        }
        if (port < 0 || port > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException("--listen wants HOST:PORT, e.g. 127.0.0.1:8080: " + listen);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }
}
