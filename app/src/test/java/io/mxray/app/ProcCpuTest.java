package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** CPU figures read from /proc, as bench e2e reports them, against what the JVM and the kernel say otherwise. */
class ProcCpuTest {
    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void aProcessCpuAgreesWithTheJvmsOwnAccount() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double before = os.getProcessCpuTime() / 1e9;
        double proc = ProcCpu.process(SELF, false);
        double after = os.getProcessCpuTime() / 1e9;
        // /proc counts in ticks of 10 ms; the JVM reads the same counters
        assertTrue(proc >= before - 0.02 && proc <= after + 0.02, before + " <= " + proc + " <= " + after);
    }

    @Test
    void theJitThreadsHaveWorkedAndAreAPartOfTheProcess() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
        long sum = 0;
        for (int i = 0; i < 2_000_000; i++) { // something to compile
            sum += Long.toString(i).hashCode();
        }
        assertTrue(sum != 1);
        double jit = ProcCpu.jit(SELF);
        assertTrue(jit > 0, "a JVM that ran tests has compiled something: " + jit);
        assertTrue(jit <= ProcCpu.process(SELF, false));
    }

    @Test
    void aTreeCountsTheChildrenAndWhatTheyUsedBeforeTheyEnded() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
        // a child that burns some CPU (0.1 s or more), then a child that waits: the tree holds both
        Process sh = new ProcessBuilder("sh", "-c",
                "(i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done); sleep 30").start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            double tree = 0;
            while (System.nanoTime() < deadline) {
                tree = ProcCpu.tree(sh.pid());
                if (tree >= 0.1 && !ProcessHandle.of(sh.pid()).get().children().toList().isEmpty()
                        && ProcessHandle.of(sh.pid()).get().children().allMatch(c -> c.info().command()
                        .map(cmd -> cmd.endsWith("sleep")).orElse(false))) {
                    break;
                }
                Thread.sleep(50);
            }
            assertTrue(tree >= 0.1, "the loop's CPU, in a child that has ended: " + tree);
            assertTrue(ProcCpu.process(sh.pid(), false) < tree, "the shell itself did little");
        } finally {
            sh.destroyForcibly().waitFor();
        }
        assertEquals(0.0, ProcCpu.process(sh.pid(), true), "gone: nothing to read");
    }
}
