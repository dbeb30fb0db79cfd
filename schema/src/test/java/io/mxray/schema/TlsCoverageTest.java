package io.mxray.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** What a modern client would refuse: RFC 8996 (TLS 1.0/1.1), RFC 7465 (RC4), and weak key exchange. */
class TlsCoverageTest {
    @Test
    void modernSessionsAreNotLegacy() {
        assertNull(TlsCoverage.legacy("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519"));
        assertNull(TlsCoverage.legacy("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "secp256r1"));
        assertNull(TlsCoverage.legacy("TLSv1.2", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "dhe-2048"));
    }

    @Test
    void legacySessionsSayWhy() {
        assertEquals("protocol-tlsv1", TlsCoverage.legacy("TLSv1", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "x25519"));
        assertEquals("protocol-tlsv1.1", TlsCoverage.legacy("TLSv1.1", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", null));
        assertEquals("cipher-rc4", TlsCoverage.legacy("TLSv1.2", "SSL_RSA_WITH_RC4_128_SHA", null));
        assertEquals("cipher-des", TlsCoverage.legacy("TLSv1.2", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "x25519"));
        assertEquals("key-exchange-rsa", TlsCoverage.legacy("TLSv1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256", null));
        assertEquals("dh-group-small", TlsCoverage.legacy("TLSv1.2", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "dhe-1024"));
    }
}
