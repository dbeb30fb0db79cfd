package io.mxray.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /** Runs a command, returns stdout and stderr together; a command that does not end in time fails the test. */
    public static String run(List<String> command, byte[] stdin, int timeoutSeconds) {
        try {
            return ExternalCommand.run(command, stdin, timeoutSeconds);
        } catch (IllegalStateException e) {
            return fail(e.getMessage(), e);
        }
    }

    /** Skips (or fails under MXRAY_REQUIRE_CROSSCHECK) when posttls-finger's tools or privileges are missing. */
    public static void requirePosttlsFinger(Lab lab) {
        require("posttls-finger", "postfix");
        require("unbound", "unbound");
        require("unshare", "util-linux");
        if (!"root".equals(System.getProperty("user.name"))) {
            unavailable("posttls-finger's cross-check needs root (Unbound on port 53, a mount namespace)");
        }
        if (lab.smtpPort() != 25) {
            unavailable("posttls-finger looks TLSA up at _25._tcp: the lab must listen on port 25 (is another lab or "
                    + "an MTA on [::1]:25?)");
        }
    }
}
