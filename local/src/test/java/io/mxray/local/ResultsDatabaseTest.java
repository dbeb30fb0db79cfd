package io.mxray.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Where the readers find results without --db: what they say when there are none, and a running server. */
class ResultsDatabaseTest {
    private static ResultsDatabase options(Path dataDir) {
        ResultsDatabase o = new ResultsDatabase();
        o.dataDir = dataDir;
        return o;
    }

    @Test
    void aFolderWithoutResultsIsAClearErrorNamingItAndTheWaysOut() throws Exception {
        Path empty = Files.createTempDirectory("no-results");
        var e = assertThrows(IllegalArgumentException.class, () -> options(empty.resolve("mxray-data")).open());
        assertTrue(e.getMessage().contains(empty.resolve("mxray-data").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("./mxray demo") && e.getMessage().contains("--db"), e.getMessage());
        assertTrue(!Files.exists(empty.resolve("mxray-data")), "nothing was created");
    }

    @Test
    void aGivenUrlIsUsedAsItIs() {
        ResultsDatabase o = options(Path.of("/nonexistent"));
        o.db.url = "jdbc:postgresql://db.example:5432/mxray";
        try (ResultsDatabase.Open open = o.open()) {
            assertTrue(!open.embedded());
            assertTrue(open.database().describe().contains("db.example"), open.database().describe());
        }
    }

    /** A scan holds the folder and runs its server: a reader connects to that server (port from postmaster.pid). */
    @Test
    void theServerOfTheProcessHoldingTheFolderIsFoundByItsPidFile() throws Exception {
        Path folder = Files.createTempDirectory("held");
        Path pg = Files.createDirectories(folder.resolve("postgres"));
        Files.writeString(pg.resolve("postmaster.pid"), "4242\n" + pg + "\n1764720000\n54321\n/tmp\n127.0.0.1\n");
        Files.writeString(EmbeddedDatabase.passwordFile(pg), "secret\n");
        Database db = ResultsDatabase.running(folder, pg);
        assertEquals("127.0.0.1:54321/postgres", db.describe().replaceAll(".*//", "").replaceAll("\\?.*", ""),
                db.describe());

        Files.delete(pg.resolve("postmaster.pid"));
        var e = assertThrows(IllegalStateException.class, () -> ResultsDatabase.running(folder, pg));
        assertTrue(e.getMessage().contains("another mxray process is using " + folder), e.getMessage());
    }
}
