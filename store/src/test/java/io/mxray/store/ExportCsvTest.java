package io.mxray.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mxray.store.Export;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CSV fields as a spreadsheet reads them: quoted per RFC 4180, never a formula (CSV injection). */
class ExportCsvTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "plain|plain",
            "a,b|~\"a,b\"~",
            "say \"hi\"|~\"say \"\"hi\"\"\"~",
            "=HYPERLINK(\"http://evil\")|~\"'=HYPERLINK(\"\"http://evil\"\")\"~",
            "+cmd|'+cmd",
            "-2+3|'-2+3",
            "@SUM(A1)|'@SUM(A1)",
            "-42|-42",
            "-1.5|-1.5",
            "220 mx.example ESMTP|220 mx.example ESMTP",
    })
    void fieldsAreQuotedAndFormulasNeutralised(String value, String field) {
        assertEquals(field, Export.csv(value));
    }

    @org.junit.jupiter.api.Test
    void aTabOrCarriageReturnFirstIsNeutralisedToo() {
        assertEquals("'\tx", Export.csv("\tx"));
        assertEquals("\"'\rx\"", Export.csv("\rx"));
    }
}
