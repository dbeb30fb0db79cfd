package io.mxray.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Injected latency delays every answer by the configured time, and many answers wait at once:
 * no thread is held while waiting (two answering threads could not otherwise hold 200 answers
 * of 400 ms each in about 400 ms). The bounds are generous: this checks the behaviour, not speed.
 */
class LatencyTest {
    @Test
    void dnsAndSmtpAnswersAreDelayedWithoutHoldingThreads() throws Exception {
        Duration dns = Duration.ofMillis(400);
        Duration smtp = Duration.ofMillis(300);
        LabConfig config = LabConfig.defaults(Files.createTempDirectory("lab"))
                .withScenarios(Scenarios.basic()).withLatency(dns, smtp);
        try (Lab lab = Lab.start(config)) {
            SimpleResolver r = new SimpleResolver(lab.resolver());
            r.setTimeout(Duration.ofSeconds(20));
            long t0 = System.nanoTime();
            List<CompletableFuture<Message>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Message q = Message.newQuery(Record.newRecord(Name.fromString("tls-valid.test."), Type.MX, DClass.IN));
                answers.add(r.sendAsync(q).toCompletableFuture());
            }
            for (var a : answers) {
                assertEquals(Rcode.NOERROR, a.join().getRcode());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= dns.toMillis(), "answers came before the injected latency: " + ms + " ms");
            assertTrue(ms < 10 * dns.toMillis(), "200 delayed answers took " + ms + " ms: threads were held");

            long s0 = System.nanoTime();
            try (Socket s = new Socket(lab.addressOf("mx.tls-valid.test"), lab.smtpPort());
                 var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
                String banner = in.readLine();
                assertTrue(banner.startsWith("220 "), banner);
            }
            long bannerMs = (System.nanoTime() - s0) / 1_000_000;
            assertTrue(bannerMs >= smtp.toMillis(), "the greeting was not delayed: " + bannerMs + " ms");
        }
    }
}
