package io.mxray.check;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.mxray.dns.FastSignatures;
import io.mxray.dns.ResolverHealth;
import io.mxray.schema.CheckResult;
import io.mxray.schema.CheckStatus;
import io.mxray.schema.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code mxray check}: one domain (or a few), now, explained. */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false, exitCodeOnInvalidInput = 3,
        exitCodeOnExecutionException = 3,
        description = {"Check domains now, in this process (no Kafka, no database): MX hosts, DNSSEC, TLSA, "
                + "STARTTLS, TLS and the certificate chain, judged as a sending MTA does, with advice in plain "
                + "words.",
                "Exit status as monitoring plugins expect: 0 OK, 1 WARNING, 2 CRITICAL (a DANE sender would not "
                        + "deliver, an MTA-STS enforce policy excludes or rejects an MX host, or a DANE sender would not "
                        + "deliver, no MX host offers STARTTLS or none is reachable), 3 UNKNOWN (DNS failed, not a "
                        + "domain, a usage or configuration error). Several domains: the worst of them (CRITICAL before "
                        + "UNKNOWN before WARNING)."},
        footer = {"", "Examples:", "  mxray check example.org", "  mxray check --tlsa example.org   (the TLSA records "
                + "to publish for the certificates served now)", "  mxray check --json example.org example.net",
                "  mxray check - < domains.txt"})
public final class CheckCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DOMAIN",
            description = "The domains to check, printed in this order; - reads more, one per line, from standard input.")
    List<String> domains;

    @Mixin
    CheckerOptions options = new CheckerOptions();

    @Option(names = "--tlsa", defaultValue = "${env:MXRAY_CHECK_TLSA:-false}",
            description = "Print only the TLSA records (3 1 1 and 2 1 1, zone-file lines) to publish for what each MX "
                    + "host presents now (env MXRAY_CHECK_TLSA).")
    boolean tlsa;

    @Option(names = "--json", defaultValue = "${env:MXRAY_CHECK_JSON:-false}",
            description = "Print the facts as JSON, one object per domain and line (env MXRAY_CHECK_JSON).")
    boolean json;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "${env:MXRAY_CHECK_CONCURRENCY:-16}",
            description = "Domains checked at once (env MXRAY_CHECK_CONCURRENCY, default ${DEFAULT-VALUE}).")
    int concurrency;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (concurrency < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--concurrency must be at least 1");
        }
        return run(spec.commandLine().getOut());
    }

    /**
     * The command filled in from {@code args} (what follows {@code check}) without picocli's
     * model, or empty when picocli must read them: help, a mistake, anything unusual.
     */
    public static Optional<CheckCommand> quick(List<String> args, UnaryOperator<String> env) {
        CheckCommand c = new CheckCommand();
        return QuickArgs.fill(c, args, env) && c.concurrency >= 1 ? Optional.of(c)
                : Optional.empty();
    }

    /** Checks the domains, printing to {@code out}; the exit status. */
    public int run(PrintWriter out) throws IOException {
        options.requireReadable(); // before any lookup
        List<String> inputs = inputs();
        FastSignatures.preferStartupTime();
        List<CheckStatus> statuses = new ArrayList<>();
        try (Checker checker = options.checker(Clock.systemUTC())) {
            print(checker, inputs, out, statuses);
        }
        return CheckStatus.worst(statuses).exitCode();
    }

    /**
     * At most {@code concurrency} checks at once; each printed as soon as those before it are. The
     * resolver is checked meanwhile: if it fails, nothing is said about any domain (its answers
     * would blame the domain for the resolver), only why, and the status is UNKNOWN.
     */
    private void print(Checker checker, List<String> inputs, PrintWriter out, List<CheckStatus> statuses)
            throws IOException {
        CompletableFuture<ResolverHealth.Report> resolver = checker.resolverHealth().check();
        List<CompletableFuture<CheckResult>> running = new ArrayList<>();
        // Jackson's first look at the result types costs a tenth of a second: only when it prints JSON
        ObjectWriter writer = json ? Json.mapper().writerFor(CheckResult.class) : null;
        for (int i = 0; i < inputs.size(); i++) {
            while (running.size() < inputs.size() && running.size() < i + concurrency) {
                running.add(checker.check(inputs.get(running.size())));
            }
            if (i == 0 && !resolver.join().healthy()) {
                String why = "the DNS resolver " + checker.resolverHealth().resolverName() + " cannot be used: "
                        + resolver.join().failure();
                for (String input : inputs) {
                    statuses.add(CheckStatus.UNKNOWN);
                    if (json) {
                        out.println(Json.mapper().writerFor(CheckResult.class).writeValueAsString(
                                checker.resolverFailed(input, why)));
                    }
                }
                if (!json) {
                    out.println("UNKNOWN  " + why);
                }
                out.flush();
                return;
            }
            CheckResult r = running.get(i).join();
            running.set(i, null); // printed: let it go
            statuses.add(r.status());
            if (json) {
                out.println(writer.writeValueAsString(r));
            } else if (tlsa) {
                TlsaRecords.lines(r).forEach(out::println);
            } else {
                if (i > 0) {
                    out.println();
                }
                out.print(CheckText.render(r));
            }
            out.flush();
        }
    }

    private List<String> inputs() throws IOException {
        List<String> out = new ArrayList<>();
        for (String d : domains) {
            if (!d.equals("-")) {
                out.add(d);
                continue;
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                String s = line.strip();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
