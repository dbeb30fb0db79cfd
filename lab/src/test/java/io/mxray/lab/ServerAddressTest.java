package io.mxray.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Lab servers get distinct loopback addresses, beyond one address block for large labs. */
class ServerAddressTest {
    @Test
    void firstBlockThenTheNextOnes() {
        assertEquals("127.40.1.1", Lab.serverAddress(40, 0));
        assertEquals("127.40.1.250", Lab.serverAddress(40, 249));
        assertEquals("127.40.2.1", Lab.serverAddress(40, 250));
        assertEquals("127.40.250.250", Lab.serverAddress(40, Lab.SERVERS_PER_BLOCK - 1));
        assertEquals("127.41.1.1", Lab.serverAddress(40, Lab.SERVERS_PER_BLOCK));
        // wraps within 127.32-254: never 127.0-31 nor 127.255
        assertEquals("127.32.1.1", Lab.serverAddress(254, Lab.SERVERS_PER_BLOCK));
        assertThrows(IllegalArgumentException.class, () -> Lab.serverAddress(40, 223 * Lab.SERVERS_PER_BLOCK));
    }

    @Test
    void aMillionServersAllDistinctAndValid() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000_000; i++) {
            String a = Lab.serverAddress(200, i);
            String[] parts = a.split("\\.");
            int b = Integer.parseInt(parts[1]);
            int c = Integer.parseInt(parts[2]);
            int d = Integer.parseInt(parts[3]);
            assertEquals(true, b >= 32 && b <= 254 && c >= 1 && c <= 250 && d >= 1 && d <= 250, a);
            assertEquals(true, seen.add(a), "twice: " + a);
        }
    }
}
