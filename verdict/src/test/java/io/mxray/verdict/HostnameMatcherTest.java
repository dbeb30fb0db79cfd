package io.mxray.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mxray.lab.LabCa;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostnameMatcherTest {
    @ParameterizedTest(name = "{0} vs {1}: {2}")
    @CsvSource({
            "mx.example.org, mx.example.org, true",
            "MX.Example.Org, mx.example.org, true",
            "mx.example.org., mx.example.org, true",
            "mx.example.org, mx.example.org., true",
            "*.example.org, mx.example.org, true",
            "*.example.org, a.mx.example.org, false",
            "*.example.org, example.org, false",
            "*.org, example.org, false",
            "m*.example.org, mx.example.org, false",
            "mx.*.org, mx.example.org, false",
            "*.*.org, a.example.org, false",
            "other.example.org, mx.example.org, false",
            "'', mx.example.org, false",
    })
    void rfc6125(String pattern, String host, boolean expected) {
        assertEquals(expected, HostnameMatcher.matches(pattern, host.endsWith(".") ? host.substring(0, host.length() - 1) : host));
    }

    @Test
    void subjectAltNamesAreTheNames() {
        var cert = new LabCa(Clock.systemUTC()).issue(List.of("mx.example.org", "*.mail.example.org")).chain().get(0);
        assertEquals(List.of("mx.example.org", "*.mail.example.org"), HostnameMatcher.namesOf(cert));
        assertEquals(true, HostnameMatcher.matches(cert, "in.mail.example.org"));
        assertEquals(false, HostnameMatcher.matches(cert, "example.org"));
    }
}
