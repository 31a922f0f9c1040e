package dev.capsule.bench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The machine a run happened on, so that figures are never read without it. */
public record Machine(String date, int cores, String cpu, long memoryMiB, String loadAtStart, String java) {

    public static Machine current() {
        return new Machine(
                OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME).replaceAll("\\.\\d+", ""),
                Runtime.getRuntime().availableProcessors(),
                field("/proc/cpuinfo", "model name"),
                kib(field("/proc/meminfo", "MemTotal")) / 1024,
                read("/proc/loadavg"),
                System.getProperty("java.vm.name") + " " + Runtime.version());
    }

    private static String field(String file, String name) {
        for (String line : read(file).split("\n")) {
            if (line.startsWith(name)) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return "unknown";
    }

    private static long kib(String value) {
        try {
            return Long.parseLong(value.replaceAll("[^0-9]", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
