package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A stage or the scheduler started alone parses, names itself and fails as under {@code mxray}. */
class PipelineCommandLineTest {
    @Test
    void eachPipelineCommandAloneAsUnderMxray() {
        for (String name : new String[] {"scheduler", "dns-worker", "smtp-worker", "policy-worker", "aggregator"}) {
            CommandLine alone = Mxray.pipelineCommandLine(name);
            CommandLine under = Mxray.commandLine().getSubcommands().get(name);
            assertEquals("mxray " + name, alone.getCommandName());
            assertEquals(under.getCommandSpec().options().size(), alone.getCommandSpec().options().size(), name);
            assertEquals(under.getCommandSpec().positionalParameters().size(),
                    alone.getCommandSpec().positionalParameters().size(), name);
            StringWriter err = new StringWriter();
            alone.setErr(new PrintWriter(err));
            assertEquals(2, alone.execute("--no-such-option"), name + ": a usage error");
            assertTrue(err.toString().contains("Usage: mxray " + name), err.toString());
        }
        assertNull(Mxray.pipelineCommandLine("report"), "every other command goes through mxray's own model");
        assertNull(Mxray.pipelineCommandLine("check"));
    }
}
