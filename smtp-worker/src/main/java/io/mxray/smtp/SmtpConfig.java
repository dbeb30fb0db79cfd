package io.mxray.smtp;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the SMTP stage; defaults in {@link #defaults()}.
 *
 * @param ehloName        the name mxray gives in EHLO: says what is knocking
 * @param connectTimeout  TCP connect
 * @param stepTimeout     waiting for each reply (greeting, EHLO, STARTTLS) and for the TLS handshake
 * @param probeDeadline   the most one probe may take, whatever the server does
 * @param maxLineLength   longest reply line accepted
 * @param maxReplyLines   most lines in one reply
 * @param maxBytes        most bytes read from one server in one probe
 * @param perIpConnections concurrent connections to one IP address
 * @param maxInFlight     concurrent probes in the whole stage
 * @param allowNonPublic  contact loopback, private and reserved addresses (a lab; never on the Internet)
 */
public record SmtpConfig(String ehloName, Duration connectTimeout, Duration stepTimeout, Duration probeDeadline,
                         int maxLineLength, int maxReplyLines, int maxBytes, int perIpConnections, int maxInFlight,
                         boolean allowNonPublic) {
    public SmtpConfig {
        Objects.requireNonNull(ehloName, "ehloName");
        if (!ehloName.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("EHLO name must be a domain name: " + ehloName);
        }
        for (Duration d : new Duration[] {connectTimeout, stepTimeout, probeDeadline}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
        }
        if (probeDeadline.compareTo(stepTimeout) < 0) {
            throw new IllegalArgumentException("the probe deadline must not be shorter than a step timeout");
        }
        if (maxLineLength < 512 || maxReplyLines < 1 || maxBytes < 4096) {
            throw new IllegalArgumentException("bounds too small to speak SMTP");
        }
        if (perIpConnections < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("concurrency limits must be positive");
        }
    }

    public static SmtpConfig defaults() {
        return new SmtpConfig("mxray-tls-survey.invalid", Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(90), SmtpReplyDecoder.DEFAULT_MAX_LINE_LENGTH, SmtpReplyDecoder.DEFAULT_MAX_LINES,
                256 * 1024, 2, 1000, false);
    }

    public SmtpConfig allowingNonPublic(boolean allow) {
        return new SmtpConfig(ehloName, connectTimeout, stepTimeout, probeDeadline, maxLineLength, maxReplyLines,
                maxBytes, perIpConnections, maxInFlight, allow);
    }

    public SmtpConfig withTimeouts(Duration connect, Duration step, Duration deadline) {
        return new SmtpConfig(ehloName, connect, step, deadline, maxLineLength, maxReplyLines, maxBytes,
                perIpConnections, maxInFlight, allowNonPublic);
    }
}
