package io.mxray.lab;

/** Which certificate a lab SMTP server presents after STARTTLS. */
public enum CertSpec {
    /** Issued by the lab CA, naming the MX host, valid now. */
    LAB_CA_VALID,
    /** Issued by the lab CA for a name that is not the MX host's. */
    WRONG_NAME,
    /** Issued by the lab CA, naming the MX host, validity ended 30 days ago. */
    EXPIRED,
    /** Issued by the lab CA, naming the MX host, validity begins in 30 days. */
    NOT_YET_VALID,
    /** Signed by its own key, naming the MX host. */
    SELF_SIGNED
}
