package io.mxray.smtp;

import java.security.Provider;
import java.security.Security;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faster elliptic-curve arithmetic for the probes' TLS handshakes, from Conscrypt (BoringSSL),
 * for the JDK's own TLS implementation to use. The JDK's TLS 1.3 client sends two key shares,
 * X25519 and P-256, and servers nearly always pick X25519: in a steady scan 40% of the SMTP
 * worker's CPU went into making the P-256 share (0.8 ms a handshake with JDK 17's provider).
 *
 * <p>This installs, first in the JDK's provider list, a provider with nothing but EC key pair
 * generation, ECDH and ECDSA signatures, each taken from Conscrypt; the JDK's TLS asks the
 * provider list for them and gets these. What goes over the wire does not change (the same
 * ClientHello, the same groups and shares, the same signature checks): only who computes them.
 * Where Conscrypt's native library cannot load, nothing is installed and the JDK's provider stays.
 * For the long-lived SMTP worker; {@code mxray check} does not pay for loading it.
 */
public final class FastEc {
    private static final Logger LOG = LoggerFactory.getLogger(FastEc.class);
    public static final String NAME = "MxrayTlsEc";
    private static final String[][] SERVICES = {
            {"KeyPairGenerator", "EC"},
            {"KeyAgreement", "ECDH"},
            {"Signature", "SHA256withECDSA"},
            {"Signature", "SHA384withECDSA"},
            {"Signature", "SHA512withECDSA"},
    };

    private FastEc() {
    }

    /**
     * Installs the provider first in the list; idempotent. Returns what it installed, or null when
     * Conscrypt cannot load here (the JDK's provider stays in use).
     */
    public static synchronized String install() {
        Provider installed = Security.getProvider(NAME);
        if (installed != null) {
            return installed.getInfo();
        }
        Provider source;
        try {
            source = Native.provider();
        } catch (Throwable e) { // UnsatisfiedLinkError and friends on platforms without the native library
            LOG.warn("Conscrypt cannot load here ({}); TLS handshakes use the JDK's elliptic curves", e.toString());
            return null;
        }
        Provider p = new io.mxray.runtime.SelectedServices(NAME,
                source.getName() + " EC key pairs, ECDH and ECDSA for TLS", source, SERVICES);
        Security.insertProviderAt(p, 1);
        LOG.info("TLS elliptic curves: {}", p.getInfo());
        return p.getInfo();
    }

    /** Apart, so that loading this class does not load Conscrypt's (its jar is signed and checked on first use). */
    private static final class Native {
        static Provider provider() {
            return org.conscrypt.Conscrypt.newProvider();
        }
    }
}
