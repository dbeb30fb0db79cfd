package io.mxray.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FirstSeenTest {
    /** The test vector of the SipHash paper (appendix A): key 00..0f, message 00..0e. */
    @Test
    void hashesAsSipHash24() {
        byte[] message = new byte[15];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) i;
        }
        FirstSeen set = new FirstSeen(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);
        assertEquals(0xa129ca6149be45e5L, set.hash(message, 0, message.length));
        // the reference implementation's vectors for the empty message and for 00..07 (one whole word)
        assertEquals(0x726fdb47dd0e0e31L, set.hash(new byte[0], 0, 0));
        assertEquals(0x93f5f5799a932462L, set.hash(message, 0, 8));
    }

    /** Against a HashMap over names that share prefixes, lengths and hash buckets, through many doublings. */
    @Test
    void answersAsAMapDoes() {
        Random random = new Random(7);
        FirstSeen set = new FirstSeen();
        Map<String, Long> map = new HashMap<>();
        String[] tlds = {"de", "com", "xn--p1ai", "co.uk", "example"};
        for (long line = 1; line <= 300_000; line++) {
            int n = random.nextInt(120_000);
            String name = (n % 3 == 0 ? "mail-" : "") + Integer.toString(n, 36) + "." + tlds[n % tlds.length];
            Long expected = map.putIfAbsent(name, line);
            assertEquals(expected == null ? -1 : expected, set.putIfAbsent(name, line), name);
        }
        assertEquals(map.size(), set.size());
        // names of the longest lengths and of other scripts are kept byte for byte
        String longName = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
        assertEquals(-1, set.putIfAbsent(longName, 400_001));
        assertEquals(-1, set.putIfAbsent(longName.substring(1), 400_002));
        assertEquals(-1, set.putIfAbsent("bücher.example", 400_003));
        assertEquals(400_001, set.putIfAbsent(longName, 400_004));
        assertEquals(400_003, set.putIfAbsent("bücher.example", 400_005));
        assertEquals(-1, set.putIfAbsent("", 400_006));
        assertEquals(400_006, set.putIfAbsent("", 400_007));
        // line numbers beyond 32 bits survive
        assertEquals(-1, set.putIfAbsent("late.example", 5_000_000_000L));
        assertEquals(5_000_000_000L, set.putIfAbsent("late.example", 5_000_000_001L));
    }
}
