package io.mxray.runtime;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;

/** A {@link Publisher} over an idempotent Kafka producer; the first send failure fails the flush. */
public final class KafkaPublisher implements Publisher {
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public KafkaPublisher(String bootstrap, String clientId) {
        this.producer = new KafkaProducer<>(KafkaSettings.producer(bootstrap, clientId));
    }

    @Override
    public void publish(Output<?, ?> output) {
        throwIfFailed();
        producer.send(output.toRecord(), (meta, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
    }

    @Override
    public void flush() {
        producer.flush();
        throwIfFailed();
    }

    private void throwIfFailed() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("publishing to Kafka failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
