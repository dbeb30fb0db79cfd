package io.mxray.app.check;

import io.mxray.app.Mxray;
import io.mxray.lab.Lab;
import io.mxray.schema.CheckResult;
import io.mxray.schema.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code mxray check} in this JVM against a lab, as a user would type it. */
final class CheckLab {
    record Run(int exit, String out, String err) {
        List<CheckResult> results() {
            List<CheckResult> out = new ArrayList<>();
            for (String line : out().split("\n")) {
                if (!line.isBlank()) {
                    try {
                        out.add(Json.mapper().readValue(line, CheckResult.class));
                    } catch (java.io.IOException e) {
                        throw new AssertionError("not a JSON line: " + line, e);
                    }
                }
            }
            return out;
        }
    }

    private CheckLab() {
    }

    /** The options that point mxray at the lab, then {@code args}. */
    static List<String> labArgs(Lab lab, String stepTimeout) {
        return List.of("--resolver", lab.resolver().getAddress().getHostAddress() + ":" + lab.resolver().getPort(),
                "--trust-anchor", lab.trustAnchorFile().toString(), "--ca-file", lab.caFile().toString(),
                "--port", String.valueOf(lab.smtpPort()), "--allow-non-public", "--connect-timeout", "PT5S",
                "--step-timeout", stepTimeout, "--probe-deadline", "PT40S");
    }

    static Run check(Lab lab, String stepTimeout, String... args) {
        List<String> all = new ArrayList<>();
        all.addAll(labArgs(lab, stepTimeout));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    /** {@code mxray check} with exactly these arguments. */
    static Run run(String... args) {
        List<String> all = new ArrayList<>();
        all.add("check");
        all.addAll(List.of(args));
        CommandLine cl = Mxray.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }
}
