package io.mxray.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mxray.lab.ReferenceTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment files say what the code does: docker-compose.yml is valid for Docker Compose
 * (checked by Compose itself, {@code docker compose config} or Debian's {@code docker-compose
 * config}: no engine needed) and the Kubernetes manifests under deploy/ are well-formed, complete
 * and consistent with the commands and the environment variables mxray reads.
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("..");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> STAGES = Set.of("scheduler", "dns-worker", "smtp-worker", "policy-worker", "aggregator",
            "wait");

    private static Set<String> variables() {
        return ConfigurationTest.environment().keySet();
    }

    private static List<String> compose(String... args) {
        boolean plugin = ReferenceTool.run(List.of("docker", "compose", "version"), null, 30).contains("version v");
        if (!plugin && !Files.isExecutable(Path.of("/usr/bin/docker-compose"))) {
            ReferenceTool.unavailable("neither `docker compose` nor docker-compose is installed "
                    + "(apt-get install docker-compose): Compose must validate docker-compose.yml");
        }
        List<String> cmd = new ArrayList<>(plugin ? List.of("docker", "compose") : List.of("docker-compose"));
        // the password comes from the environment (an operator's .env): here a value only this test knows
        Path env;
        try {
            env = Files.createTempFile("compose", ".env");
            Files.writeString(env, "MXRAY_DB_PASSWORD=" + PASSWORD + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        cmd.addAll(List.of("--env-file", env.toString()));
        cmd.addAll(List.of("--project-directory", ROOT.toString(), "-f", ROOT.resolve("docker-compose.yml").toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static final String PASSWORD = "from-the-environment-" + System.nanoTime();

    /**
     * Secrets and the opt-out list: the database password comes from the environment, never from
     * the file; the workers that talk to the Internet get no database credentials; the SMTP
     * workers and the scheduler read a mounted opt-out list.
     */
    @Test
    void composeTakesThePasswordFromTheEnvironmentAndMountsTheOptOutList() throws Exception {
        String file = Files.readString(ROOT.resolve("docker-compose.yml"));
        assertFalse(file.matches("(?s).*(POSTGRES_PASSWORD|MXRAY_DB_PASSWORD): *[\"']?[a-zA-Z0-9]+[\"']?\\s*\n.*"),
                "a literal password in docker-compose.yml");
        JsonNode services = YAML.readTree(ReferenceTool.run(compose("config"), null, 60)).get("services");
        assertEquals(PASSWORD, services.at("/postgres/environment/POSTGRES_PASSWORD").asText());
        assertEquals(PASSWORD, services.at("/aggregator/environment/MXRAY_DB_PASSWORD").asText());
        for (String worker : List.of("dns-worker", "smtp-worker", "policy-worker", "scheduler")) {
            assertTrue(services.get(worker).at("/environment/MXRAY_DB_PASSWORD").isMissingNode(), worker);
            assertTrue(services.get(worker).at("/environment/MXRAY_DB").isMissingNode(), worker);
        }
        for (String reader : List.of("smtp-worker", "policy-worker", "scheduler")) {
            String path = services.get(reader).at("/environment/MXRAY_OPT_OUT").asText();
            assertEquals("/etc/mxray/opt-out.txt", path, reader);
            assertTrue(services.get(reader).path("volumes").toString().contains(path), reader + " mounts it");
        }
        // the list shipped is one mxray reads
        io.mxray.runtime.OptOut.read(ROOT.resolve("deploy/opt-out.txt"));
    }

    @Test
    void composeAcceptsTheFileAndItRunsEveryStageScalably() throws Exception {
        List<String> cmd = compose("config");
        String out = ReferenceTool.run(cmd, null, 60);
        JsonNode config = YAML.readTree(out);
        assertNotNull(config.get("services"), cmd + " said:\n" + out);
        JsonNode services = config.get("services");
        // what the issue asks for: Kafka in KRaft mode from the official image, PostgreSQL, Unbound
        JsonNode kafka = services.get("kafka");
        assertTrue(kafka.get("image").asText().startsWith("apache/kafka:"), kafka.toString());
        assertTrue(kafka.at("/environment/KAFKA_PROCESS_ROLES").asText().contains("controller"), "KRaft");
        assertTrue(services.get("postgres").get("image").asText().startsWith("postgres:"));
        assertTrue(services.get("unbound").get("image").asText().contains("unbound"));
        Set<String> known = variables();
        for (String stage : STAGES) {
            JsonNode s = services.get(stage);
            assertNotNull(s, "service " + stage);
            assertNotNull(s.get("build"), stage + " is built from the project");
            // --scale needs services without fixed names or host ports
            assertFalse(s.has("container_name"), stage);
            assertFalse(s.has("ports"), stage);
            for (Iterator<String> it = s.path("environment").fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (name.startsWith("MXRAY_")) {
                    assertTrue(known.contains(name), stage + " sets " + name + ", which no option reads");
                }
            }
        }
        for (String worker : List.of("dns-worker", "smtp-worker", "policy-worker", "aggregator")) {
            assertEquals("kafka:9092", services.get(worker).at("/environment/MXRAY_KAFKA").asText(), worker);
            assertEquals("9400", services.get(worker).at("/environment/MXRAY_METRICS_PORT").asText(), worker);
        }
        assertEquals("unbound:53", services.get("dns-worker").at("/environment/MXRAY_RESOLVER").asText());
        assertTrue(services.get("aggregator").at("/environment/MXRAY_DB").asText().startsWith("jdbc:postgresql://"));
        // the command Compose would run to scale out: it must accept the file and the service
        String scaled = ReferenceTool.run(compose("config", "--services"), null, 60);
        assertTrue(scaled.lines().anyMatch("smtp-worker"::equals), scaled);
    }

    private static List<JsonNode> documents(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    out.add(doc);
                }
            }
        }
        return out;
    }

    private static long mebibytes(String quantity) {
        assertTrue(quantity.matches("\\d+(Mi|Gi)"), "memory quantity " + quantity);
        long n = Long.parseLong(quantity.replaceAll("\\D", ""));
        return quantity.endsWith("Gi") ? n * 1024 : n;
    }

    @Test
    void theKubernetesManifestsAreCompleteAndConsistent() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(ROOT.resolve("deploy"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 6, files.toString());
        List<JsonNode> docs = new ArrayList<>();
        for (Path f : files) {
            for (JsonNode d : documents(f)) {
                for (String field : List.of("apiVersion", "kind", "metadata")) {
                    assertTrue(d.hasNonNull(field), f + ": no " + field);
                }
                assertTrue(d.at("/metadata/name").isTextual() || d.at("/metadata/generateName").isTextual(),
                        f + ": no name");
                docs.add(d);
            }
        }
        Set<String> configMaps = new HashSet<>();
        Set<String> known = variables();
        for (JsonNode d : docs) {
            if (d.get("kind").asText().equals("ConfigMap")) {
                configMaps.add(d.at("/metadata/name").asText());
                for (Iterator<String> it = d.path("data").fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    assertTrue(!name.startsWith("MXRAY_") || known.contains(name), name + " is read by no option");
                }
            }
        }
        Set<String> deployed = new HashSet<>();
        for (JsonNode d : docs) {
            String kind = d.get("kind").asText();
            if (!kind.equals("Deployment") && !kind.equals("Job") && !kind.equals("CronJob")) {
                continue;
            }
            String name = d.at("/metadata/name").asText(d.at("/metadata/generateName").asText());
            JsonNode pod = kind.equals("CronJob") ? d.at("/spec/jobTemplate/spec/template/spec") : d.at("/spec/template/spec");
            if (kind.equals("Deployment")) {
                JsonNode labels = d.at("/spec/template/metadata/labels");
                for (Iterator<Map.Entry<String, JsonNode>> it = d.at("/spec/selector/matchLabels").fields(); it.hasNext(); ) {
                    var e = it.next();
                    assertEquals(e.getValue(), labels.get(e.getKey()), name + ": selector matches the pods");
                }
                // a stopping worker finishes its batch (up to 60 s) before it is killed
                assertTrue(pod.path("terminationGracePeriodSeconds").asInt() >= 70, name + " grace period");
            }
            for (JsonNode c : pod.path("containers")) {
                assertFalse(c.path("image").asText().isBlank(), name + " image");
                String command = c.at("/args/0").asText();
                // the stages, and prune: the CronJob that drops old scans
                assertTrue(STAGES.contains(command) || command.equals("prune"), name + " runs " + command);
                deployed.add(command);
                assertTrue(c.at("/resources/requests/cpu").isTextual(), name + " cpu request");
                long request = mebibytes(c.at("/resources/requests/memory").asText());
                long limit = mebibytes(c.at("/resources/limits/memory").asText());
                assertTrue(request > 0 && limit >= request, name + " memory");
                for (JsonNode from : c.path("envFrom")) {
                    if (from.has("configMapRef")) {
                        assertTrue(configMaps.contains(from.at("/configMapRef/name").asText()), name + " config map");
                    }
                }
                for (JsonNode env : c.path("env")) {
                    String var = env.get("name").asText();
                    assertTrue(!var.startsWith("MXRAY_") || known.contains(var), name + " sets unknown " + var);
                }
                boolean secret = c.path("envFrom").toString().contains("secretRef");
                // only the aggregator and prune write to the database: the pods that talk to the Internet hold no credentials
                assertEquals(command.equals("aggregator") || command.equals("prune"), secret,
                        name + " and the database secret");
                if (command.equals("smtp-worker") || command.equals("policy-worker") || command.equals("scheduler")) {
                    boolean optOut = false;
                    for (JsonNode env : c.path("env")) {
                        optOut |= env.get("name").asText().equals("MXRAY_OPT_OUT");
                    }
                    assertTrue(optOut && c.path("volumeMounts").toString().contains("/etc/mxray"),
                            name + " reads a mounted opt-out list");
                }
                if (kind.equals("Deployment")) {
                    boolean metrics = false;
                    for (JsonNode port : c.path("ports")) {
                        metrics |= port.path("name").asText().equals("metrics") && port.path("containerPort").asInt() == 9400;
                    }
                    assertTrue(metrics, name + " exposes its metrics port");
                }
            }
        }
        assertEquals(Set.of("scheduler", "dns-worker", "smtp-worker", "policy-worker", "aggregator", "prune"), deployed);
    }
}
