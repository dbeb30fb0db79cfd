package io.mxray.lab;

/**
 * How the lab's DNS server behaves as a scanner's resolver: honestly, or as the broken resolvers a
 * scanner meets (a captive portal's, one that strips DNSSEC records, one that goes away). A
 * scanner that blamed the domains for these would store false verdicts by the million.
 */
public enum ResolverMode {
    /** Answers from the lab's zones. */
    HONEST,
    /** NXDOMAIN to every question (a captive or broken resolver). */
    NXDOMAIN_ALL,
    /** The zones' answers without their RRSIG, NSEC and NSEC3 records (a resolver that strips DNSSEC). */
    STRIP_DNSSEC,
    /** SERVFAIL to every question. */
    SERVFAIL_ALL,
    /** No answer at all (the resolver died). */
    SILENT
}
