package io.mxray.app.check;

import io.mxray.app.Mxray;
import io.mxray.lab.Lab;
import io.mxray.schema.CheckResult;
import io.mxray.schema.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
                "--port", String.valueOf(lab.smtpPort()), "--policy-port", String.valueOf(lab.httpsPort()),
                "--allow-non-public", "--connect-timeout", "PT5S",
                "--step-timeout", stepTimeout, "--probe-deadline", "PT40S",
                // a check connects to each lab address several times (the second handshake, one per older TLS
                // version): 100 ms apart, not a second (politeness has tests of its own)
                "--per-ip-interval", "PT0.1S");
    }

    static Run check(Lab lab, String stepTimeout, String... args) {
        List<String> all = new ArrayList<>();
        all.addAll(labArgs(lab, stepTimeout));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    /**
     * {@code mxray check} as the launcher starts it: a new JVM on the check's own class path (the
     * jars listed by the build's check-classpath, see app/pom.xml), its output and exit status.
     */
    static Run launch(Lab lab, String stepTimeout, String... args) {
        List<String> all = new ArrayList<>(labArgs(lab, stepTimeout));
        all.addAll(List.of(args));
        return launch(all.toArray(String[]::new));
    }

    static Run launch(String... args) {
        return launch(Map.of(), null, args);
    }

    /**
     * @param env   variables added to the child's environment
     * @param stdin what the child reads on standard input, or null for nothing
     */
    static Run launch(Map<String, String> env, String stdin, String... args) {
        Path target = Path.of(System.getProperty("basedir", "."), "target");
        Path listed = target.resolve("check-test.classpath");
        String classPath;
        try {
            classPath = target.resolve("classes") + java.io.File.pathSeparator + Files.readString(listed).strip();
        } catch (IOException e) {
            throw new AssertionError("no " + listed + ": run the tests through Maven (it writes the check's class path)", e);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classPath, "io.mxray.app.Mxray", "check"));
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("check-out", ".txt");
            Path err = Files.createTempFile("check-err", ".txt");
            Path in = Files.createTempFile("check-in", ".txt");
            try {
                Files.writeString(in, stdin == null ? "" : stdin);
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(in.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new AssertionError("mxray check did not end in 5 minutes: " + cmd);
                }
                return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(in);
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code mxray check} with exactly these arguments, as {@code mxray} runs it, in this JVM. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Mxray.check(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }
}
