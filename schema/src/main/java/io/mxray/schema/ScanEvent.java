package io.mxray.schema;

import java.time.Instant;
import java.util.Objects;

/**
 * The life of a scan run as the scheduler announces it: {@code STARTED} before the first domain
 * is published, {@code PUBLISHED} with the final counts once the whole list has been read.
 * Topic key: the scan id.
 */
public record ScanEvent(String scanId, Kind kind, Instant at, String source, ScanCounts counts) {

    public enum Kind { STARTED, PUBLISHED }

    public ScanEvent {
        Objects.requireNonNull(scanId, "scanId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(source, "source");
    }

    public static ScanEvent started(String scanId, Instant at, String source) {
        return new ScanEvent(scanId, Kind.STARTED, at, source, null);
    }

    public static ScanEvent published(String scanId, Instant at, String source, ScanCounts counts) {
        return new ScanEvent(scanId, Kind.PUBLISHED, at, source, Objects.requireNonNull(counts));
    }
}
