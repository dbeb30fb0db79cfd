package io.mxray.lab;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * How to build a lab.
 *
 * @param dir        where the CA bundle, the ground truth and the domain list are written
 * @param clock      the lab's "now", for certificate validity periods
 * @param scenarios  the domains to serve
 * @param smtpPort   0: port 25 when it can be bound, else one free high port shared by all hosts
 * @param dnsPort    0: port 53 when it can be bound, else a free high port
 * @param addressOctet the second octet of the lab's 127.x.0.0/16 block, or 0 to pick a free one
 */
public record LabConfig(Path dir, Clock clock, List<Scenario> scenarios, int smtpPort, int dnsPort,
                        int addressOctet) {
    public LabConfig {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(clock, "clock");
        scenarios = List.copyOf(scenarios);
        if (addressOctet < 0 || addressOctet > 255) {
            throw new IllegalArgumentException("addressOctet must be 0..255");
        }
    }

    public static LabConfig defaults(Path dir) {
        return new LabConfig(dir, Clock.systemUTC(), Scenarios.basic(), 0, 0, 0);
    }

    public LabConfig withScenarios(List<Scenario> s) {
        return new LabConfig(dir, clock, s, smtpPort, dnsPort, addressOctet);
    }

    public LabConfig withClock(Clock c) {
        return new LabConfig(dir, c, scenarios, smtpPort, dnsPort, addressOctet);
    }

    public LabConfig withPorts(int smtp, int dns) {
        return new LabConfig(dir, clock, scenarios, smtp, dns, addressOctet);
    }
}
