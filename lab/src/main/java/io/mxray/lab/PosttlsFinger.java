package io.mxray.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Postfix's posttls-finger against a lab, with the DNS it needs for DANE: Debian's Unbound as a
 * validating resolver with the lab's trust anchor, forwarding to the lab's server, on port 53 of
 * a loopback address of its own; posttls-finger runs in a private mount namespace where
 * /etc/resolv.conf names that Unbound (with {@code trust-ad}), and with a Postfix configuration of
 * its own (MAIL_CONFIG), so the machine's resolver and /etc/postfix do not matter. Needs root
 * (port 53, mount) and a lab whose SMTP servers are on port 25 (TLSA names carry the port). Used
 * by the agreement tests and by {@code bench smtp}.
 */
public final class PosttlsFinger implements AutoCloseable {
    private static final Pattern WORD = Pattern.compile(
            "(Verified|Trusted|Untrusted|Anonymous) TLS connection established");

    private final Lab lab;
    private final Path dir;
    private final Process unbound;

    private PosttlsFinger(Lab lab, Path dir, Process unbound) {
        this.lab = lab;
        this.dir = dir;
        this.unbound = unbound;
    }

    /** Starts Unbound for the lab on {@code address}:53 (a loopback address no one else uses). */
    public static PosttlsFinger start(Lab lab, String address, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String forward = lab.resolver().getAddress().getHostAddress() + "@" + lab.resolver().getPort();
        Files.writeString(dir.resolve("unbound.conf"), """
                server:
                  interface: %s
                  port: 53
                  access-control: 127.0.0.0/8 allow
                  do-not-query-localhost: no
                  username: ""
                  chroot: ""
                  directory: "%s"
                  pidfile: ""
                  use-syslog: no
                  logfile: ""
                  verbosity: 1
                  trust-anchor-file: "%s"
                  module-config: "validator iterator"
                  qname-minimisation: no
                  local-zone: "test." nodefault
                  local-zone: "invalid." nodefault
                  local-zone: "example." nodefault
                remote-control:
                  control-enable: no
                forward-zone:
                  name: "."
                  forward-addr: %s
                """.formatted(address, dir, lab.dir().resolve("root.ds"), forward));
        Files.writeString(dir.resolve("main.cf"), """
                compatibility_level = 3.6
                inet_protocols = ipv4
                myhostname = posttls-finger.mxray.invalid
                smtp_dns_support_level = dnssec
                """);
        Files.writeString(dir.resolve("resolv.conf"), "nameserver " + address + "\noptions edns0 trust-ad\n");
        Process p = new ProcessBuilder("unbound", "-d", "-c", dir.resolve("unbound.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("unbound.log").toFile()).start();
        PosttlsFinger pf = new PosttlsFinger(lab, dir, p);
        // ready when it answers
        for (int i = 0; i < 100; i++) {
            if (!p.isAlive()) {
                throw new IllegalStateException("unbound exited: " + Files.readString(dir.resolve("unbound.log")));
            }
            String out = ExternalCommand.run(List.of("dig", "@" + address, "+time=1", "+tries=1", "test.", "SOA"), null, 10);
            if (out.contains("status: NOERROR")) {
                return pf;
            }
            Thread.sleep(100);
        }
        pf.close();
        throw new IllegalStateException("unbound did not answer: " + Files.readString(dir.resolve("unbound.log")));
    }

    /** What posttls-finger printed for one probe of {@code [host]:25} at {@code level}, with the extra arguments. */
    public String run(String host, String level, String... match) {
        List<String> args = new ArrayList<>(List.of("posttls-finger", "-c", "-t", "5", "-T", "15", "-l", level,
                "-F", lab.caFile().toString(), "[" + host + "]:" + lab.smtpPort()));
        args.addAll(List.of(match));
        String shell = "mount --bind '" + dir.resolve("resolv.conf") + "' /etc/resolv.conf && MAIL_CONFIG='" + dir
                + "' exec " + String.join(" ", args.stream().map(a -> "'" + a + "'").toList());
        return ExternalCommand.run(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", shell), null,
                60);
    }

    /** As {@link #run}, with posttls-finger options (for example {@code -p}, {@code -o name=value}) before the destination. */
    public String runWith(String host, String level, List<String> options) {
        List<String> args = new ArrayList<>(List.of("posttls-finger", "-c", "-t", "5", "-T", "15", "-l", level,
                "-F", lab.caFile().toString()));
        args.addAll(options);
        args.add("[" + host + "]:" + lab.smtpPort());
        String shell = "mount --bind '" + dir.resolve("resolv.conf") + "' /etc/resolv.conf && MAIL_CONFIG='" + dir
                + "' exec " + String.join(" ", args.stream().map(a -> "'" + a + "'").toList());
        return ExternalCommand.run(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", shell), null,
                60);
    }

    /** The verdict word of a run's output, {@code "TLSA lookup error"}, or null when it gave none. */
    public static String word(String output) {
        if (output.contains("TLSA lookup error")) {
            return "TLSA lookup error";
        }
        Matcher m = WORD.matcher(output);
        return m.find() ? m.group(1) : null;
    }

    @Override
    public void close() {
        unbound.destroy();
        try {
            if (!unbound.waitFor(5, TimeUnit.SECONDS)) {
                unbound.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Unbound's log so far (for a failure message). */
    public String unboundLog() {
        try {
            return Files.readString(dir.resolve("unbound.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
