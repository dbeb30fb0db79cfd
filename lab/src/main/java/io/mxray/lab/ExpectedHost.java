package io.mxray.lab;

import io.mxray.schema.CertType;
import io.mxray.schema.Level;

/**
 * The declared right answer for one MX host of a lab domain.
 *
 * @param outcome a probe outcome key ({@code tls-established}, {@code connection-refused}, ...) or
 *                {@code no-address} for a host without address records
 */
public record ExpectedHost(String host, int preference, Level level, CertType certType, String outcome) {
}
