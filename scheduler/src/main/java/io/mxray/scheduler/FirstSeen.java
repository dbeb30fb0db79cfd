package io.mxray.scheduler;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The domains of a list seen so far, each with the line it was first seen on: an exact set (names
 * are compared byte for byte, never by hash alone) in about 40 bytes a domain, where a
 * {@code HashMap<String, Long>} takes about 140. A list of 100 million domains then needs about
 * 4 GB of heap rather than 14 (measured by {@code mxray bench scheduler}).
 *
 * <p>Names live in an append-only arena of 1 MiB chunks, each as its line number (8 bytes), its
 * length (2 bytes) and its UTF-8 bytes. An open-addressing table of longs points into it: the top
 * 24 bits of a slot hold bits of the name's hash (most probes that miss end without reading the
 * arena), the low 40 bits the entry's offset plus one (0: an empty slot). Not thread-safe.
 */
final class FirstSeen {
    private static final int CHUNK_BITS = 20;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int HEADER = 10;
    private static final long OFFSET_MASK = (1L << 40) - 1;
    /** The largest table a Java array holds with a power-of-two length. */
    private static final int MAX_SLOTS = 1 << 30;
    private static final SecureRandom KEYS = new SecureRandom();

    private final long k0;
    private final long k1;
    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] chunk;
    private int used = CHUNK;
    private long[] slots = new long[1024];
    private int size;

    FirstSeen() {
        this(KEYS.nextLong(), KEYS.nextLong());
    }

    /** With a given hash key (tests). */
    FirstSeen(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /**
     * Records {@code domain} as first seen on {@code lineNo} if it is new.
     *
     * @return -1 when it is new, otherwise the line it was first seen on
     */
    long putIfAbsent(String domain, long lineNo) {
        byte[] name = domain.getBytes(StandardCharsets.UTF_8);
        if (name.length > 0xffff) {
            throw new IllegalArgumentException("a name of " + name.length + " bytes");
        }
        long hash = hash(name, 0, name.length);
        long tag = hash >>> 40;
        int mask = slots.length - 1;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            long slot = slots[i];
            if (slot == 0) {
                slots[i] = (tag << 40) | (append(name, lineNo) + 1);
                if (++size > slots.length / 10 * 7) {
                    grow();
                }
                return -1;
            }
            if (slot >>> 40 == tag) {
                long offset = (slot & OFFSET_MASK) - 1;
                byte[] c = chunks.get((int) (offset >>> CHUNK_BITS));
                int at = (int) (offset & (CHUNK - 1));
                if (sameName(c, at, name)) {
                    return readLong(c, at);
                }
            }
        }
    }

    /** Domains held. */
    int size() {
        return size;
    }

    private long append(byte[] name, long lineNo) {
        int need = HEADER + name.length;
        if (used + need > CHUNK) {
            chunk = new byte[CHUNK];
            chunks.add(chunk);
            used = 0;
        }
        int at = used;
        for (int b = 0; b < 8; b++) {
            chunk[at + b] = (byte) (lineNo >>> (56 - 8 * b));
        }
        chunk[at + 8] = (byte) (name.length >>> 8);
        chunk[at + 9] = (byte) name.length;
        System.arraycopy(name, 0, chunk, at + HEADER, name.length);
        used += need;
        long offset = ((long) (chunks.size() - 1) << CHUNK_BITS) | at;
        if (offset + 1 > OFFSET_MASK) {
            throw new IllegalStateException("more than a terabyte of domain names");
        }
        return offset;
    }

    private static boolean sameName(byte[] c, int at, byte[] name) {
        int len = ((c[at + 8] & 0xff) << 8) | (c[at + 9] & 0xff);
        if (len != name.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (c[at + HEADER + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static long readLong(byte[] c, int at) {
        long v = 0;
        for (int b = 0; b < 8; b++) {
            v = (v << 8) | (c[at + b] & 0xff);
        }
        return v;
    }

    /** Twice the slots; every entry's hash is computed again from its bytes in the arena. */
    private void grow() {
        if (slots.length >= MAX_SLOTS) {
            throw new IllegalStateException("more than " + (MAX_SLOTS / 10 * 7) + " distinct domains in one list");
        }
        long[] old = slots;
        long[] next = new long[old.length * 2];
        int mask = next.length - 1;
        for (long slot : old) {
            if (slot == 0) {
                continue;
            }
            long offset = (slot & OFFSET_MASK) - 1;
            byte[] c = chunks.get((int) (offset >>> CHUNK_BITS));
            int at = (int) (offset & (CHUNK - 1));
            int len = ((c[at + 8] & 0xff) << 8) | (c[at + 9] & 0xff);
            int i = (int) hash(c, at + HEADER, len) & mask;
            while (next[i] != 0) {
                i = (i + 1) & mask;
            }
            next[i] = slot;
        }
        slots = next;
    }

    /**
     * SipHash-2-4 (Aumasson and Bernstein) of the bytes under this set's random key: a list is
     * hostile input, and names crafted to collide under a known hash would make every insertion
     * walk the whole table.
     */
    long hash(byte[] b, int from, int len) {
        long[] v = {k0 ^ 0x736f6d6570736575L, k1 ^ 0x646f72616e646f6dL, k0 ^ 0x6c7967656e657261L,
            k1 ^ 0x7465646279746573L};
        int end = from + len - len % 8;
        for (int i = from; i < end; i += 8) {
            long m = 0;
            for (int j = 7; j >= 0; j--) {
                m = (m << 8) | (b[i + j] & 0xff);
            }
            compress(v, m);
        }
        long last = (long) (len & 0xff) << 56;
        for (int j = len % 8 - 1; j >= 0; j--) {
            last |= (long) (b[end + j] & 0xff) << (8 * j);
        }
        compress(v, last);
        v[2] ^= 0xff;
        for (int r = 0; r < 4; r++) {
            round(v);
        }
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    /** One message word, two rounds (the "2" of SipHash-2-4). */
    private static void compress(long[] v, long m) {
        v[3] ^= m;
        round(v);
        round(v);
        v[0] ^= m;
    }

    private static void round(long[] v) {
        v[0] += v[1];
        v[1] = Long.rotateLeft(v[1], 13) ^ v[0];
        v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3];
        v[3] = Long.rotateLeft(v[3], 16) ^ v[2];
        v[0] += v[3];
        v[3] = Long.rotateLeft(v[3], 21) ^ v[0];
        v[2] += v[1];
        v[1] = Long.rotateLeft(v[1], 17) ^ v[2];
        v[2] = Long.rotateLeft(v[2], 32);
    }
}
