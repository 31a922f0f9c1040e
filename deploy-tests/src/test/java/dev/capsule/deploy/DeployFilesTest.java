package dev.capsule.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * k8s/ renders with kustomize and every resource matches its schema; deploy/compose.yaml matches the Compose
 * specification. validate.mjs does the schema checks; the broken copies below show it refuses what a cluster
 * (or Compose) would.
 */
class DeployFilesTest {

    // Surefire runs in the module's folder; the files checked are at the reactor's root.
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path ROOT = MODULE.getParent();
    // Where ./capsule test's set-up (scripts/common.sh, ensure_deploy_tools_installed) puts them.
    private static final Path KUBECTL = MODULE.resolve("node_modules/.kubectl/kubectl/kubectl");
    private static final Path NODE_MODULES = MODULE.resolve("node_modules");

    @TempDir
    static Path work;

    @BeforeAll
    static void toolsInstalled() {
        assertTrue(Files.isExecutable(KUBECTL) && Files.isDirectory(NODE_MODULES.resolve("kubernetes-models")),
                "kubectl and the schemas are not installed in " + NODE_MODULES
                        + ": ./capsule test installs them (scripts/common.sh, ensure_deploy_tools_installed)");
    }

    @Test
    void theBaseRendersAndEveryResourceMatchesItsSchema() {
        String rendered = kustomize(ROOT.resolve("k8s/base"));
        Result check = validate("k8s", rendered);
        assertEquals(0, check.exit(), check.output());
        for (String kind : List.of("Deployment", "KafkaTopic", "ScaledObject", "PodMonitor", "NetworkPolicy")) {
            assertTrue(check.output().contains(" " + kind + " "), kind + " was not checked:\n" + check.output());
        }
        // The base applies no placeholder credentials: capsule-secrets comes from k8s/secrets or your own.
        assertFalse(Pattern.compile("(?m)^kind: Secret$").matcher(rendered).find(), rendered);
    }

    @Test
    void theSecretsOverlayMakesTheSecretEveryDeploymentReads() throws IOException {
        // A copy, so that the secrets.env it needs is never written into the work tree.
        Path copy = work.resolve("k8s-copy");
        copyTree(ROOT.resolve("k8s"), copy);
        Files.copy(copy.resolve("secrets/secrets.env.example"), copy.resolve("secrets/secrets.env"));
        String rendered = kustomize(copy.resolve("secrets"));
        Result check = validate("k8s", rendered);
        assertEquals(0, check.exit(), check.output());
        var names = Pattern.compile("(?m)^\\s+name: (capsule-secrets-\\w+)$").matcher(rendered).results()
                .map(m -> m.group(1)).toList();
        // The Secret itself and the envFrom of each of the four Deployments, all under the hashed name.
        assertEquals(5, names.size(), rendered);
        assertEquals(1, names.stream().distinct().count(), names.toString());
    }

    @Test
    void aResourceThatBreaksItsSchemaOrUsesAnApiVersionNoLongerServedFails() {
        String rendered = kustomize(ROOT.resolve("k8s/base"));

        Result badField = validate("k8s", rendered.replaceFirst("partitions: 6", "partitions: six"));
        assertNotEquals(0, badField.exit(), badField.output());
        assertTrue(badField.output().contains("KafkaTopic") && badField.output().contains("partitions"), badField.output());

        Result missingTrigger = validate("k8s", rendered.replaceFirst("(?m)^  triggers:$", "  triggerz:"));
        assertNotEquals(0, missingTrigger.exit(), missingTrigger.output());
        assertTrue(missingTrigger.output().contains("ScaledObject"), missingTrigger.output());

        Result oldStrimzi = validate("k8s", rendered.replace("kafka.strimzi.io/v1\n", "kafka.strimzi.io/v1beta2\n"));
        assertNotEquals(0, oldStrimzi.exit(), oldStrimzi.output());
        assertTrue(oldStrimzi.output().contains("kafka.strimzi.io/v1beta2 KafkaTopic"), oldStrimzi.output());
    }

    @Test
    void theComposeFileMatchesTheSpecificationAndABrokenOneDoesNot() throws IOException {
        String compose = Files.readString(ROOT.resolve("deploy/compose.yaml"));
        Result check = validate("compose", compose);
        assertEquals(0, check.exit(), check.output());

        Result broken = validate("compose", compose.replaceFirst("condition: service_healthy", "condition: healthy"));
        assertNotEquals(0, broken.exit(), broken.output());
        assertTrue(broken.output().contains("depends_on"), broken.output());
    }

    private static String kustomize(Path dir) {
        Result r = run(List.of(KUBECTL.toString(), "kustomize", dir.toString()));
        assertEquals(0, r.exit(), "kubectl kustomize " + dir + " failed:\n" + r.output());
        return r.output();
    }

    private static Result validate(String mode, String text) {
        try {
            Path file = Files.createTempFile(work, mode, ".yaml");
            Files.writeString(file, text);
            return run(List.of("node", MODULE.resolve("validate.mjs").toString(), mode, file.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).directory(MODULE.toFile())
                    .redirectErrorStream(true).start();
            // Read before waiting: a full pipe would stall the process.
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("secrets.env")) {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
