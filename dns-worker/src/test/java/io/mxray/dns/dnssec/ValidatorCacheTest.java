package io.mxray.dns.dnssec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mxray.lab.HostSpec;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.LabResolver;
import io.mxray.lab.Scenario;
import io.mxray.lab.ServerSpec;
import io.mxray.lab.CertSpec;
import io.mxray.lab.dns.Fault;
import io.mxray.lab.dns.ZoneSpec;
import io.mxray.schema.CertType;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.Level;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** What the validator keeps, it keeps no longer than what proved it stays valid. */
class ValidatorCacheTest {
    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /**
     * RFC 4035 section 5.3.3: a DS whose signature expires a minute from now (its TTL is five)
     * proves the child's zone for that minute only; a minute and a half later the link is checked
     * again and found expired, instead of being believed for the rest of the TTL.
     */
    @Test
    void aSecureDsLinkIsNotKeptPastItsSignaturesExpiry() throws Exception {
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        ZoneSpec parent = ZoneSpec.of("short-parent.test", ZoneSpec.Security.ECDSA_NSEC)
                .withFault("child.short-parent.test", Type.DS, Fault.SHORT_LIVED_SIGNATURE);
        ZoneSpec child = ZoneSpec.of("child.short-parent.test", ZoneSpec.Security.ECDSA_NSEC);
        Scenario s = new Scenario("short-ds", "dns", "a DS whose RRSIG expires a minute after the lab's clock",
                "child.short-parent.test", List.of(parent, child), Scenario.Mail.MX, DnsOutcome.MX,
                DnssecStatus.SECURE, List.of(new Scenario.Mx(10, HostSpec.host("mx.child.short-parent.test",
                ServerSpec.starttls(CertSpec.LAB_CA_VALID), Level.VERIFIED, CertType.CA_VALID, "tls-established"))));
        try (Lab lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")).withScenarios(List.of(s))
                .withClock(Clock.fixed(t0, ZoneId.of("UTC"))))) {
            java.util.Map<Name, List<org.xbill.DNS.Record>> anchors;
            try (InputStream in = Files.newInputStream(lab.trustAnchorFile())) {
                anchors = Validator.readAnchors(in);
            }
            MovableClock clock = new MovableClock(t0);
            Validator v = new Validator(new LabResolver(lab.authority()), anchors, clock);
            Name mx = Name.fromString("child.short-parent.test.");
            assertEquals(DnssecStatus.SECURE, v.resolve(mx, Type.MX).get(10, TimeUnit.SECONDS).status());
            clock.now = t0.plus(Duration.ofSeconds(90));
            Validated later = v.resolve(mx, Type.MX).get(10, TimeUnit.SECONDS);
            assertEquals(DnssecStatus.BOGUS, later.status(), "the DS link was checked again");
            assertEquals("signature-expired", later.reason());
        }
    }
}
