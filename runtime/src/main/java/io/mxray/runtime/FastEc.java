package io.mxray.runtime;

import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faster elliptic-curve arithmetic for the JDK's own TLS implementation: the SMTP worker's probes
 * and the policy worker's HTTPS fetches. Every TLS 1.3 handshake makes a key share and agrees a
 * secret with the server's; the JDK's TLS client sends two shares, X25519 and P-256, and servers
 * nearly always pick X25519.
 *
 * <ul>
 *   <li>EC key pairs, ECDH and ECDSA from Conscrypt (BoringSSL): making the P-256 share with the
 *       JDK's own provider was the largest cost of the SMTP worker in a steady scan.</li>
 *   <li>X25519 and X448 key pairs and agreement (XDH) from BouncyCastle (pure Java), which makes
 *       the pair faster than the JDK: with the P-256 share fast, these were the next largest cost.
 *       The profiles and figures are in docs/benchmarks.md.</li>
 * </ul>
 *
 * <p>This installs, first in the JDK's provider list, a provider with nothing but these services;
 * the JDK's TLS asks the provider list for them and gets these. What goes over the wire does not
 * change (the same ClientHello, the same groups and shares, the same signature checks): only who
 * computes them. Keys of the server's share are still decoded by the JDK's key factories. Where
 * Conscrypt's native library cannot load, its part is left out and the JDK's provider does EC.
 * For the long-lived SMTP and policy workers (and the lab's servers in a benchmark); {@code mxray
 * check} does not pay for loading them.
 */
public final class FastEc {
    private static final Logger LOG = LoggerFactory.getLogger(FastEc.class);
    public static final String NAME = "MxrayTlsEc";
    private static final String[][] EC_SERVICES = {
            {"KeyPairGenerator", "EC"},
            {"KeyAgreement", "ECDH"},
            {"Signature", "SHA256withECDSA"},
            {"Signature", "SHA384withECDSA"},
            {"Signature", "SHA512withECDSA"},
    };
    private static final String[][] XDH_SERVICES = {
            {"KeyPairGenerator", "XDH"},
            {"KeyPairGenerator", "X25519"},
            {"KeyPairGenerator", "X448"},
            {"KeyAgreement", "XDH"},
            {"KeyAgreement", "X25519"},
            {"KeyAgreement", "X448"},
    };

    private FastEc() {
    }

    /** Installs the provider first in the list; idempotent. Returns what it installed. */
    public static synchronized String install() {
        Provider installed = Security.getProvider(NAME);
        if (installed != null) {
            return installed.getInfo();
        }
        Provider xdh = Native.bouncyCastle();
        Provider ec;
        try {
            ec = Native.conscrypt();
        } catch (Throwable e) { // UnsatisfiedLinkError and friends on platforms without the native library
            LOG.warn("Conscrypt cannot load here ({}); TLS handshakes use the JDK's NIST curves", e.toString());
            ec = null;
        }
        String info = (ec == null ? "" : ec.getName() + " EC key pairs, ECDH and ECDSA; ") + xdh.getName()
                + " X25519 and X448, for TLS";
        SelectedServices p = new SelectedServices(NAME, info);
        if (ec != null) {
            p.add(ec, EC_SERVICES);
        }
        p.add(xdh, XDH_SERVICES);
        Security.insertProviderAt(p, 1);
        LOG.info("TLS elliptic curves: {}", p.getInfo());
        return p.getInfo();
    }

    /** Apart, so that loading this class does not load Conscrypt's or BouncyCastle's classes (signed jars, checked on first use). */
    private static final class Native {
        static Provider conscrypt() {
            return Conscrypt.newProvider();
        }

        static Provider bouncyCastle() {
            return new BouncyCastleProvider();
        }
    }
}
