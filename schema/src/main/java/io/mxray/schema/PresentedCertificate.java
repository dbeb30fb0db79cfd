package io.mxray.schema;

import java.util.List;
import java.util.Objects;

/**
 * One certificate chain a server presented, and how it is judged. A server may hold several keys
 * (an ECDSA and an RSA one) and picks by what the client offers; each chain is judged on its own.
 *
 * @param keyType   the leaf's key type
 * @param protocol  the TLS version of the handshake that got it
 * @param chainDer  the certificates, leaf first, each DER encoded in base64
 * @param pkix      what the web PKI says of it for the MX host name
 * @param certType  its certificate type under the web PKI
 * @param dane      what DANE says of it against the host's TLSA records
 */
public record PresentedCertificate(KeyType keyType, String protocol, List<String> chainDer, Level pkix,
                                   CertType certType, DaneResult dane) {
    public PresentedCertificate {
        Objects.requireNonNull(keyType, "keyType");
        chainDer = chainDer == null ? List.of() : List.copyOf(chainDer);
    }
}
