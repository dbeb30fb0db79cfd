package io.mxray.schema;

/**
 * An enum constant with a stable external name: the word that appears in JSON, in PostgreSQL
 * and in reports. Names never change once published; tests and SQL rely on them.
 */
public interface Keyed {
    String key();

    static <E extends Enum<E> & Keyed> E fromKey(Class<E> type, String key) {
        for (E e : type.getEnumConstants()) {
            if (e.key().equals(key)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + type.getSimpleName() + " '" + key + "'");
    }
}
