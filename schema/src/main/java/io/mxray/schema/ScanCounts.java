package io.mxray.schema;

/**
 * What the scheduler did with every line of a domain list. Every line is in exactly one bucket:
 * {@code lines == accepted + rejected + duplicates + ignored}.
 *
 * @param lines      lines read
 * @param accepted   distinct valid domains published for scanning
 * @param rejected   lines that are not a valid domain name (each stored with its reason)
 * @param duplicates valid domains already seen earlier in the same list
 * @param ignored    blank lines, comments and CSV header lines
 */
public record ScanCounts(long lines, long accepted, long rejected, long duplicates, long ignored) {
    public ScanCounts {
        if (lines != accepted + rejected + duplicates + ignored) {
            throw new IllegalArgumentException("counts do not add up: " + lines + " lines vs "
                    + accepted + "+" + rejected + "+" + duplicates + "+" + ignored);
        }
    }
}
