package io.mxray.runtime;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-data sharing archive (AppCDS) for mxray's processes. A new JVM reads, parses and
 * verifies each of the ten thousand classes a stage loads from its jars, in the same minute as
 * its first scan; with the archive it maps them, already parsed and verified, from one file.
 * The classes are those the stages, the scheduler and the broker loaded in a scan of the lab
 * ({@code mxray.classlist} beside this class, made by {@code bench/classlist}); the archive is
 * made from that list by {@code java -Xshare:dump} for one JDK build and one class path of jars.
 * A process started with {@link #options} maps it; the JVM checks that the JDK, the class path and
 * every jar's size and time are those of the dump, and on any difference maps nothing and loads
 * its classes from the jars as it would without the archive (a class missing from the list is
 * loaded from its jar too).
 */
public final class ClassDataArchive {
    /** The list's resource, beside this class. */
    static final String CLASS_LIST = "mxray.classlist";
    private static final Logger LOG = LoggerFactory.getLogger(ClassDataArchive.class);
    /** Archives whose dump failed in this JVM: not tried again. */
    private static final Set<Path> FAILED = new HashSet<>();

    private ClassDataArchive() {
    }

    /** The JVM options that map {@code archive} where it is valid for the process, and run on without it where not. */
    public static List<String> options(Path archive) {
        return List.of("-XX:SharedArchiveFile=" + archive.toAbsolutePath(), "-Xshare:auto", "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off");
    }

    /**
     * Why the archive cannot be made for this class path, or empty when it can: the JVM archives
     * classes from jars only, so a class path with a directory of classes (a build's own test run)
     * has none.
     */
    public static Optional<String> unsupported(String classPath) {
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isDirectory(Path.of(entry))) {
                return Optional.of("the class path has a directory of classes (" + entry + "); an archive holds classes "
                        + "from jars only");
            }
        }
        return Optional.empty();
    }

    /**
     * Makes the archive at {@code archive} with the JDK at {@code javaHome}, for the class path
     * {@code classPath}; written under a temporary name and moved into place, so that a process
     * never maps half an archive.
     *
     * @return what {@code java -Xshare:dump} printed
     * @throws IOException when the dump failed (its output in the message) or cannot be started
     */
    public static String dump(Path javaHome, String classPath, Path archive) throws IOException, InterruptedException {
        Optional<String> why = unsupported(classPath);
        if (why.isPresent()) {
            throw new IOException(why.get());
        }
        Path dir = archive.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path list = Files.createTempFile(dir, "mxray-", ".classlist");
        Path partial = Files.createTempFile(dir, "mxray-", ".jsa.partial");
        Path output = Files.createTempFile(dir, "mxray-", ".dump.log");
        try {
            writeClassList(list);
            Files.delete(partial); // the dump creates it
            List<String> cmd = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java").toString(),
                    "-Xshare:dump", "-XX:SharedClassListFile=" + list, "-XX:SharedArchiveFile=" + partial,
                    "-XX:+UseSerialGC", "-cp", classPath));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("java -Xshare:dump took more than 5 minutes");
            }
            String printed = tail(Files.readString(output, StandardCharsets.UTF_8));
            if (p.exitValue() != 0 || !Files.isRegularFile(partial)) {
                throw new IOException("java -Xshare:dump failed (" + p.exitValue() + "): " + printed);
            }
            Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return printed;
        } finally {
            Files.deleteIfExists(list);
            Files.deleteIfExists(partial);
            Files.deleteIfExists(output);
        }
    }

    /**
     * The archive for this JVM's JDK and {@code classPath}, made now if there is none yet (once per
     * build of the jars and JDK: a few seconds of one core), beside the class path's first jar and
     * named by a digest of the JDK and of every jar's path, size and time (those on the class path
     * and those their manifests name); older archives there are removed. Empty where none can be
     * made: a class path with directories, a directory that is not writable, a failed dump (a
     * warning says which) or {@code MXRAY_CDS=0}.
     */
    public static synchronized Optional<Path> forClassPath(String classPath) {
        if ("0".equals(System.getenv("MXRAY_CDS")) || unsupported(classPath).isPresent()) {
            return Optional.empty();
        }
        Path first = Path.of(classPath.split(File.pathSeparator)[0]).toAbsolutePath();
        Path dir = first.getParent();
        if (dir == null || !Files.isWritable(dir)) {
            return Optional.empty();
        }
        Path archive = dir.resolve("mxray-cds-" + digest(classPath) + ".jsa");
        if (FAILED.contains(archive)) {
            return Optional.empty();
        }
        if (Files.isRegularFile(archive)) {
            return Optional.of(archive);
        }
        try (var old = Files.newDirectoryStream(dir, "mxray-cds-*.jsa")) {
            for (Path o : old) {
                Files.deleteIfExists(o);
            }
            long t0 = System.nanoTime();
            dump(Path.of(System.getProperty("java.home")), classPath, archive);
            LOG.info("class-data archive {} made in {} s", archive, String.format(Locale.ROOT, "%.1f",
                    (System.nanoTime() - t0) / 1e9));
            return Optional.of(archive);
        } catch (IOException e) {
            FAILED.add(archive);
            LOG.warn("no class-data archive; processes load their classes from the jars: {}", e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** A digest of the JDK build and of every jar the class path reaches: its path, size and time. */
    static String digest(String classPath) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            StringBuilder what = new StringBuilder(System.getProperty("java.home")).append('\n')
                    .append(System.getProperty("java.vm.version")).append('\n');
            for (Path jar : jars(classPath)) {
                what.append(jar).append(' ');
                if (Files.isRegularFile(jar)) {
                    what.append(Files.size(jar)).append(' ').append(Files.getLastModifiedTime(jar).toMillis());
                }
                what.append('\n');
            }
            return HexFormat.of().formatHex(md.digest(what.toString().getBytes(StandardCharsets.UTF_8)), 0, 8);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The class path's jars and, after each, those its manifest's Class-Path names (one level, as the JVM reads them). */
    static List<Path> jars(String classPath) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path jar = Path.of(entry).toAbsolutePath();
            out.add(jar);
            if (!Files.isRegularFile(jar)) {
                continue;
            }
            try (JarFile f = new JarFile(jar.toFile())) {
                Manifest m = f.getManifest();
                String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
                if (cp != null) {
                    for (String rel : cp.trim().split("\\s+")) {
                        out.add(jar.getParent().resolve(rel).normalize());
                    }
                }
            }
        }
        return out;
    }

    /** The class list, one class name per line (the form both JDK 17 and JDK 25 read). */
    static void writeClassList(Path to) throws IOException {
        try (InputStream in = ClassDataArchive.class.getResourceAsStream(CLASS_LIST)) {
            if (in == null) {
                throw new IOException("no " + CLASS_LIST + " beside " + ClassDataArchive.class.getName());
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                 BufferedWriter w = Files.newBufferedWriter(to, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    String name = line.strip();
                    if (!name.isEmpty() && !name.startsWith("#") && name.indexOf(' ') < 0) {
                        w.write(name);
                        w.newLine();
                    }
                }
            }
        }
    }

    /** The last lines of a tool's output, for an error message. */
    private static String tail(String text) {
        String t = text.strip();
        return t.length() <= 2_000 ? t : "..." + t.substring(t.length() - 2_000);
    }
}
