package io.mxray.verdict;

import io.mxray.schema.MtaStsPolicy;
import io.mxray.schema.PolicyReason;
import io.mxray.schema.StsMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class StsPolicyParserTest {
    /** RFC 8461 section 3.2's example policy. */
    static final String RFC_EXAMPLE = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\n"
            + "mx: backupmx.example.com\nmax_age: 604800\n";

    static MtaStsPolicy valid(String body) {
        return assertInstanceOf(StsPolicyParser.Valid.class, StsPolicyParser.parse(body), body).policy();
    }

    static String invalid(String body) {
        return assertInstanceOf(StsPolicyParser.Invalid.class, StsPolicyParser.parse(body), body).reason().text();
    }

    @Test
    void theRfcExampleReadsAsWritten() {
        assertEquals(new MtaStsPolicy(StsMode.ENFORCE, List.of("mail.example.com", "*.example.net",
                "backupmx.example.com"), 604800), valid(RFC_EXAMPLE));
    }

    @Test
    void crlfAndLfAndNoFinalNewlineReadTheSame() {
        MtaStsPolicy lf = valid(RFC_EXAMPLE);
        assertEquals(lf, valid(RFC_EXAMPLE.replace("\n", "\r\n")));
        assertEquals(lf, valid(RFC_EXAMPLE.strip()));
        assertEquals(lf, valid(RFC_EXAMPLE.replace(": ", ":\t ").replace("\n", "  \n")),
                "white space around values is not part of them");
    }

    @Test
    void unknownFieldsAreIgnoredAndNamesAreCaseSensitive() {
        assertEquals(valid(RFC_EXAMPLE), valid(RFC_EXAMPLE + "x-note: anything at all\nfoo_bar.1: 2\n"));
        assertEquals("policy-syntax:version-missing", invalid(RFC_EXAMPLE.replace("version:", "Version:")));
        assertEquals("policy-syntax:mode", invalid(RFC_EXAMPLE.replace("enforce", "Enforce")));
    }

    @Test
    void modesAndAges() {
        assertEquals(StsMode.TESTING, valid(RFC_EXAMPLE.replace("enforce", "testing")).mode());
        MtaStsPolicy none = valid("version: STSv1\nmode: none\nmax_age: 86400\n");
        assertEquals(new MtaStsPolicy(StsMode.NONE, List.of(), 86400), none, "mode none may list no mx");
        assertEquals(9_999_999_999L, valid(RFC_EXAMPLE.replace("604800", "9999999999")).maxAge(),
                "ten digits are allowed; senders cap the age, the policy stays valid");
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "version: STSv2\\nmode: enforce\\nmx: a.example\\nmax_age: 1 | policy-syntax:version",
            "mode: enforce\\nmx: a.example\\nmax_age: 1 | policy-syntax:version-missing",
            "version: STSv1\\nmx: a.example\\nmax_age: 1 | policy-syntax:mode-missing",
            "version: STSv1\\nmode: enforce\\nmx: a.example | policy-syntax:max-age-missing",
            "version: STSv1\\nmode: enforce\\nmx: a.example\\nmax_age: 12345678901 | policy-syntax:max-age",
            "version: STSv1\\nmode: enforce\\nmx: a.example\\nmax_age: -1 | policy-syntax:max-age",
            "version: STSv1\\nmode: enforce\\nmax_age: 86400 | policy-mx-missing",
            "version: STSv1\\nmode: testing\\nmax_age: 86400 | policy-mx-missing",
            "version: STSv1\\nmode: enforce\\nmode: testing\\nmx: a.example\\nmax_age: 1 | policy-syntax:mode-repeated",
            "version: STSv1\\nmode: enforce\\nmx: a.example\\nmax_age: 1\\nmax_age: 2 | policy-syntax:max-age-repeated",
            "version: STSv1\\nmode: enforce\\nmx: a..example\\nmax_age: 1 | policy-syntax:mx-line-3",
            "version: STSv1\\nmode: enforce\\nmx: *.*.example\\nmax_age: 1 | policy-syntax:mx-line-3",
            "version: STSv1\\nmode: enforce\\nmx: mail.example.\\nmax_age: 1 | policy-syntax:mx-line-3",
            "version: STSv1\\nmode: enforce\\nmx: -bad.example\\nmax_age: 1 | policy-syntax:mx-line-3",
            "version: STSv1\\nmode: enforce\\nmx a.example\\nmax_age: 1 | policy-syntax:line-3",
            "<html><body>Not found</body></html> | policy-syntax:line-1",
            "'' | policy-syntax:version-missing",
    })
    void malformedPoliciesSayWhatBroke(String body, String reason) {
        assertEquals(reason, invalid(body.replace("\\n", "\n")));
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
            // RFC 8461 section 4.1: a wildcard covers exactly one leftmost label
            "mail.example.com, mail.example.com, true",
            "mail.example.com, MAIL.Example.COM., true",
            "*.example.com, mx1.example.com, true",
            "*.example.com, example.com, false",
            "*.example.com, mx1.mail.example.com, false",
            "*.example.com, mx1.example.com.evil.test, false",
            "*.example.com, mx1example.com, false",
            "mail.example.com, mail.example.com.au, false",
            "mail.example.com, xmail.example.com, false",
    })
    void mxPatternsMatchAsSection41Says(String pattern, String host, boolean expected) {
        assertEquals(expected, StsPolicyParser.matches(pattern, host));
    }

    @Test
    void aPolicyMatchesAHostWhenAnyPatternDoes() {
        MtaStsPolicy p = valid(RFC_EXAMPLE);
        assertEquals(true, StsPolicyParser.matchesAny(p, "mx7.example.net"));
        assertEquals(true, StsPolicyParser.matchesAny(p, "backupmx.example.com"));
        assertEquals(false, StsPolicyParser.matchesAny(p, "mx.example.org"));
    }

    /** Random damage to a real policy and random bytes: always a verdict, never an exception. */
    @Test
    void malformedInputNeverCrashes() {
        Random random = new Random(8461);
        byte[] base = RFC_EXAMPLE.getBytes(StandardCharsets.UTF_8);
        int valid = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] b;
            if (i % 5 == 0) {
                b = new byte[random.nextInt(300)];
                random.nextBytes(b);
            } else {
                b = base.clone();
                for (int k = random.nextInt(4); k >= 0; k--) {
                    b[random.nextInt(b.length)] = (byte) (i % 3 == 0 ? random.nextInt(256) : ":\n\r *.-a0 \t".charAt(
                            random.nextInt(11)));
                }
            }
            StsPolicyParser.Parsed p = StsPolicyParser.parse(new String(b, StandardCharsets.UTF_8));
            assertNotNull(p);
            if (p instanceof StsPolicyParser.Valid v) {
                valid++;
                assertEquals(true, v.policy().mode() == StsMode.NONE || !v.policy().mx().isEmpty());
                v.policy().mx().forEach(m -> assertEquals(true, StsPolicyParser.validPattern(m), m));
            } else {
                PolicyReason r = ((StsPolicyParser.Invalid) p).reason();
                assertEquals(r, PolicyReason.parse(r.text()), "every reason reads back from its text");
            }
        }
        assertEquals(true, valid > 1000, "some damage leaves a valid policy: " + valid);
    }
}
