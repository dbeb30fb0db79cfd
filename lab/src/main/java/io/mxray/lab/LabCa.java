package io.mxray.lab;

import io.mxray.lab.dns.ZoneKey;
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
import java.security.spec.RSAKeyGenParameterSpec;
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
 * The lab's certificate authorities: a root that the scanner is told to trust, an intermediate
 * below it, and a private CA that no bundle trusts (for DANE-TA); and the server certificates of
 * the lab's MX hosts, good and bad. Keys are ECDSA P-256 unless RSA is asked for, made and signed
 * with BouncyCastle (several times faster than the JDK's provider). Validity periods are relative
 * to the lab's clock, so that tests can fix "now".
 */
public final class LabCa {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Authority root;
    private final Authority intermediate;
    private final Authority privateCa;
    private final AtomicLong serial = new AtomicLong(100);

    /** A CA: its key and its certificate. */
    private record Authority(KeyPair key, X509Certificate cert) {
        X500Name name() {
            return X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        }
    }

    /** A server key and the chain to present, leaf first. */
    public record Issued(PrivateKey key, List<X509Certificate> chain) {
        public X509Certificate leaf() {
            return chain.get(0);
        }
    }

    /** Who signs a leaf. */
    public enum Issuer { ROOT, INTERMEDIATE, PRIVATE, SELF }

    public LabCa(Clock clock) {
        this.clock = clock;
        Instant now = clock.instant();
        Instant from = now.minus(Duration.ofDays(365));
        Instant until = now.plus(Duration.ofDays(3650));
        KeyPair rootKey = newKeyPair(false);
        X500Name rootName = new X500Name("CN=mxray lab root CA,O=mxray lab");
        this.root = new Authority(rootKey, build(rootName, rootName, rootKey.getPublic(), rootKey.getPrivate(), from,
                until, true, List.of(), BigInteger.ONE));
        KeyPair interKey = newKeyPair(false);
        this.intermediate = new Authority(interKey, build(root.name(), new X500Name("CN=mxray lab intermediate CA,O=mxray lab"),
                interKey.getPublic(), rootKey.getPrivate(), from, until, true, List.of(), BigInteger.TWO));
        KeyPair privKey = newKeyPair(false);
        X500Name privName = new X500Name("CN=mxray lab private CA (trusted by DANE only),O=mxray lab");
        this.privateCa = new Authority(privKey, build(privName, privName, privKey.getPublic(), privKey.getPrivate(), from,
                until, true, List.of(), BigInteger.valueOf(3)));
    }

    public X509Certificate root() {
        return root.cert();
    }

    public X509Certificate intermediate() {
        return intermediate.cert();
    }

    public X509Certificate privateCa() {
        return privateCa.cert();
    }

    /** A certificate from the lab root naming {@code dnsNames}, valid now. */
    public Issued issue(List<String> dnsNames) {
        Instant now = clock.instant();
        return issue(dnsNames, now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(90)));
    }

    /** A certificate from the lab root with the given validity period. */
    public Issued issue(List<String> dnsNames, Instant notBefore, Instant notAfter) {
        return issue(Issuer.ROOT, dnsNames, notBefore, notAfter, false);
    }

    /** A certificate signed by its own key (not by a CA), valid now. */
    public Issued selfSigned(List<String> dnsNames) {
        Instant now = clock.instant();
        return issue(Issuer.SELF, dnsNames, now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(365)), false);
    }

    /**
     * A leaf certificate; the returned chain holds the leaf only (the caller decides what the
     * server sends with it).
     */
    public Issued issue(Issuer issuer, List<String> dnsNames, Instant notBefore, Instant notAfter, boolean rsa) {
        return issue(issuer, dnsNames, dnsNames.get(0), notBefore, notAfter, rsa);
    }

    /** The common name of {@link CertSpec#HOSTILE_SUBJECT}'s subject. */
    public static final String HOSTILE_CN = "<script>alert(1)</script>";

    /** A leaf whose subject's common name is {@code commonName}, taken as it is (no DN syntax). */
    public Issued issue(Issuer issuer, List<String> dnsNames, String commonName, Instant notBefore, Instant notAfter,
                        boolean rsa) {
        KeyPair kp = newKeyPair(rsa);
        X500Name subject = new org.bouncycastle.asn1.x500.X500NameBuilder(org.bouncycastle.asn1.x500.style.BCStyle.INSTANCE)
                .addRDN(org.bouncycastle.asn1.x500.style.BCStyle.CN, commonName).build();
        BigInteger sn = BigInteger.valueOf(serial.getAndIncrement());
        X509Certificate leaf = switch (issuer) {
            case ROOT -> build(root.name(), subject, kp.getPublic(), root.key().getPrivate(), notBefore, notAfter, false,
                    dnsNames, sn);
            case INTERMEDIATE -> build(intermediate.name(), subject, kp.getPublic(), intermediate.key().getPrivate(),
                    notBefore, notAfter, false, dnsNames, sn);
            case PRIVATE -> build(privateCa.name(), subject, kp.getPublic(), privateCa.key().getPrivate(), notBefore,
                    notAfter, false, dnsNames, sn);
            case SELF -> build(subject, subject, kp.getPublic(), kp.getPrivate(), notBefore, notAfter, false, dnsNames,
                    new BigInteger(64, RANDOM));
        };
        return new Issued(kp.getPrivate(), List.of(leaf));
    }

    /** Writes the root certificate as PEM: the CA bundle the scanner is given. */
    public void writeRootPem(Path file) {
        try {
            Files.writeString(file, pem(root.cert()));
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

    static KeyPair newKeyPair(boolean rsa) {
        try {
            if (rsa) {
                KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA", ZoneKey.provider());
                kpg.initialize(new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4), RANDOM);
                return kpg.generateKeyPair();
            }
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC", ZoneKey.provider());
            kpg.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return kpg.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a key pair", e);
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
                int usage = KeyUsage.digitalSignature | ("RSA".equals(subjectKey.getAlgorithm()) ? KeyUsage.keyEncipherment : 0);
                b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                GeneralName[] names = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n))
                        .toArray(GeneralName[]::new);
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            String alg = "RSA".equals(signingKey.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
            ContentSigner signer = new JcaContentSignerBuilder(alg).setProvider(ZoneKey.provider()).build(signingKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build a lab certificate for " + subject, e);
        }
    }
}
