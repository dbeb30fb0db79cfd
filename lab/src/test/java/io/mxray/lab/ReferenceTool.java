package io.mxray.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs an independent reference tool (delv, openssl). When the tool is missing, the test is
 * skipped with the package to install, unless MXRAY_REQUIRE_CROSSCHECK is set (CI sets it, after
 * installing the tools), in which case a missing tool fails the test.
 */
public final class ReferenceTool {
    private ReferenceTool() {
    }

    public static void require(String tool, String debianPackage) {
        boolean present = Files.isExecutable(Path.of("/usr/bin", tool)) || Files.isExecutable(Path.of("/usr/sbin", tool));
        if (!present) {
            unavailable(tool + " is not installed (apt-get install " + debianPackage + "): the cross-check needs it");
        }
    }

    /** Skips the test with the reason, or fails it when MXRAY_REQUIRE_CROSSCHECK is set. */
    public static void unavailable(String why) {
        if (System.getenv("MXRAY_REQUIRE_CROSSCHECK") != null) {
            fail(why);
        }
        Assumptions.abort(why);
    }

    /** Runs a command, returns stdout and stderr together. */
    public static String run(List<String> command, byte[] stdin, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin);
            }
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command + " did not finish in " + timeoutSeconds + " s");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
