package io.mxray.runtime;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/** A topic name tied to the serdes of its keys and values: the only way stages name a topic. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
    }

    @Override
    public String toString() {
        return name;
    }
}
