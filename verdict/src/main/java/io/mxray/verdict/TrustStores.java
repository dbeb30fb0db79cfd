package io.mxray.verdict;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Where trust anchors come from: the JDK's CA bundle, or a PEM file. */
public final class TrustStores {
    private TrustStores() {
    }

    /** The CAs of the running JDK's default trust store. */
    public static Set<TrustAnchor> jdkDefault() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            Set<TrustAnchor> out = new HashSet<>();
            for (var tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        out.add(new TrustAnchor(c, null));
                    }
                }
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the JDK's trust store", e);
        }
    }

    /** Every certificate of a PEM (or DER) bundle becomes a trust anchor. */
    public static Set<TrustAnchor> fromPem(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Set<TrustAnchor> out = new HashSet<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add(new TrustAnchor((X509Certificate) c, null));
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no certificate in CA file " + file);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read CA file " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("CA file " + file + " is not a PEM certificate bundle: "
                    + e.getMessage(), e);
        }
    }
}
