package io.mxray.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

class InfrastructureTest {
    @Test
    void aDataFolderInUseIsRefusedBeforeAnythingStarts() throws Exception {
        Path dir = Files.createTempDirectory("locked");
        try (FileChannel other = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); var held = other.lock()) {
            var e = assertThrows(IllegalStateException.class, () -> Infrastructure.start(null, null, dir, 1));
            assertTrue(e.getMessage().contains("another mxray process is using"), e.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("kafka")), "no broker was started");
        assertFalse(Files.exists(dir.resolve("postgres")), "no database was started");
    }
}
