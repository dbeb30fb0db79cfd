package io.mxray.schema;

/**
 * Milliseconds each step of a probe took, measured from the start of that step; null for a
 * step that was not reached.
 */
public record Timings(Long connectMs, Long bannerMs, Long ehloMs, Long starttlsMs, Long handshakeMs, long totalMs) {
}
