package io.mxray.dns.dnssec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.HostileScenarios;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.LabResolver;
import io.mxray.lab.Scenarios;
import io.mxray.schema.DnssecStatus;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * KeyTrap (CVE-2023-50387) against the validator: the lab's keytrap zone holds 100 keys with its
 * key's tag and 100 decoy signatures before each genuine one. Without limits, one answer costs
 * about 10,000 verifications (and then validates: the genuine signature is there); with them, a
 * handful, and the answer is bogus with a reason of its own.
 */
class ValidatorLimitsTest {
    private static Lab lab;
    private static Map<Name, List<Record>> anchors;

    @BeforeAll
    static void start() throws Exception {
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")).withScenarios(
                Scenarios.withHostile().stream().filter(s -> s.name().equals(HostileScenarios.KEYTRAP)
                        || s.name().equals("signed")).toList()));
        try (InputStream in = Files.newInputStream(lab.trustAnchorFile())) {
            anchors = Validator.readAnchors(in);
        }
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    private static Validated ask(Validator v, String name) throws Exception {
        return v.resolve(Name.fromString(name), Type.MX).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void aKeyTrapAnswerCostsAFewVerificationsAndIsBogus() throws Exception {
        Validator limited = new Validator(new LabResolver(lab.authority()), anchors, Clock.systemUTC());
        Validated r = ask(limited, "keytrap.test.");
        assertEquals(DnssecStatus.BOGUS, r.status());
        assertEquals(Validator.LIMIT_EXCEEDED, r.reason());
        // the root's and the TLD's keys, their DS links, and at most the limits for the trap itself
        assertTrue(limited.verifications() <= 20, "verifications: " + limited.verifications());
        // an honest signed zone is unaffected by the limits
        assertEquals(DnssecStatus.SECURE, ask(limited, "signed.test.").status());
    }

    @Test
    void withoutLimitsTheSameAnswerCostsThousandsOfVerifications() throws Exception {
        Validator unlimited = new Validator(new LabResolver(lab.authority()), anchors, Clock.systemUTC(),
                Validator.Limits.UNLIMITED);
        Validated r = ask(unlimited, "keytrap.test.");
        assertEquals(DnssecStatus.SECURE, r.status(), "the genuine signature is found at last");
        assertTrue(unlimited.verifications() > 10_000, "verifications: " + unlimited.verifications());
    }
}
