package dev.capsule.bench.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The faults, done by the scripts that started the stack ({@code ./capsule _fault}): only they know
 * which PID is which component and how to start one as {@code ./capsule up} did. Each call waits
 * until the fault is done (a process gone, a service ready again); what the scripts said goes to the log.
 */
final class Faults {

    private final Path capsule;
    private final Path log;

    Faults(Path capsule, Path log) {
        this.capsule = capsule;
        this.log = log;
    }

    /** kill -9 {@code component}, then start it again, as a supervisor would; returns once it is ready. */
    void crashAndRestart(String component) throws IOException, InterruptedException {
        run("kill", component);
        run("start", component);
    }

    /** Stops {@code component} (fast, not a crash), keeps it down for {@code down}, then starts it again. */
    void outage(String component, Duration down) throws IOException, InterruptedException {
        run("stop", component);
        ChaosLoad.pause(down);
        run("start", component);
    }

    /** What {@link #flood} found, for the row: the others' p99 before and during it is compared by the runner. */
    volatile int[] flooded;

    /** One session of its own floods the gateway (see {@link Probes#flood}). */
    void flood(Probes probes) throws Exception {
        flooded = probes.flood("chaos-flood-" + System.currentTimeMillis(), 500);
    }

    void run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(capsule.toString(), "_fault"));
        command.addAll(List.of(args));
        Files.writeString(log, Instant.now() + " ./capsule _fault " + String.join(" ", args) + System.lineSeparator(),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (p.waitFor() != 0) {
            throw new IOException("./capsule _fault " + String.join(" ", args) + " failed (exit " + p.exitValue()
                    + "); see " + log);
        }
    }
}
