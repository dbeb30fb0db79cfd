package io.mxray.demo;

import io.mxray.local.Infrastructure;
import java.nio.file.Path;

/** The end-to-end suite on a KRaft broker and a PostgreSQL server started by this JVM. */
class EndToEndTest extends EndToEndSuite {
    @Override
    Infrastructure infrastructure(Path dataDir) {
        return Infrastructure.start(null, null, dataDir, 3);
    }
}
