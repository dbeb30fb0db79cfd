package io.mxray.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.LabCa;
import io.mxray.schema.Level;
import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.ProbeResult;
import io.mxray.verdict.CertificateJudge;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Servers that misbehave: each costs at most its deadline and ends in a recorded outcome with the
 * right level, never in a hang, a crash or a false "no STARTTLS".
 */
class HostileServerTest {
    private static final ExecutorService SERVERS = Executors.newCachedThreadPool();
    private static SmtpStage stage;

    /** What a scripted server does with one accepted connection. */
    interface Script {
        void run(Socket s, BufferedReader in, OutputStream out) throws IOException, InterruptedException;
    }

    @BeforeAll
    static void start() {
        SmtpConfig config = SmtpConfig.defaults().allowingNonPublic(true)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(700), Duration.ofSeconds(3));
        LabCa ca = new LabCa(Clock.systemUTC());
        stage = new SmtpStage(config, new CertificateJudge(Set.of(new TrustAnchor(ca.root(), null)), Clock.systemUTC()),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        stage.close();
        SERVERS.shutdownNow();
    }

    private static ProbeResult probe(Script script) throws IOException {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        SERVERS.submit(() -> {
            try (server; Socket s = server.accept()) {
                var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                script.run(s, in, s.getOutputStream());
            } catch (IOException | InterruptedException e) {
                // the client hung up: expected for most scripts
            }
            return null;
        });
        long start = System.nanoTime();
        ProbeResult r = stage.probe(ProbeRequest.of("scan", "127.0.0.1", server.getLocalPort(), "mx.hostile.test"))
                .toCompletableFuture().join();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 5_000, "a hostile server held the probe for " + ms + " ms");
        return r;
    }

    private static void send(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static void greetAndOfferStarttls(BufferedReader in, OutputStream out) throws IOException {
        send(out, "220 hostile ESMTP\r\n");
        in.readLine();
        send(out, "250-hostile\r\n250 STARTTLS\r\n");
        in.readLine();
    }

    @Test
    void aSilentServerIsABannerTimeout() throws IOException {
        ProbeResult r = probe((s, in, out) -> Thread.sleep(10_000));
        assertEquals(ProbeOutcome.BANNER_TIMEOUT, r.outcome());
        assertEquals(Level.UNREACHABLE, r.level());
    }

    @Test
    void aRefusingGreetingIsRejected() throws IOException {
        ProbeResult r = probe((s, in, out) -> {
            send(out, "554 5.7.1 no scanners\r\n");
            in.readLine();
        });
        assertEquals(ProbeOutcome.REJECTED, r.outcome());
        assertEquals("greeting-554", r.reason());
        assertEquals(Level.UNREACHABLE, r.level());
        assertEquals(java.util.List.of("554 5.7.1 no scanners"), r.banner());
    }

    @Test
    void aRefusedStarttlsIsPlaintext() throws IOException {
        ProbeResult r = probe((s, in, out) -> {
            greetAndOfferStarttls(in, out);
            send(out, "454 4.7.0 TLS not available\r\n");
            in.readLine();
        });
        assertEquals(ProbeOutcome.STARTTLS_REFUSED, r.outcome());
        assertEquals("starttls-454", r.reason());
        assertEquals(Level.PLAINTEXT, r.level());
        assertEquals(java.util.List.of("STARTTLS"), r.ehlo());
    }

    @Test
    void garbageInsteadOfAHandshakeIsTlsFailed() throws IOException {
        ProbeResult r = probe((s, in, out) -> {
            greetAndOfferStarttls(in, out);
            send(out, "220 go ahead\r\n");
            Thread.sleep(100);
            send(out, "this is not TLS at all\r\n".repeat(10));
            Thread.sleep(2000);
        });
        assertEquals(ProbeOutcome.HANDSHAKE_FAILED, r.outcome());
        assertEquals(Level.TLS_FAILED, r.level());
    }

    @Test
    void closingAfterStarttlsIsTlsFailed() throws IOException {
        ProbeResult r = probe((s, in, out) -> {
            greetAndOfferStarttls(in, out);
            send(out, "220 go ahead\r\n");
        });
        assertEquals(ProbeOutcome.HANDSHAKE_FAILED, r.outcome());
        assertEquals(Level.TLS_FAILED, r.level());
    }

    @Test
    void aStarttlsThatNeverAnswersIsTlsFailedNotPlaintext() throws IOException {
        ProbeResult r = probe((s, in, out) -> {
            greetAndOfferStarttls(in, out);
            Thread.sleep(10_000);
        });
        assertEquals(ProbeOutcome.HANDSHAKE_FAILED, r.outcome());
        assertEquals("starttls-timeout", r.reason());
        assertEquals(Level.TLS_FAILED, r.level());
    }

    @Test
    void anEndlessLineIsAProtocolError() throws IOException {
        ProbeResult r = probe((s, in, out) -> {
            byte[] junk = "x".repeat(8192).getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < 1000; i++) {
                out.write(junk);
            }
        });
        assertEquals(ProbeOutcome.PROTOCOL_ERROR, r.outcome());
        assertEquals("line-too-long", r.reason());
        assertEquals(Level.UNREACHABLE, r.level());
    }

    @Test
    void anEndlessEhloReplyIsAProtocolError() throws IOException {
        ProbeResult r = probe((s, in, out) -> {
            send(out, "220 hostile ESMTP\r\n");
            in.readLine();
            for (int i = 0; i < 100_000; i++) {
                send(out, "250-AGAIN\r\n");
            }
        });
        assertEquals(ProbeOutcome.PROTOCOL_ERROR, r.outcome());
        assertEquals("too-many-reply-lines", r.reason());
    }

    @Test
    void aNonSmtpServerIsAProtocolError() throws IOException {
        ProbeResult r = probe((s, in, out) -> {
            send(out, "SSH-2.0-OpenSSH_9.2\r\n");
            Thread.sleep(1000);
        });
        assertEquals(ProbeOutcome.PROTOCOL_ERROR, r.outcome());
        assertEquals("malformed-reply", r.reason());
    }

    @Test
    void aRefusedEhloFallsBackToHelo() throws IOException {
        ProbeResult r = probe((s, in, out) -> {
            send(out, "220 old ESMTP\r\n");
            String ehlo = in.readLine();
            send(out, ehlo.startsWith("EHLO") ? "502 5.5.1 what?\r\n" : "500 expected EHLO\r\n");
            String helo = in.readLine();
            send(out, helo.startsWith("HELO") ? "250 old\r\n" : "500 expected HELO\r\n");
            in.readLine();
        });
        assertEquals(ProbeOutcome.NO_STARTTLS, r.outcome());
        assertEquals("helo-only", r.reason());
        assertEquals(Level.PLAINTEXT, r.level());
    }

    @Test
    void aServerTricklingBytesIsStoppedByTheDeadline() throws IOException {
        ProbeResult r = probe((s, in, out) -> {
            for (int i = 0; i < 100; i++) {
                send(out, "2");
                Thread.sleep(300); // under the step timeout each time, never a whole line
            }
        });
        assertEquals(ProbeOutcome.BANNER_TIMEOUT, r.outcome());
        assertTrue(r.timings().totalMs() >= 2900, "ended by the 3 s deadline: " + r.timings().totalMs());
    }

    @Test
    void aClosedPortIsConnectionRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProbeResult r = stage.probe(ProbeRequest.of("scan", "127.0.0.1", port, "mx.gone.test")).toCompletableFuture()
                .join();
        assertEquals(ProbeOutcome.CONNECTION_REFUSED, r.outcome());
        assertEquals(Level.UNREACHABLE, r.level());
    }

    @Test
    void theClientNeverSendsMailFrom() throws IOException {
        var seen = new java.util.concurrent.CopyOnWriteArrayList<String>();
        probe((s, in, out) -> {
            send(out, "220 watcher ESMTP\r\n");
            String line;
            while ((line = in.readLine()) != null) {
                seen.add(line);
                send(out, line.startsWith("EHLO") ? "250-watcher\r\n250 PIPELINING\r\n" : "221 bye\r\n");
            }
        });
        long deadline = System.currentTimeMillis() + 2000;
        while (seen.size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(java.util.List.of("EHLO mxray-tls-survey.invalid", "QUIT"), seen);
    }
}
