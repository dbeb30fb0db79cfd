package io.mxray.verdict;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Whether a certificate names a host, per RFC 6125 section 6.4 as OpenSSL's
 * {@code X509_check_host} applies it for Postfix: DNS names from the subjectAltName extension;
 * the subject CN only when there is no DNS name at all; a wildcard only as the whole left-most
 * label, matching exactly one label, and only with at least two labels after it (no
 * {@code *.com}); no partial wildcards ({@code f*.example.com}); case-insensitive.
 */
public final class HostnameMatcher {
    private static final int SAN_DNS = 2;

    private HostnameMatcher() {
    }

    public static boolean matches(X509Certificate cert, String host) {
        String h = normalize(host);
        for (String name : namesOf(cert)) {
            if (matches(name, h)) {
                return true;
            }
        }
        return false;
    }

    /** The DNS names the certificate is for: its SAN DNS names, else its subject CNs. */
    public static List<String> namesOf(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(SAN_DNS).equals(san.get(0)) && san.get(1) instanceof String s) {
                        names.add(s);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of(); // an unparsable extension names nothing
        }
        if (!names.isEmpty()) {
            return names;
        }
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    names.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return List.of();
        }
        return names;
    }

    static boolean matches(String pattern, String host) {
        String p = normalize(pattern);
        if (p.isEmpty() || host.isEmpty()) {
            return false;
        }
        if (!p.contains("*")) {
            return p.equals(host);
        }
        if (!p.startsWith("*.") || p.indexOf('*', 1) >= 0) {
            return false; // partial or non-leftmost wildcard
        }
        String suffix = p.substring(1); // ".example.com"
        if (suffix.chars().filter(c -> c == '.').count() < 2) {
            return false; // "*.com": too broad
        }
        if (!host.endsWith(suffix)) {
            return false;
        }
        String label = host.substring(0, host.length() - suffix.length());
        return !label.isEmpty() && label.indexOf('.') < 0;
    }

    private static String normalize(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
