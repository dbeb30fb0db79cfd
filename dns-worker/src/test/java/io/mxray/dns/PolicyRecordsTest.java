package io.mxray.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mxray.schema.DnssecStatus;
import io.mxray.schema.TxtStatus;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyRecordsTest {
    private static final DnssecStatus S = DnssecStatus.SECURE;

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "v=STSv1; id=20160831085700Z;|valid|",
            "v=STSv1;id=abc|valid|",
            "v=STSv1; id=20160831085700Z; ext=1|valid|",
            "v=STSv1|malformed|id-missing",
            "v=STSv1; id=|malformed|id-invalid",
            "v=STSv1; id=has space|malformed|id-invalid",
            "v=STSv1; id=" + "x" + "|valid|",
            "v=STSv1; id=123456789012345678901234567890123|malformed|id-invalid",
            "v=STSv1; id=a; id=b|malformed|field-repeated",
            "v=STSv1;; id=a|malformed|empty-field",
            "v=STSv1; junk|malformed|field-without-value",
            "v=STSv10; id=a|none|",
            "v=STSV1; id=a|none|",
            "random text|none|",
    })
    void mtaSts(String record, String status, String reason) {
        var r = PolicyRecords.mtaSts(List.of(record), S);
        assertEquals(status, r.status().key(), record);
        assertEquals(reason, r.reason(), record);
    }

    @Test
    void twoStsRecordsMeanNoPolicy() { // RFC 8461 3.1
        var r = PolicyRecords.mtaSts(List.of("v=STSv1; id=a", "v=STSv1; id=b", "other"), S);
        assertEquals(TxtStatus.MULTIPLE, r.status());
        assertEquals(2, r.records().size());
    }

    @Test
    void otherTxtRecordsAtTheNameAreIgnored() {
        var r = PolicyRecords.mtaSts(List.of("google-site-verification=x", "v=STSv1; id=20260101"), S);
        assertEquals(TxtStatus.VALID, r.status());
        assertEquals("20260101", r.id());
        assertEquals(DnssecStatus.SECURE, r.dnssec());
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.org|valid|",
            "v=TLSRPTv1;rua=mailto:a@example.org,https://reports.example.org/tls|valid|",
            "v=TLSRPTv1; rua=https://r.example.org/;|valid|",
            "v=TLSRPTv1;|malformed|rua-missing",
            "v=TLSRPTv1; rua=|malformed|rua-missing",
            "v=TLSRPTv1; rua=ftp://r.example.org|malformed|rua-invalid",
            "v=TLSRPTv1; rua=mailto:|malformed|rua-invalid",
            "v=TLSRPTv1; rua=mailto:a@example.org,|malformed|rua-invalid",
            "v=TLSRPTv2; rua=mailto:a@example.org|none|",
    })
    void tlsRpt(String record, String status, String reason) {
        var r = PolicyRecords.tlsRpt(List.of(record), S);
        assertEquals(status, r.status().key(), record);
        assertEquals(reason, r.reason(), record);
    }

    @Test
    void tlsRptUrisAreKept() {
        var r = PolicyRecords.tlsRpt(List.of("v=TLSRPTv1; rua=mailto:a@example.org, https://r.example.org/x"), S);
        assertEquals(List.of("mailto:a@example.org", "https://r.example.org/x"), r.rua());
    }
}
