package io.mxray.app.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenarios;
import io.mxray.schema.CheckAdvice;
import io.mxray.schema.CheckResult;
import io.mxray.schema.CheckedAddress;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.Level;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an operator does after a key change: {@code mxray check --tlsa} prints the records for
 * the certificate served now; published in DNS, they make the host DANE-verified on the next
 * check.
 */
class CheckTlsaPublishTest {
    private static final String DOMAIN = "dane-mismatch.test";
    private static final String HOST = "mx.dane-mismatch.test";

    @Test
    void theRecordsThatTlsaPrintsMakeTheHostDaneVerifiedOncePublished() throws Exception {
        var scenarios = Scenarios.catalogue().stream().filter(s -> s.domain().equals(DOMAIN)).toList();
        assertEquals(1, scenarios.size());
        try (Lab lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("check-tlsa")).withScenarios(scenarios))) {
            // before: the published TLSA names another key, a DANE sender does not deliver
            CheckLab.Run before = CheckLab.check(lab, "PT5S", "--json", DOMAIN);
            assertEquals(2, before.exit(), before.out() + before.err());
            CheckedAddress was = before.results().get(0).addresses().get(0);
            assertEquals(DaneStatus.MISMATCH, was.probe().dane().status());
            CheckAdvice mismatch = advice(before.results().get(0), "tlsa-mismatch");

            CheckLab.Run printed = CheckLab.check(lab, "PT5S", "--tlsa", DOMAIN);
            assertEquals(2, printed.exit(), printed.err());
            List<String> records = printed.out().lines().filter(l -> !l.startsWith(";") && !l.isBlank()).toList();
            assertEquals(1, records.size(), printed.out()); // the lab CA's leaf comes alone: 3 1 1 only
            String line = records.get(0);
            assertTrue(line.startsWith("_25._tcp." + HOST + ". IN TLSA 3 1 1 "), line);
            String record = String.join(" ", List.of(line.split(" ")).subList(3, 7));
            assertTrue(printed.out().contains("; no 2 1 1: the server sends no CA certificate"), printed.out());
            // the advice named the same record
            assertTrue(mismatch.text().contains("The record that would match: " + record + "."), mismatch.text());

            lab.publishTlsa(HOST, List.of(record));

            CheckLab.Run after = CheckLab.check(lab, "PT5S", "--json", DOMAIN);
            CheckResult r = after.results().get(0);
            CheckedAddress now = r.addresses().get(0);
            assertEquals(DaneStatus.VALID, now.probe().dane().status(), after.out());
            assertEquals("dane-ee", now.probe().decidedBy());
            assertEquals(Level.VERIFIED, now.probe().level());
            assertEquals(record, now.probe().dane().matched());
            // DANE applies now, and the lab publishes no TLS-RPT record for the domain
            assertEquals(List.of("tlsa-no-rollover", "tls-rpt-missing"), r.advice().stream().map(CheckAdvice::key)
                    .toList());
            assertEquals(1, after.exit(), after.out());
            assertFalse(CheckLab.check(lab, "PT5S", DOMAIN).out().contains("No TLSA record"));
        }
    }

    private static CheckAdvice advice(CheckResult r, String key) {
        return r.advice().stream().filter(a -> a.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + " advice in " + r.advice()));
    }
}
