package io.mxray.verdict;

import io.mxray.schema.CertType;
import io.mxray.schema.Level;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Judges a certificate chain as a sending MTA at Postfix's {@code verify} level does: a chain
 * valid to a trusted CA at scan time that names the MX host is {@code verified}; valid but for
 * another name is {@code trusted}; anything else is {@code untrusted}, with the certificate type
 * saying why.
 *
 * <p>The chain is built from the certificates the server sent (no AIA fetching, as MTAs do not
 * fetch missing intermediates), without revocation checks (MTAs do not check them either), at
 * the instant of the injected clock.
 */
public final class CertificateJudge {
    private final Set<TrustAnchor> anchors;
    private final Clock clock;

    public CertificateJudge(Set<TrustAnchor> anchors, Clock clock) {
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("no trust anchors: the CA bundle is empty");
        }
        this.anchors = Set.copyOf(anchors);
        this.clock = Objects.requireNonNull(clock);
    }

    public Judgement judge(List<X509Certificate> chain, String mxHost) {
        if (chain.isEmpty()) {
            return new Judgement(Level.UNTRUSTED, CertType.UNTRUSTED_ISSUER, "pkix", "empty-chain");
        }
        X509Certificate leaf = chain.get(0);
        Instant now = clock.instant();
        String failure = pkix(chain, now);
        if (failure == null) {
            return HostnameMatcher.matches(leaf, mxHost)
                    ? new Judgement(Level.VERIFIED, CertType.CA_VALID, "pkix+name", null)
                    : new Judgement(Level.TRUSTED, CertType.CA_NAME_MISMATCH, "pkix+name", "name-mismatch");
        }
        // would the chain be valid inside the leaf's validity period? then time is what is wrong
        Instant inside = leaf.getNotBefore().toInstant()
                .plusMillis((leaf.getNotAfter().getTime() - leaf.getNotBefore().getTime()) / 2);
        if (pkix(chain, inside) == null) {
            if (now.isAfter(leaf.getNotAfter().toInstant())) {
                return new Judgement(Level.UNTRUSTED, CertType.EXPIRED, "pkix", "expired");
            }
            if (now.isBefore(leaf.getNotBefore().toInstant())) {
                return new Judgement(Level.UNTRUSTED, CertType.NOT_YET_VALID, "pkix", "not-yet-valid");
            }
            // the leaf is within its dates: an intermediate is out of its period
            return new Judgement(Level.UNTRUSTED, CertType.EXPIRED, "pkix", "intermediate-out-of-validity");
        }
        if (isSelfSigned(leaf)) {
            return new Judgement(Level.UNTRUSTED, CertType.SELF_SIGNED, "pkix", "self-signed");
        }
        return new Judgement(Level.UNTRUSTED, CertType.UNTRUSTED_ISSUER, "pkix", failure);
    }

    /** Null when a path from the leaf to a trust anchor validates at {@code at}, else a reason key. */
    private String pkix(List<X509Certificate> chain, Instant at) {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(chain.get(0));
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(at));
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(chain)));
            CertPathBuilder.getInstance("PKIX").build(params);
            return null;
        } catch (CertPathBuilderException e) {
            return "no-valid-path";
        } catch (InvalidAlgorithmParameterException e) {
            return "invalid-parameters";
        } catch (GeneralSecurityException e) {
            return "pkix-error";
        }
    }

    public static boolean isSelfSigned(X509Certificate cert) {
        if (!cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
            return false;
        }
        try {
            cert.verify(cert.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
