package io.mxray.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.app.Mxray;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * Every option of every command an operator runs can be set by its flag and by one environment
 * variable, named in its help and in docs/configuration.md, and one variable means one thing everywhere.
 * Developer tools (lab, bench, infra) are exempt: they are run by hand, not deployed.
 */
class ConfigurationTest {
    private static final Set<String> DEVELOPER_TOOLS = Set.of("lab", "bench", "infra");
    private static final Pattern ENV = Pattern.compile("^\\$\\{env:(MXRAY_[A-Z0-9_]+)(:-.*)?}$");

    /** Environment variable -> the flags that read it, over all operator commands. */
    static Map<String, Set<String>> environment() {
        CommandLine root = Mxray.commandLine();
        root.setInterpolateVariables(false); // read ${env:...} as written
        Map<String, Set<String>> out = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (var e : root.getSubcommands().entrySet()) {
            if (DEVELOPER_TOOLS.contains(e.getKey())) {
                continue;
            }
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                if (o.usageHelp() || o.versionHelp()) {
                    continue;
                }
                String where = "mxray " + e.getKey() + " " + o.longestName();
                Matcher m = o.defaultValue() == null ? null : ENV.matcher(o.defaultValue());
                if (m == null || !m.matches()) {
                    problems.add(where + ": no environment variable (default " + o.defaultValue() + ")");
                    continue;
                }
                String name = m.group(1);
                if (!String.join(" ", o.description()).contains("env " + name)) {
                    problems.add(where + ": the help does not name " + name);
                }
                out.computeIfAbsent(name, k -> new TreeSet<>()).add(o.longestName());
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        return out;
    }

    @Test
    void everyOptionOfEveryOperatorCommandHasOneEnvironmentVariableNamedInItsHelp() {
        Map<String, Set<String>> env = environment();
        assertTrue(env.size() >= 30, "variables: " + env.keySet());
        env.forEach((name, flags) -> assertEquals(1, flags.size(), name + " is read by several flags: " + flags));
        // the stage processes share the Kafka settings under the same names
        assertTrue(env.keySet().containsAll(List.of("MXRAY_KAFKA", "MXRAY_DB", "MXRAY_PARTITIONS",
                "MXRAY_METRICS_PORT", "MXRAY_SESSION_TIMEOUT", "MXRAY_RESOLVER", "MXRAY_STATE_DIR")), env.keySet().toString());
    }

    @Test
    void theConfigurationPageDocumentsEveryEnvironmentVariable() throws Exception {
        String readme = Files.readString(Path.of("..", "docs", "configuration.md"), StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        for (String name : environment().keySet()) {
            if (!readme.contains("`" + name + "`")) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "docs/configuration.md does not document " + missing);
    }

    /** The variables really are read: a process given them shows them as its defaults. */
    @Test
    void aProcessTakesItsDefaultsFromTheEnvironment() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.mxray.app.Mxray", "aggregator", "--help")
                .redirectErrorStream(true);
        pb.environment().put("MXRAY_STATE_DIR", "/from/the/environment");
        pb.environment().put("MXRAY_PROBE_WAIT", "PT7M");
        pb.environment().put("MXRAY_PARTITIONS", "17");
        Process p = pb.start();
        String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), help);
        assertTrue(help.contains("default /from/the/environment"), help);
        assertTrue(help.contains("default PT7M"), help);
        assertTrue(help.contains("default 17"), help);
    }
}
