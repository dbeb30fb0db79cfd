package io.mxray.lab.dns;

/**
 * What a hostile responder adds to a genuine response, as an attacker between a scanner and its
 * resolver can: records a validator must not let through, whatever else the message proves.
 */
public enum Tamper {
    /**
     * Records of class CH at the name asked (of the type asked, and a CNAME), next to the genuine
     * signed RRset: a scanner that judges only class IN but reads every class would use them.
     */
    FOREIGN_CLASS,
    /**
     * A second, unsigned CNAME at the owner of every CNAME of the answer, to a decoy name whose
     * address records come along: the genuine alias (a DNAME synthesis, say) validates, the decoy
     * is what a parser that takes the last CNAME follows.
     */
    EXTRA_CNAME
}
