package dev.capsule.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/**
 * Finds the Redis and PostgreSQL server programs that {@code ./capsule test} installs from
 * Debian's packages, or that {@code CAPSULE_REDIS_BIN} / {@code CAPSULE_PG_BIN} point at.
 */
final class ServerBinaries {

    private ServerBinaries() {
    }

    static Path redisServer() {
        String dir = System.getenv("CAPSULE_REDIS_BIN");
        Optional<Path> found = dir != null ? executable(Path.of(dir, "redis-server")) : onPath("redis-server");
        return found.orElseThrow(() -> new IllegalStateException(
                "redis-server not found: run the tests with ./capsule test (it installs Debian's redis-server), "
                        + "or set CAPSULE_REDIS_BIN to the folder holding redis-server"));
    }

    /** The folder holding initdb and postgres. */
    static Path postgresBin() {
        String dir = System.getenv("CAPSULE_PG_BIN");
        if (dir != null) {
            return executable(Path.of(dir, "initdb")).map(Path::getParent).orElseThrow(() ->
                    new IllegalStateException("CAPSULE_PG_BIN=" + dir + " holds no initdb"));
        }
        File[] versions = new File("/usr/lib/postgresql").listFiles();
        if (versions != null) {
            Optional<Path> newest = Arrays.stream(versions)
                    .filter(v -> new File(v, "bin/initdb").canExecute())
                    .max(Comparator.comparingInt(v -> parseOrZero(v.getName())))
                    .map(v -> v.toPath().resolve("bin"));
            if (newest.isPresent()) {
                return newest.get();
            }
        }
        return onPath("initdb").map(Path::getParent).orElseThrow(() -> new IllegalStateException(
                "PostgreSQL's initdb not found: run the tests with ./capsule test (it installs Debian's postgresql), "
                        + "or set CAPSULE_PG_BIN to the folder holding initdb and postgres"));
    }

    private static int parseOrZero(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Optional<Path> onPath(String name) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                // Not resolved to its real path: redis-server is a link to a binary that picks its role by name.
                .findFirst();
    }

    private static Optional<Path> executable(Path p) {
        return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
}
