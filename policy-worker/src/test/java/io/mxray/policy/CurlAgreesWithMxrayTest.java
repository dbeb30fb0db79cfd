package io.mxray.policy;

import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.ReferenceTool;
import io.mxray.lab.Scenario;
import io.mxray.lab.Scenarios;
import io.mxray.runtime.OptOut;
import io.mxray.schema.PolicyReason.Key;
import io.mxray.schema.PolicyRequest;
import io.mxray.schema.PolicyResult;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * curl, an HTTPS client mxray shares no code with, fetches every lab policy host as RFC 8461
 * section 3.3 asks (the lab CA only, TLS 1.2 or later, no redirect followed, at most 64 KB), and
 * must see what mxray's fetch saw: the same failure, or the same body.
 */
class CurlAgreesWithMxrayTest {
    @Test
    void curlSeesEveryPolicyHostAsMxrayDoes() throws Exception {
        ReferenceTool.require("curl", "curl");
        Path dir = Files.createTempDirectory("curl-lab");
        List<Scenario> scenarios = Scenarios.mtaSts();
        try (Lab lab = Lab.start(LabConfig.defaults(dir).withScenarios(scenarios));
             PolicyFetcher fetcher = new PolicyFetcher(PolicyConfig.politeAs(2, Duration.ZERO, true, OptOut.NONE,
                     lab.httpsPort()), new CertificateJudge(TrustStores.fromPem(lab.caFile()), Clock.systemUTC()),
                     Clock.systemUTC())) {
            List<String> disagreements = new ArrayList<>();
            int compared = 0;
            for (Scenario sc : scenarios) {
                if (sc.policies().policyHost() == null || sc.policies().policyHost().address() != null) {
                    continue; // no policy host, or one in private space that nobody may contact
                }
                String host = PolicyRequest.hostOf(sc.domain());
                PolicyResult mxray = fetcher.fetch(PolicyRequest.of("curl", sc.domain(), "1", List.of(lab.policyAddress())))
                        .toCompletableFuture().join();
                String theirs = curl(host, lab, dir.resolve(sc.name() + ".body"));
                String ours = view(mxray);
                compared++;
                if (!ours.equals(theirs)) {
                    disagreements.add(sc.domain() + ": mxray " + ours + " (" + mxray.reason() + "), curl " + theirs);
                }
            }
            assertTrue(compared >= 12, "policy hosts compared: " + compared);
            assertEquals(List.of(), disagreements);
        }
    }

    /** What mxray's fetch saw, in the words {@link #curl} uses. */
    static String view(PolicyResult r) {
        if (r.reason() == null || r.reason().is(Key.SYNTAX) || r.reason().is(Key.MX_MISSING)) {
            return "body " + r.body(); // a body came: whether it is a policy is no HTTP matter
        }
        return switch (r.reason().key()) {
            case TLS_UNTRUSTED, TLS_NAME_MISMATCH, TLS_EXPIRED -> "certificate refused";
            case TOO_LARGE -> "too large";
            case REDIRECT -> "redirect " + r.reason().detail();
            case HTTP_STATUS -> "status " + r.reason().detail();
            case CONTENT_TYPE -> "content type " + r.contentType();
            default -> "failed " + r.reason().text();
        };
    }

    /** The policy as curl fetches it, summed up as {@link #view} does. */
    static String curl(String host, Lab lab, Path body) throws IOException, InterruptedException {
        int port = lab.httpsPort();
        List<String> cmd = List.of("curl", "--silent", "--show-error", "--proto", "=https", "--tlsv1.2",
                "--cacert", lab.caFile().toString(), "--resolve", host + ":" + port + ":" + lab.policyAddress(),
                "--max-filesize", "65536", "--max-time", "20", "--output", body.toString(),
                "--write-out", "%{http_code} %{content_type}",
                "https://" + host + ":" + port + "/.well-known/mta-sts.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
        int exit = p.exitValue();
        if (exit == 60 || exit == 51) { // the peer's certificate was not accepted (chain, name or dates)
            return "certificate refused";
        }
        if (exit == 63) { // --max-filesize: the announced size is over the limit
            return "too large";
        }
        if (exit != 0) {
            return "curl exit " + exit + ": " + err;
        }
        String[] parts = out.split(" ", 2);
        int status = Integer.parseInt(parts[0]);
        String type = parts.length > 1 ? parts[1] : "";
        if (status >= 300 && status < 400) {
            return "redirect " + status;
        }
        if (status != 200) {
            return "status " + status;
        }
        String media = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("text/plain")) {
            return "content type " + (type.isEmpty() ? "null" : type);
        }
        return "body " + Files.readString(body, StandardCharsets.UTF_8);
    }
}
