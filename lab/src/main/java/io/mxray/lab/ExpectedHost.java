package io.mxray.lab;

import io.mxray.schema.CertType;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.KeyCoverage;
import io.mxray.schema.Level;
import java.util.List;

/**
 * The declared right answer for one MX host of a lab domain.
 *
 * @param outcome    a probe outcome key ({@code tls-established}, {@code connection-refused}, ...) or
 *                   {@code no-address} for a host without address records
 * @param protocol   the TLS version a correct scanner negotiates, or null when it does not matter
 * @param maxSeconds the most a correct scanner with default settings may spend on it
 * @param pkix       what the web PKI alone says of the certificate, or null without TLS (differs from
 *                   the level only where DANE applies)
 * @param keyTypes   key types of the certificates the server presents, in the order a scanner gets
 *                   them (its first handshake offers every signature algorithm), or null when not declared
 * @param allCertificates where DANE applies, how many of those certificates a usable TLSA record
 *                   matches; null when not declared or DANE does not apply
 * @param versions   the TLS versions the server accepts, newest first, or null when not declared
 */
public record ExpectedHost(String host, int preference, Level level, CertType certType, String outcome,
                           DnssecStatus addressDnssec, DaneStatus dane, String protocol, int maxSeconds, Level pkix,
                           List<String> keyTypes, KeyCoverage allCertificates,
                           List<String> versions) {
}
