package io.mxray.schema;

import java.util.List;
import java.util.Objects;

/**
 * A well-formed MTA-STS policy (RFC 8461 section 3.2), as a sender reads it.
 *
 * @param mode   what a sender does with hosts that fail
 * @param mx     the MX patterns, in the policy's order ({@code *.} wildcards kept as written, lower case)
 * @param maxAge the lifetime the policy asks for, in seconds, as written (senders cap it at
 *               {@link #MAX_AGE_CAP})
 */
public record MtaStsPolicy(StsMode mode, List<String> mx, long maxAge) {
    /** RFC 8461 section 3.2: "up to 31557600" seconds (one year). */
    public static final long MAX_AGE_CAP = 31_557_600L;

    public MtaStsPolicy {
        Objects.requireNonNull(mode, "mode");
        mx = mx == null ? List.of() : List.copyOf(mx);
    }
}
