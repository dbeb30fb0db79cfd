package io.mxray.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A lab of more servers than a process may open files serves them all from one listening socket
 * ({@link LabConfig#sharedListener}), in a network namespace of its own where its refusing hosts
 * still refuse.
 */
class SharedListenerTest {
    @Test
    void startsOnlyWhereLoopbackIsTheOnlyInterface() throws Exception {
        boolean others = NetworkInterface.networkInterfaces().anyMatch(n -> {
            try {
                return !n.isLoopback();
            } catch (java.net.SocketException e) {
                return true;
            }
        });
        assertTrue(others, "this test expects a machine with a network interface besides loopback");
        Path dir = Files.createTempDirectory("shared-lab");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Lab.start(LabConfig.defaults(dir).withSharedListener(true)).close());
        assertTrue(e.getMessage().contains("network namespace of its own"), e.getMessage());
    }

    @Test
    void rulesRejectTheRefusingAddressesOnTheSmtpPortOnly() throws Exception {
        String rules = SharedListener.rules(List.of(InetAddress.getByName("127.40.1.7"),
                InetAddress.getByName("127.40.1.9"), InetAddress.getByName("::1")), 25);
        assertTrue(rules.contains("set refused4 { type ipv4_addr; elements = { 127.40.1.7, 127.40.1.9 } }"), rules);
        assertTrue(rules.contains("set refused6 { type ipv6_addr; elements = { 0:0:0:0:0:0:0:1 } }"), rules);
        assertTrue(rules.contains("ip daddr @refused4 tcp dport 25 reject with tcp reset"), rules);
        assertTrue(rules.contains("ip6 daddr @refused6 tcp dport 25 reject with tcp reset"), rules);
        String v4only = SharedListener.rules(List.of(InetAddress.getByName("127.40.1.7")), 2525);
        assertTrue(!v4only.contains("refused6") && v4only.contains("tcp dport 2525 reject"), v4only);
    }

    @Test
    void everyCatalogueServerAnswersOrRefusesThroughOneSocket() throws Exception {
        ReferenceTool.require("unshare", "util-linux");
        ReferenceTool.require("nft", "nftables");
        ReferenceTool.require("ip", "iproute2");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("unshare", "-n", "sh", "-c", "ip link set lo up && exec \"$0\" -cp \"$1\" "
                + SharedListenerProbe.class.getName(), java, System.getProperty("java.class.path"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the probe did not end");
        assertEquals(0, p.exitValue(), out);
        String checked = out.lines().filter(l -> l.startsWith("checked ")).findFirst().orElse("checked 0");
        assertTrue(Integer.parseInt(checked.substring(8)) > 50, out);
    }
}
