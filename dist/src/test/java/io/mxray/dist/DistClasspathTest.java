package io.mxray.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The installation the ./mxray launcher runs (target/mxray.jar names every jar of
 * target/runtime.classpath, written by the build): every command's module, and one logging
 * provider, without which every log line, errors included, is silently dropped.
 */
class DistClasspathTest {
    @Test
    void everyCommandAndOneLoggingProvider() throws Exception {
        List<Path> paths = Arrays.stream(Files.readString(Path.of("target/runtime.classpath")).trim()
                .split(File.pathSeparator)).map(Path::of).toList();
        List<String> jars = paths.stream().map(p -> p.getFileName().toString()).toList();
        for (String module : List.of("app", "demo", "bench", "lab", "check")) {
            // installed: mxray-<module>-<version>.jar; in a reactor build: the module's target/ (app's jar
            // is target/mxray.jar)
            assertTrue(paths.stream().anyMatch(p -> p.getFileName().toString().startsWith("mxray-" + module + "-")
                    || p.endsWith(Path.of(module, "target", p.getFileName().toString()))), module + " in " + paths);
        }
        assertEquals(List.of("slf4j-simple"), jars.stream().filter(j -> j.startsWith("slf4j-") && !j.startsWith("slf4j-api"))
                .map(j -> j.substring(0, j.lastIndexOf('-'))).toList());
    }
}
