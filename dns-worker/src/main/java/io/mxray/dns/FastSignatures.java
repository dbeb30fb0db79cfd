package io.mxray.dns;

import io.mxray.runtime.SelectedServices;
import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fast ECDSA signature verification for DNSSEC. Validation verifies signatures made with keys it
 * sees once (each zone has its own), and the JDK's provider verifies only about 700 such ECDSA
 * P-256 signatures a second per core here: too slow for thousands of domains a second. This
 * installs, first in the provider list, a provider with nothing but the ECDSA {@code Signature}
 * algorithms, taken from Conscrypt (BoringSSL; about 12,000 a second) or, when its native library
 * cannot load on this platform, from BouncyCastle (about 3,200). Keys, key factories, random
 * numbers and everything else stay with the JDK's providers.
 */
public final class FastSignatures {
    private static final Logger LOG = LoggerFactory.getLogger(FastSignatures.class);
    public static final String NAME = "MxrayEcdsa";
    private static final String[][] SERVICES = {{"Signature", "SHA256withECDSA"}, {"Signature", "SHA384withECDSA"}};

    private FastSignatures() {
    }

    private static Provider source;

    /**
     * The provider of fast ECDSA verification, not installed anywhere: Conscrypt, or BouncyCastle
     * where Conscrypt's native library cannot load. mxray's validator asks it directly.
     */
    public static synchronized Provider ecdsaProvider() {
        if (source == null) {
            source = Native.provider();
        }
        return source;
    }

    /**
     * Apart, so that verifying this class does not load Conscrypt's or BouncyCastle's classes
     * (their jars are signed: loading the first class checks the whole jar).
     */
    private static final class Native {
        static Provider provider() {
            try {
                return Conscrypt.newProvider();
            } catch (Throwable e) { // UnsatisfiedLinkError and friends on platforms without the native library
                LOG.warn("Conscrypt cannot load here ({}); verifying ECDSA with BouncyCastle", e.toString());
                return new BouncyCastleProvider();
            }
        }
    }

    /**
     * Verify ECDSA with the JDK's own provider from now on: slower per signature, but nothing to
     * load first (Conscrypt's signed jar and native library cost a quarter of a second). For a
     * short-lived process that verifies a few dozen signatures ({@code mxray check}); call before
     * the first validation.
     */
    public static synchronized void preferStartupTime() {
        if (source == null) {
            source = Security.getProvider("SunEC");
        }
    }

    /**
     * Installs the ECDSA-only provider first in the JDK's list, for code that asks the JDK for
     * signatures (dnsjava's validator). Idempotent; returns the name of the implementation in use.
     */
    public static synchronized String install() {
        Provider installed = Security.getProvider(NAME);
        if (installed != null) {
            return installed.getInfo();
        }
        Provider source = ecdsaProvider();
        Provider p = new SelectedServices(NAME, source.getName() + " ECDSA signatures", source,
                SERVICES);
        Security.insertProviderAt(p, 1);
        LOG.info("DNSSEC ECDSA verification: {}", p.getInfo());
        return p.getInfo();
    }
}
