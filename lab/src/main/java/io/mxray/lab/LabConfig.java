package io.mxray.lab;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to build a lab.
 *
 * @param dir          where the CA bundle, trust anchor, ground truth and domain list are written
 * @param clock        the lab's "now", for certificate and signature validity periods
 * @param scenarios    the domains to serve
 * @param smtpPort     0: port 25 when it can be bound, else one free high port shared by all hosts
 * @param dnsPort      0: port 53 when it can be bound, else a free high port
 * @param addressOctet the second octet of the lab's 127.x.0.0/16 block, or 0 to pick a free one
 * @param dnsDelay     added to every DNS answer (the benchmarks use 50 ms)
 * @param smtpDelay    added to every SMTP reply
 * @param sharedListener one listening socket on the wildcard address for every IPv4 SMTP server
 *                     (each connection goes to the server of the address it was made to), for labs
 *                     of more servers than a process may open files; only in a network namespace
 *                     of the lab's own, where it makes the refusing hosts refuse with a packet
 *                     filter rule ({@link Lab})
 */
public record LabConfig(Path dir, Clock clock, List<Scenario> scenarios, int smtpPort, int dnsPort, int addressOctet,
                        Duration dnsDelay, Duration smtpDelay, boolean sharedListener) {
    public LabConfig {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(clock, "clock");
        scenarios = List.copyOf(scenarios);
        if (addressOctet < 0 || addressOctet > 255) {
            throw new IllegalArgumentException("addressOctet must be 0..255");
        }
        if (dnsDelay.isNegative() || smtpDelay.isNegative()) {
            throw new IllegalArgumentException("delays cannot be negative");
        }
    }

    /** A socket of its own for every SMTP server. */
    public LabConfig(Path dir, Clock clock, List<Scenario> scenarios, int smtpPort, int dnsPort, int addressOctet,
                     Duration dnsDelay, Duration smtpDelay) {
        this(dir, clock, scenarios, smtpPort, dnsPort, addressOctet, dnsDelay, smtpDelay, false);
    }

    /** The full catalogue, no latency, ports chosen automatically. */
    public static LabConfig defaults(Path dir) {
        return new LabConfig(dir, Clock.systemUTC(), Scenarios.catalogue(), 0, 0, 0, Duration.ZERO, Duration.ZERO);
    }

    public LabConfig withScenarios(List<Scenario> s) {
        return new LabConfig(dir, clock, s, smtpPort, dnsPort, addressOctet, dnsDelay, smtpDelay, sharedListener);
    }

    public LabConfig withClock(Clock c) {
        return new LabConfig(dir, c, scenarios, smtpPort, dnsPort, addressOctet, dnsDelay, smtpDelay, sharedListener);
    }

    public LabConfig withPorts(int smtp, int dns) {
        return new LabConfig(dir, clock, scenarios, smtp, dns, addressOctet, dnsDelay, smtpDelay, sharedListener);
    }

    public LabConfig withLatency(Duration dns, Duration smtp) {
        return new LabConfig(dir, clock, scenarios, smtpPort, dnsPort, addressOctet, dns, smtp, sharedListener);
    }

    public LabConfig withSharedListener(boolean shared) {
        return new LabConfig(dir, clock, scenarios, smtpPort, dnsPort, addressOctet, dnsDelay, smtpDelay, shared);
    }
}
