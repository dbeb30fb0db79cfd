package io.mxray.lab;

/**
 * How a lab MX host behaves on port 25.
 *
 * @param listening     false: nothing listens, connections are refused
 * @param offerStarttls whether EHLO advertises STARTTLS
 * @param cert          the certificate presented after STARTTLS (null without STARTTLS)
 */
public record ServerSpec(boolean listening, boolean offerStarttls, CertSpec cert) {
    public ServerSpec {
        if (offerStarttls && cert == null) {
            throw new IllegalArgumentException("a STARTTLS server needs a certificate");
        }
    }

    public static ServerSpec starttls(CertSpec cert) {
        return new ServerSpec(true, true, cert);
    }

    public static ServerSpec noStarttls() {
        return new ServerSpec(true, false, null);
    }

    public static ServerSpec refusing() {
        return new ServerSpec(false, false, null);
    }
}
