package io.mxray.verdict;

import io.mxray.schema.CertType;
import io.mxray.schema.Level;

/**
 * The verdict on a certificate chain for one MX host.
 *
 * @param decidedBy which check decided the level ({@code pkix}, {@code pkix+name})
 * @param reason    a stable key detailing a failed check, or null
 */
public record Judgement(Level level, CertType certType, String decidedBy, String reason) {
}
