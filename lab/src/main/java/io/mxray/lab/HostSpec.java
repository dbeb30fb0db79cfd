package io.mxray.lab;

import io.mxray.schema.CertType;
import io.mxray.schema.Level;
import java.util.Objects;

/**
 * A lab MX host: its name, how its server behaves, and the verdict a correct scanner reaches
 * for it. The expectation is declared by hand, next to the behaviour, never derived from it.
 *
 * @param hasAddress false: the name has no address records at all
 */
public record HostSpec(String name, boolean hasAddress, ServerSpec server, Level level, CertType certType,
                       String outcome) {
    public HostSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(outcome, "outcome");
    }

    public static HostSpec host(String name, ServerSpec server, Level level, CertType certType, String outcome) {
        return new HostSpec(name, true, server, level, certType, outcome);
    }

    public static HostSpec withoutAddress(String name) {
        return new HostSpec(name, false, null, Level.UNREACHABLE, null, "no-address");
    }
}
