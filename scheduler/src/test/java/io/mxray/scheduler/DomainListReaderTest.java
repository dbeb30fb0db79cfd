package io.mxray.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainListReaderTest {

    private static List<ListEntry> read(String text) throws IOException {
        List<ListEntry> out = new ArrayList<>();
        new DomainListReader().read(new StringReader(text), out::add);
        return out;
    }

    @Test
    void everyLineOfAMessyListYieldsExactlyOneEntry() throws IOException {
        String list = String.join("\n",
                "# lab list",                          // 1 comment
                "",                                    // 2 blank
                "Example.ORG",                         // 3 accepted, lower-cased
                "example.org.",                        // 4 duplicate of 3
                "bücher.example",                      // 5 accepted as A-label
                "x".repeat(300) + ".example",          // 6 name-too-long
                "not a domain",                        // 7 invalid-character
                "   ",                                 // 8 blank
                "mail.example.net # with a comment",   // 9 accepted
                "");                                   // (trailing newline: no line 10)
        List<ListEntry> entries = read(list);
        assertEquals(List.of(
                new ListEntry.Ignored(1, "comment"),
                new ListEntry.Ignored(2, "blank"),
                new ListEntry.Accepted(3, "example.org", null),
                new ListEntry.Duplicate(4, "example.org.", "example.org", 3),
                new ListEntry.Accepted(5, "xn--bcher-kva.example", null),
                new ListEntry.Rejected(6, "x".repeat(300) + ".example", "name-too-long",
                        "the name has 308 characters, at most 253 are allowed"),
                new ListEntry.Rejected(7, "not a domain", "invalid-character",
                        "contains whitespace or a control character"),
                new ListEntry.Ignored(8, "blank"),
                new ListEntry.Accepted(9, "mail.example.net", null)), entries);
    }

    @Test
    void trancoCsvGivesRanksAndSkipsAHeader() throws IOException {
        List<ListEntry> entries = read("rank,domain\r\n1,google.com\r\n2,Facebook.com\r\nthree,x.org\r\n4,\r\n");
        assertEquals(new ListEntry.Ignored(1, "header"), entries.get(0));
        assertEquals(new ListEntry.Accepted(2, "google.com", 1L), entries.get(1));
        assertEquals(new ListEntry.Accepted(3, "facebook.com", 2L), entries.get(2));
        assertEquals("malformed-csv", ((ListEntry.Rejected) entries.get(3)).reason());
        assertEquals("empty", ((ListEntry.Rejected) entries.get(4)).reason());
        assertEquals(5, entries.size());
    }

    @Test
    void aByteOrderMarkAndCrlfAreTolerated() throws IOException {
        assertEquals(List.of(new ListEntry.Accepted(1, "example.org", null),
                new ListEntry.Accepted(2, "example.net", null)), read("\uFEFFexample.org\r\nexample.net"));
    }

    @Test
    void anEndlessLineIsRejectedWithoutHoldingItInMemory() throws IOException {
        String huge = "a".repeat(5_000_000);
        List<ListEntry> entries = read(huge + "\nexample.org\n");
        var rejected = (ListEntry.Rejected) entries.get(0);
        assertEquals("line-too-long", rejected.reason());
        assertEquals(DomainListReader.MAX_LINE_CHARS, rejected.line().length());
        assertEquals(new ListEntry.Accepted(2, "example.org", null), entries.get(1));
    }

    @Test
    void emptyInputHasNoEntries() throws IOException {
        assertEquals(List.of(), read(""));
    }
}
