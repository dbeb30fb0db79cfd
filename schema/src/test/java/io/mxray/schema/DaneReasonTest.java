package io.mxray.schema;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DaneReasonTest {
    @Test
    void everyKeyIsDistinctAndReadsBackFromItsText() {
        Set<String> seen = new HashSet<>();
        for (DaneReason.Key k : DaneReason.Key.values()) {
            assertTrue(seen.add(k.key()), "two reasons share " + k.key());
            assertEquals(DaneReason.of(k), DaneReason.parse(k.key()));
        }
    }

    @Test
    void aFailedLookupKeepsTheValidatorsReasonAfterTheKey() throws Exception {
        DaneReason r = new DaneReason(DaneReason.Key.tlsa(DnssecStatus.BOGUS), "signature-expired");
        assertEquals("tlsa-bogus:signature-expired", r.text());
        assertEquals("tlsa-bogus:signature-expired", r.toString());
        String json = Json.mapper().writeValueAsString(new DaneResult(DaneStatus.BOGUS, null, null, r));
        assertEquals("{\"status\":\"bogus\",\"reason\":\"tlsa-bogus:signature-expired\"}", json);
        assertEquals(r, Json.mapper().readValue(json, DaneResult.class).reason());
        // a detail may itself hold colons (a resolver's message): only the first one separates
        assertEquals("resolver-x:y", DaneReason.parse("tlsa-unvalidated:resolver-x:y").detail());
    }

    @Test
    void statusesAndSkippedLookupsMapToTheirOwnKeys() {
        assertEquals("tlsa-unvalidated", DaneReason.Key.tlsa(null).key());
        for (DnssecStatus s : DnssecStatus.values()) {
            assertEquals("tlsa-" + s.key(), DaneReason.Key.tlsa(s).key());
        }
        for (TlsaDecision d : TlsaDecision.values()) {
            if (d.key().startsWith("skipped-")) {
                assertEquals(d.key(), DaneReason.Key.skipped(d).key());
            }
        }
    }

    @Test
    void anUnknownKeyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DaneReason.parse("made-up"));
    }
}
