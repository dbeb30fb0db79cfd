package io.mxray.schema;

import java.util.List;

/**
 * What a TLS handshake negotiated, and the certificate chain exactly as the server sent it.
 *
 * @param protocol  for example {@code TLSv1.3}
 * @param cipher    the IANA cipher suite name
 * @param group     the key exchange group (for example {@code x25519}, {@code secp256r1}), or null when
 *                  the handshake used none or it could not be seen
 * @param sni       the server name indication the client sent, or null
 * @param chainDer  the certificates, leaf first, each DER encoded in base64
 */
public record TlsSession(String protocol, String cipher, String group, String sni, List<String> chainDer) {
    public TlsSession {
        chainDer = chainDer == null ? List.of() : List.copyOf(chainDer);
    }

    /** Why a modern client would refuse this session ({@link TlsCoverage#legacy}), or null. */
    public String legacy() {
        return TlsCoverage.legacy(protocol, cipher, group);
    }
}
