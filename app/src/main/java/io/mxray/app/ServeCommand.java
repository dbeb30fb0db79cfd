package io.mxray.app;

import io.mxray.check.CheckerOptions;
import io.mxray.local.ResultsDatabase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The survey on the web: {@link WebApp} over the results database, until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the scans as web pages and JSON: the latest scan's charts, its statistics while it runs "
                + "and the trends over the scans (/), each scan's lists, paged, sorted and filtered (/scan/ID), a "
                + "domain's verdict in every scan, its hosts and advice (/domain/NAME), a domain checked now "
                + "(/check), the same as JSON (/api/...), Prometheus metrics (/metrics).",
                "A check from the web contacts what `mxray check` contacts, with its options below: public addresses "
                        + "only, the opt-out list honoured."},
        footer = {"", "Examples:", "  mxray serve                      (the demo's data, http://127.0.0.1:8080/)",
                "  mxray serve --db jdbc:postgresql://db/mxray --db-user reader --listen 0.0.0.0:8080"})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    ResultsDatabase db;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "${env:MXRAY_LISTEN:-127.0.0.1:8080}",
            description = "Where to listen (env MXRAY_LISTEN, default ${DEFAULT-VALUE}: this machine only; "
                    + "0.0.0.0:8080 for every interface).")
    String listen;

    @Option(names = "--check-per-minute", paramLabel = "N", defaultValue = "${env:MXRAY_CHECK_PER_MINUTE:-5}",
            description = "Checks one client address may ask for a minute (env MXRAY_CHECK_PER_MINUTE, default "
                    + "${DEFAULT-VALUE}).")
    int checkPerMinute;

    @Option(names = "--check-concurrent", paramLabel = "M", defaultValue = "${env:MXRAY_CHECK_CONCURRENT:-2}",
            description = "Checks run at once; the others wait in a queue (env MXRAY_CHECK_CONCURRENT, default "
                    + "${DEFAULT-VALUE}).")
    int checkConcurrent;

    @Option(names = "--check-queue", paramLabel = "N", defaultValue = "${env:MXRAY_CHECK_QUEUE:-50}",
            description = "Checks that may wait; more are refused until the queue shortens (env MXRAY_CHECK_QUEUE, "
                    + "default ${DEFAULT-VALUE}).")
    int checkQueue;

    @Option(names = "--check-keep", arity = "1", paramLabel = "true|false",
            defaultValue = "${env:MXRAY_CHECK_KEEP:-true}",
            description = "Offer to keep a check as a scan of one domain, in the domain's history (env "
                    + "MXRAY_CHECK_KEEP, default ${DEFAULT-VALUE}; needs a database user that may write).")
    boolean checkKeep;

    @Option(names = "--trusted-proxy", paramLabel = "CIDR", split = ",",
            defaultValue = "${env:MXRAY_TRUSTED_PROXIES:-}",
            description = "Reverse proxies in front of serve (networks or addresses, comma-separated; env "
                    + "MXRAY_TRUSTED_PROXIES, default none): for a request from one of them, the client is the "
                    + "address it names in X-Forwarded-For, so that the check limits apply per client.")
    List<String> trustedProxies = new ArrayList<>();

    @Mixin
    CheckerOptions checker = new CheckerOptions();

    @Override
    public Integer call() throws Exception {
        InetSocketAddress address = address(listen);
        WebApp.Checks checks = new WebApp.Checks(() -> checker.checker(Clock.systemUTC()), checkPerMinute,
                checkConcurrent, checkQueue, checkKeep, trustedProxies == null ? List.of() : trustedProxies);
        try (ResultsDatabase.Open open = db.open();
             WebApp app = WebApp.start(open.database(), address, checks)) {
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
