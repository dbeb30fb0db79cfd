package io.mxray.app;

import io.mxray.runtime.ClassDataArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Makes the class-data sharing archive the stage processes, the scheduler and the broker map at
 * start, for this installation's jars and this JDK: what the launcher does once per build and the
 * container image once when it is built.
 */
@Command(name = "class-archive", mixinStandardHelpOptions = true,
        description = "Make the class-data sharing archive (AppCDS) of the classes mxray's processes load, for this "
                + "installation's class path and this JDK; a process started with -XX:SharedArchiveFile=FILE maps "
                + "them parsed and verified (a faster first scan). ./mxray and the container image make and use it "
                + "themselves.")
final class ClassArchiveCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "Where the archive goes (replaced if there is one).")
    Path out;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        ClassDataArchive.dump(Path.of(System.getProperty("java.home")), System.getProperty("java.class.path"), out);
        System.out.printf("class-data archive %s: %,d MB for Java %s, made in %.1f s%n", out,
                Files.size(out) >> 20, System.getProperty("java.vm.version"), (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
