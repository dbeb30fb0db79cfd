package io.mxray.runtime;

import io.mxray.runtime.Topic;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A message a stage wants published: the topic decides how key and value are serialized. */
public record Output<K, V>(Topic<K, V> topic, K key, V value) {
    public Output {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(value, "value");
    }

    public static <K, V> Output<K, V> of(Topic<K, V> topic, K key, V value) {
        return new Output<>(topic, key, value);
    }

    ProducerRecord<byte[], byte[]> toRecord() {
        byte[] k = key == null ? null : topic.keySerde().serializer().serialize(topic.name(), key);
        byte[] v = topic.valueSerde().serializer().serialize(topic.name(), value);
        return new ProducerRecord<>(topic.name(), k, v);
    }
}
