package io.mxray.runtime;

import io.mxray.schema.TlsCoverage;

/** Process-wide settings every mxray entry point makes first, before any library starts threads. */
public final class Jvm {
    private Jvm() {
    }

    /**
     * With fewer than two common-pool threads (a 2-core machine), CompletableFuture runs every
     * async step on a new thread; dnsjava's validator is made of such steps. Must run before
     * anything touches ForkJoinPool.
     */
    public static void prepare() {
        // before any TLS context exists: measure legacy TLS instead of failing it
        TlsCoverage.widen();
        String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(key) == null) {
            System.setProperty(key, String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors())));
        }
    }
}
