package io.mxray.demo;

import java.nio.file.Path;
import io.mxray.local.Infrastructure;

/** The end-to-end suite on a KRaft broker and a PostgreSQL server started by this JVM. */
class EndToEndTest extends EndToEndSuite {
    @Override
    Infrastructure infrastructure(Path dataDir) {
        return Infrastructure.start(null, null, dataDir, 3);
    }
}
