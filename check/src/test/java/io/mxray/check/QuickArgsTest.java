package io.mxray.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * The quick reading of {@code mxray check}'s command line against picocli's: where it reads one,
 * every field (the command's and its mixins') holds what picocli puts there; where it is not
 * sure, it declines, and picocli reads it.
 */
class QuickArgsTest {
    /** Every option field, by its first name, and the domains, with their values. */
    private static Map<String, Object> fields(Object command) throws IllegalAccessException {
        Map<String, Object> out = new TreeMap<>();
        collect(command, out);
        return out;
    }

    private static void collect(Object target, Map<String, Object> out) throws IllegalAccessException {
        for (Field f : target.getClass().getDeclaredFields()) {
            f.setAccessible(true);
            if (f.isAnnotationPresent(Option.class)) {
                out.put(f.getAnnotation(Option.class).names()[0], f.get(target));
            } else if (f.isAnnotationPresent(Parameters.class)) {
                out.put("(parameters)", f.get(target));
            } else if (f.isAnnotationPresent(Mixin.class)) {
                collect(f.get(target), out);
            }
        }
    }

    private static Map<String, Object> picocli(String... args) throws IllegalAccessException {
        CheckCommand c = new CheckCommand();
        new CommandLine(c).parseArgs(args);
        return fields(c);
    }

    private static Optional<CheckCommand> quick(UnaryOperator<String> env, String... args) {
        return CheckCommand.quick(List.of(args), env);
    }

    @Test
    void readsWhatPicocliReads() throws Exception {
        List<String[]> lines = List.of(
                new String[] {"example.org"},
                new String[] {"example.org", "example.net", "-"},
                new String[] {"--resolver", "127.0.0.1:53", "--trust-anchor", "/tmp/root.ds", "--ca-file", "/tmp/ca.pem",
                        "--allow-non-public", "tls-valid.test"},
                new String[] {"--resolver=[::1]:5353", "--port=2525", "--json", "a.test", "--tlsa", "b.test"},
                new String[] {"--smtp-port", "26", "--dns-timeout", "PT0.5S", "--dns-attempts", "1", "--ehlo-name",
                        "probe.example", "--connect-timeout", "PT2S", "--step-timeout", "PT1M", "--probe-deadline",
                        "PT3M", "--per-ip-connections", "1", "--per-ip-interval", "PT0S", "--opt-out", "opt.txt",
                        "--concurrency", "4", "x.test"},
                new String[] {"a.test", "--concurrency=1", "b.test"},
                new String[] {"--all-certificates", "false", "--tls-versions", "false", "a.test"},
                new String[] {"--tls-versions=true", "a.test"});
        for (String[] line : lines) {
            Optional<CheckCommand> q = quick(System::getenv, line);
            assertTrue(q.isPresent(), "declined " + List.of(line));
            assertEquals(picocli(line), fields(q.get()), List.of(line).toString());
        }
    }

    @Test
    void declinesWhatItIsNotSureOf() {
        List<String[]> lines = List.of(
                new String[] {},
                new String[] {"--help"},
                new String[] {"-h", "a.test"},
                new String[] {"-V"},
                new String[] {"--no-such-option", "a.test"},
                new String[] {"a.test", "--resolver"},
                new String[] {"--resolver", "--json", "a.test"},
                new String[] {"--resolver=", "a.test"},
                new String[] {"--json=true", "a.test"},
                new String[] {"--port", "25", "--port", "26", "a.test"},
                new String[] {"--port", "08", "a.test"},
                new String[] {"--port", "x", "a.test"},
                new String[] {"--dns-timeout", "3s", "a.test"},
                new String[] {"--concurrency", "0", "a.test"},
                new String[] {"--", "a.test"},
                new String[] {"@args.txt"},
                new String[] {"--ca-file", "@ca.pem", "a.test"},
                new String[] {"--tls-versions", "maybe", "a.test"},
                new String[] {"--all-certificates", "a.test"});
        for (String[] line : lines) {
            assertFalse(quick(System::getenv, line).isPresent(), "read " + List.of(line));
        }
    }

    @Test
    void defaultsComeFromTheEnvironment() throws Exception {
        Map<String, String> env = Map.of("MXRAY_CHECK_JSON", "true", "MXRAY_SMTP_PORT", "2525",
                "MXRAY_DNS_TIMEOUT", "PT1S", "MXRAY_RESOLVER", "127.0.0.2");
        Map<String, Object> f = fields(quick(env::get, "a.test").orElseThrow());
        assertEquals(true, f.get("--json"));
        assertEquals(2525, f.get("--port"));
        assertEquals(Duration.ofSeconds(1), f.get("--dns-timeout"));
        assertEquals("127.0.0.2", f.get("--resolver"));
        // unset: the default after ":-", or none
        assertEquals(Duration.ofSeconds(30), f.get("--step-timeout"));
        assertEquals(null, f.get("--ca-file"));
        // a flag overrides its variable
        Map<String, Object> given = fields(quick(env::get, "--port", "25", "a.test").orElseThrow());
        assertEquals(25, given.get("--port"));
        // what picocli would read otherwise, or reject, is left to it
        assertFalse(quick(Map.of("MXRAY_RESOLVER", "")::get, "a.test").isPresent());
        assertFalse(quick(Map.of("MXRAY_DNS_TIMEOUT", "3 seconds")::get, "a.test").isPresent());
        assertFalse(quick(Map.of("MXRAY_CHECK_JSON", "yes")::get, "a.test").isPresent());
    }

    /** An option without a default keeps what its field was made with, as under picocli. */
    static final class NoDefaults {
        @Option(names = "--name")
        String name = "made";

        @Option(names = "--count")
        int count = 7;

        @Option(names = "--path", defaultValue = "plain.txt")
        Path path;

        @Parameters
        List<String> words = new ArrayList<>();
    }

    @Test
    void anOptionWithoutDefaultKeepsItsValue() throws Exception {
        NoDefaults quick = new NoDefaults();
        assertTrue(QuickArgs.fill(quick, List.of("w"), name -> null));
        NoDefaults pico = new NoDefaults();
        new CommandLine(pico).parseArgs("w");
        assertEquals(fields(pico), fields(quick));
        assertEquals("made", quick.name);
        assertEquals(7, quick.count);
        assertEquals(Path.of("plain.txt"), quick.path);
    }
}
