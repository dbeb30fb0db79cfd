package io.mxray.app;

import io.mxray.local.EmbeddedKafka;
import io.mxray.runtime.TopicSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real broker for the tests of one class: started before them, in a directory of its own with
 * mxray's topics (one partition each), stopped and its directory removed after them.
 * {@code @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();}
 */
final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {
    private Path dir;
    private EmbeddedKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory(context.getRequiredTestClass().getSimpleName());
        kafka = EmbeddedKafka.start(dir);
        TopicSetup.ensure(kafka.bootstrap(), 1, (short) 1);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    String bootstrap() {
        return kafka.bootstrap();
    }
}
