package io.mxray.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The shared-chain switch as a command line reads it: on by default, off with --no-shared-chain. */
class SmtpOptionsTest {
    @Command(name = "t")
    static final class Holder {
        @Mixin
        SmtpOptions options = new SmtpOptions();
    }

    private static boolean sharedChain(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return h.options.config(false).sharedChain();
    }

    @Test
    void sharedChainIsOnUnlessSwitchedOff() {
        assertEquals(System.getenv("MXRAY_SHARED_CHAIN") == null || Boolean.parseBoolean(System.getenv(
                "MXRAY_SHARED_CHAIN")), sharedChain());
        assertEquals(false, sharedChain("--no-shared-chain"));
        assertEquals(true, sharedChain("--shared-chain"));
    }
}
