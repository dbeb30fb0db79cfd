package io.mxray.schema;

import java.time.Instant;
import java.util.List;

/**
 * What a person wants to know about one certificate of a chain.
 *
 * @param keyType     the public key algorithm ({@code EC}, {@code RSA}, {@code Ed25519}, ...)
 * @param keyBits     the key size in bits (the curve size for EC), or 0 when unknown
 * @param curve       the named curve of an EC key, or null
 * @param names       the DNS names of the subject alternative names
 * @param spkiSha256  SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex (a TLSA x 1 1 datum)
 * @param certSha256  SHA-256 of the whole DER certificate, lower-case hex (a TLSA x 0 1 datum)
 * @param selfSigned  the subject equals the issuer and the signature verifies with its own key
 * @param ca          a CA certificate (basic constraints)
 */
public record CertificateFacts(String subject, String issuer, Instant notBefore, Instant notAfter, String keyType,
                               int keyBits, String curve, List<String> names, String spkiSha256, String certSha256,
                               boolean selfSigned, boolean ca) {
    public CertificateFacts {
        names = names == null ? List.of() : List.copyOf(names);
    }
}
