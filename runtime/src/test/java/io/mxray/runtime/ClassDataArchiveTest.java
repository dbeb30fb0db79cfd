package io.mxray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ClassDataArchiveTest {
    @TempDir
    Path dir;

    /** The list the archive is made from: class names only, of every stage. */
    @Test
    void theListNamesTheStagesClasses() throws Exception {
        Path list = dir.resolve("list");
        ClassDataArchive.writeClassList(list);
        List<String> names = Files.readAllLines(list, StandardCharsets.UTF_8);
        assertTrue(names.size() > 5_000, "classes: " + names.size());
        assertTrue(names.stream().allMatch(n -> !n.isEmpty() && !n.startsWith("#") && n.indexOf(' ') < 0));
        for (String stage : List.of("io/mxray/dns/", "io/mxray/smtp/", "io/mxray/policy/", "io/mxray/aggregator/",
                "io/mxray/scheduler/", "org/apache/kafka/streams/", "kafka/server/", "org/xbill/DNS/", "io/netty/")) {
            assertTrue(names.stream().filter(n -> n.startsWith(stage)).count() >= 5, stage);
        }
    }

    @Test
    void onlyJarsCanBeArchived() throws Exception {
        Path jar = jarOf(CommandLine.class);
        assertTrue(ClassDataArchive.unsupported(jar.toString()).isEmpty());
        assertTrue(ClassDataArchive.unsupported(jar + File.pathSeparator + dir).orElseThrow().contains("directory"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> ClassDataArchive.dump(javaHome(), dir.toString(), dir.resolve("x.jsa")));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.jsa")));
    }

    /**
     * A real dump with this JDK over a jar of the list's classes (picocli's), then a JVM started
     * with it: its classes come from the archive ("shared objects file"), not from the jar.
     */
    @Test
    void aProcessMapsItsClassesFromTheArchive() throws Exception {
        String cp = jarOf(CommandLine.class).toString();
        Path archive = dir.resolve("picocli.jsa");
        ClassDataArchive.dump(javaHome(), cp, archive);
        assertTrue(Files.size(archive) > 0);
        assertEquals(List.of(), Files.list(dir).filter(p -> !p.equals(archive)).toList(), "no temporary file left");

        List<String> cmd = new java.util.ArrayList<>(List.of(javaHome().resolve("bin/java").toString()));
        cmd.addAll(ClassDataArchive.options(archive));
        cmd.addAll(List.of("-Xlog:class+load=info", "-cp", cp, "picocli.AutoComplete", "--help"));
        String out = run(cmd);
        assertTrue(out.contains("picocli.CommandLine source: shared objects file"), out);

        // another class path (the jars of another build): the JVM maps nothing and loads from the jar
        Path copy = Files.copy(Path.of(cp), dir.resolve("other.jar"));
        cmd.set(cmd.indexOf(cp), copy.toString());
        String other = run(cmd);
        assertTrue(other.contains("picocli.CommandLine source: file:"), other);
        assertFalse(other.contains("picocli.CommandLine source: shared objects file"), other);
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }

    private static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    private static Path jarOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
