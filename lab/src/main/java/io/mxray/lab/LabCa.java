package io.mxray.lab;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The lab's certificate authority: a root that the scanner is told to trust, and the server
 * certificates of the lab's MX hosts, good and bad. Keys are ECDSA P-256 (cheap to generate for
 * thousands of hosts). Validity periods are relative to the lab's clock, so that tests can fix
 * "now".
 */
public final class LabCa {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final KeyPair rootKey;
    private final X509Certificate root;
    private final AtomicLong serial = new AtomicLong(2);

    public LabCa(Clock clock) {
        this.clock = clock;
        this.rootKey = newKeyPair();
        Instant now = clock.instant();
        X500Name name = new X500Name("CN=mxray lab root CA,O=mxray lab");
        this.root = build(name, name, rootKey.getPublic(), rootKey.getPrivate(), now.minus(Duration.ofDays(365)),
                now.plus(Duration.ofDays(3650)), true, List.of(), BigInteger.ONE);
    }

    /** A server key and the chain to present, leaf first. */
    public record Issued(PrivateKey key, List<X509Certificate> chain) {
    }

    public X509Certificate root() {
        return root;
    }

    /** A certificate from the lab CA naming {@code dnsNames}, valid now. */
    public Issued issue(List<String> dnsNames) {
        Instant now = clock.instant();
        return issue(dnsNames, now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(90)));
    }

    /** A certificate from the lab CA with the given validity period. */
    public Issued issue(List<String> dnsNames, Instant notBefore, Instant notAfter) {
        KeyPair kp = newKeyPair();
        // the issuer must be the root's subject byte for byte: a re-parsed DN may reorder or re-encode it
        X509Certificate leaf = build(X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
                new X500Name("CN=" + dnsNames.get(0)), kp.getPublic(), rootKey.getPrivate(), notBefore, notAfter,
                false, dnsNames, BigInteger.valueOf(serial.getAndIncrement()));
        return new Issued(kp.getPrivate(), List.of(leaf));
    }

    /** A certificate signed by its own key (not by the lab CA). */
    public Issued selfSigned(List<String> dnsNames) {
        KeyPair kp = newKeyPair();
        Instant now = clock.instant();
        X500Name name = new X500Name("CN=" + dnsNames.get(0));
        X509Certificate cert = build(name, name, kp.getPublic(), kp.getPrivate(), now.minus(Duration.ofDays(30)),
                now.plus(Duration.ofDays(365)), false, dnsNames, new BigInteger(64, RANDOM));
        return new Issued(kp.getPrivate(), List.of(cert));
    }

    /** Writes the root certificate as PEM: the CA bundle the scanner is given. */
    public void writeRootPem(Path file) {
        try {
            Files.writeString(file, pem(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String pem(X509Certificate cert) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(cert);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return kpg.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available", e);
        }
    }

    private static X509Certificate build(X500Name issuer, X500Name subject, PublicKey subjectKey, PrivateKey signingKey,
                                         Instant notBefore, Instant notAfter, boolean ca, List<String> dnsNames,
                                         BigInteger serialNumber) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serialNumber, Date.from(notBefore),
                    Date.from(notAfter), subject, subjectKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            if (ca) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                b.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                GeneralName[] names = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n))
                        .toArray(GeneralName[]::new);
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(signingKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build a lab certificate for " + subject, e);
        }
    }
}
