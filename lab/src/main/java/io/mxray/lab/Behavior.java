package io.mxray.lab;

/** How a lab SMTP server behaves, beyond what it offers. */
public enum Behavior {
    /** A well-behaved server. */
    NORMAL,
    /** Accepts the connection and never says anything. */
    SILENT,
    /** Greets after 10 seconds, then behaves. */
    SLOW_BANNER,
    /** Greets with 421 (service not available) and closes. */
    BANNER_421,
    /** Greets with 554 (no SMTP service here). */
    BANNER_554,
    /** A multi-line greeting and a long multi-line EHLO reply, then behaves. */
    MULTILINE,
    /** Answers EHLO with reply lines that never end. */
    ENDLESS_REPLY,
    /** Greets with a single line of one megabyte. */
    HUGE_LINE,
    /** Accepts STARTTLS, reads the ClientHello, closes the connection. */
    CLOSE_MID_HANDSHAKE,
    /** Offers STARTTLS and refuses it with 454. */
    STARTTLS_454,
    /** Accepts STARTTLS and answers the ClientHello with bytes that are not TLS. */
    HANDSHAKE_GARBAGE,
    /**
     * Greets with 100 lines of 2,000 control bytes each, and answers EHLO with 20 keyword lines of
     * them (STARTTLS among them), then behaves: as JSON, the greeting alone would be over a megabyte.
     */
    CONTROL_BYTES,
    /** After the TLS handshake, never answers QUIT and never hangs up: the client must close. */
    QUIT_IGNORED
}
