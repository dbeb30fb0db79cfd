package io.mxray.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EhloKeywordsTest {
    private static EhloKeywords parse(String... lines) {
        return EhloKeywords.parse(new SmtpReply(250, List.of(lines)));
    }

    @Test
    void keywordsAfterTheGreetingLine() {
        var k = parse("mx.example greets you", "PIPELINING", "SIZE 10240000", "starttls", "8BITMIME");
        assertEquals(List.of("PIPELINING", "SIZE", "STARTTLS", "8BITMIME"), k.keywords());
        assertTrue(k.offersStarttls());
    }

    @Test
    void starttlsInTheGreetingOrInsideAnotherWordIsNotAnOffer() {
        assertFalse(parse("mx.example STARTTLS here", "PIPELINING").offersStarttls());
        assertFalse(parse("mx.example", "XSTARTTLS", "STARTTLS-NOT", "NO STARTTLS").offersStarttls());
    }

    @Test
    void aGreetingOnlyReplyOffersNothing() {
        assertEquals(List.of(), parse("mx.example").keywords());
    }

    @Test
    void garbageLinesAreNotKeywords() {
        assertEquals(List.of("AUTH"), parse("mx", "", "  ", "-x", "AUTH PLAIN LOGIN", "\u00e9t\u00e9").keywords());
    }
}
