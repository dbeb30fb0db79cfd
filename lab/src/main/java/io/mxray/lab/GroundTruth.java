package io.mxray.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mxray.schema.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The ground-truth file: JSON lines, one {@link ExpectedDomain} per lab domain. */
public final class GroundTruth {
    private GroundTruth() {
    }

    public static void write(Path file, List<ExpectedDomain> domains) {
        ObjectMapper mapper = Json.mapper();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (ExpectedDomain d : domains) {
                w.write(mapper.writeValueAsString(d));
                w.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ground truth to " + file, e);
        }
    }

    public static List<ExpectedDomain> read(Path file) {
        ObjectMapper mapper = Json.mapper();
        List<ExpectedDomain> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(mapper.readValue(line, ExpectedDomain.class));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ground truth from " + file, e);
        }
        return out;
    }
}
