package io.mxray.lab;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

/** The association data of a TLSA record (RFC 6698 section 2.1), from a certificate. */
public final class TlsaData {
    private TlsaData() {
    }

    /**
     * @param selector 0: the whole certificate, 1: its SubjectPublicKeyInfo
     * @param matching 0: exact, 1: SHA-256, 2: SHA-512
     */
    public static byte[] of(X509Certificate cert, int selector, int matching) {
        byte[] selected;
        try {
            selected = switch (selector) {
                case 0 -> cert.getEncoded();
                case 1 -> cert.getPublicKey().getEncoded();
                default -> throw new IllegalArgumentException("selector " + selector);
            };
            return switch (matching) {
                case 0 -> selected;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> throw new IllegalArgumentException("matching type " + matching);
            };
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
