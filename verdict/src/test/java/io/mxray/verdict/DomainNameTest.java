package io.mxray.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DomainNameTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "example.org|example.org",
            "  Example.ORG  |example.org",
            "example.org.|example.org",
            "MAIL.Example.Org.|mail.example.org",
            "bücher.example|xn--bcher-kva.example",
            "BÜCHER.example|xn--bcher-kva.example",
            "xn--bcher-kva.example|xn--bcher-kva.example",
            "a-b.c-d.example|a-b.c-d.example",
            "123.example|123.example",
            "例え.テスト|xn--r8jz45g.xn--zckzah",
    })
    void validNamesAreNormalized(String raw, String expected) {
        assertEquals(new DomainName.Valid(expected), DomainName.normalize(raw));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "not a domain|invalid-character",
            "tab\there.org|invalid-character",
            "example..org|empty-label",
            ".example.org|empty-label",
            "example.org..|empty-label",
            "localhost|single-label",
            "192.0.2.1|numeric-tld",
            "under_score.example|invalid-character",
            "-lead.example|hyphen-at-edge",
            "trail-.example|hyphen-at-edge",
            "user@example.org|invalid-character",
            "http://example.org|invalid-character",
            "faß.de|idn-deviation",
            "\uFFFD.example|idn-invalid",
    })
    void invalidNamesAreRejectedWithAStableReason(String raw, String reason) {
        var result = DomainName.normalize(raw);
        assertEquals(DomainName.Invalid.class, result.getClass(), () -> raw + " gave " + result);
        assertEquals(reason, ((DomainName.Invalid) result).reason());
    }

    @org.junit.jupiter.api.Test
    void lengthLimitsOfRfc1035() {
        String label63 = "a".repeat(63);
        assertEquals(DomainName.Valid.class, DomainName.normalize(label63 + ".example").getClass());
        assertEquals("label-too-long", reason("a".repeat(64) + ".example"));
        // 253 characters is the longest name; 254 is too long
        String name253 = (label63 + ".").repeat(3) + "a".repeat(253 - 64 * 3);
        assertEquals(253, name253.length());
        assertEquals(DomainName.Valid.class, DomainName.normalize(name253).getClass());
        assertEquals("name-too-long", reason(name253 + "a"));
        assertEquals("name-too-long", reason("x".repeat(300) + ".example"));
    }

    private static String reason(String raw) {
        return ((DomainName.Invalid) DomainName.normalize(raw)).reason();
    }
}
