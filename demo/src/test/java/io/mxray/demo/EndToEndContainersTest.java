package io.mxray.demo;

import io.mxray.local.Infrastructure;
import io.mxray.store.Database;
import java.nio.file.Path;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The end-to-end suite on Testcontainers' Kafka (the official apache/kafka image, KRaft) and
 * PostgreSQL, as in docker-compose.yml. Skipped, reported as such, where no Docker engine answers
 * (as on the machines mxray is built on); {@link EndToEndTest} runs the same suite there.
 */
@Testcontainers(disabledWithoutDocker = true)
class EndToEndContainersTest extends EndToEndSuite {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @Container
    static final PostgreSQLContainer<?> POSTGRES = new PostgreSQLContainer<>("postgres:17");

    @Override
    Infrastructure infrastructure(Path dataDir) {
        return Infrastructure.start(KAFKA.getBootstrapServers(),
                new Database(POSTGRES.getJdbcUrl(), POSTGRES.getUsername(), POSTGRES.getPassword()), dataDir, 3);
    }
}
