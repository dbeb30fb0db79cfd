package io.mxray.dns.dnssec;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A concurrent map of bounded size that forgets what was not used recently: entries live in a
 * young generation; when it is full it becomes the old one (the previous old one is dropped),
 * and an entry read from the old generation moves back to the young one. What a scan keeps using
 * (the root's and the top-level domains' keys, a provider's zone) stays; what it met once goes.
 */
final class Generations<K, V> {
    private final int capacity;
    private volatile ConcurrentHashMap<K, V> young = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<K, V> old = new ConcurrentHashMap<>();

    /** @param capacity entries per generation; at most twice as many are held */
    Generations(int capacity) {
        this.capacity = capacity;
    }

    V get(K key) {
        V v = young.get(key);
        if (v != null) {
            return v;
        }
        v = old.get(key);
        if (v != null) {
            V raced = young.putIfAbsent(key, v);
            return raced != null ? raced : v;
        }
        return null;
    }

    /** Like {@link ConcurrentHashMap#putIfAbsent}; an entry of the old generation counts as present. */
    V putIfAbsent(K key, V value) {
        V present = get(key);
        if (present != null) {
            return present;
        }
        rotateIfFull();
        return young.putIfAbsent(key, value);
    }

    boolean replace(K key, V expected, V value) {
        get(key); // an old entry moves to the young generation first
        return young.replace(key, expected, value);
    }

    void remove(K key, V value) {
        young.remove(key, value);
        old.remove(key, value);
    }

    int size() {
        return young.size() + old.size();
    }

    private void rotateIfFull() {
        if (young.size() >= capacity) {
            synchronized (this) {
                if (young.size() >= capacity) {
                    old = young;
                    young = new ConcurrentHashMap<>();
                }
            }
        }
    }
}
