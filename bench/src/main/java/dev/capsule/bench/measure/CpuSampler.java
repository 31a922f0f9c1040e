package dev.capsule.bench.measure;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU per process of the stack, from /proc: user plus system time of each PID that
 * {@code ./capsule up} wrote under {@code $CAPSULE_HOME/run}, and of its direct children
 * (PostgreSQL serves every connection from a child of its postmaster), plus the bench itself.
 * Reported as percent of one core over the sampled interval: on 2 cores, 200 is the machine.
 */
public final class CpuSampler {

    private final Path runDir;
    private final int clockTicks;
    private Map<String, Long> pids = Map.of();
    private Map<String, Long> startTicks = Map.of();
    private long startNanos;

    public CpuSampler(Path runDir, int clockTicks) {
        this.runDir = runDir;
        this.clockTicks = clockTicks;
    }

    public void start() {
        pids = pidsOf(runDir);
        startTicks = ticks();
        startNanos = System.nanoTime();
    }

    /** Percent of one core each process used since {@link #start}. */
    public Map<String, Double> stop() {
        Map<String, Long> end = ticks();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> percent = new LinkedHashMap<>();
        for (var e : end.entrySet()) {
            Long before = startTicks.get(e.getKey());
            if (before != null && seconds > 0) {
                percent.put(e.getKey(), Math.round(1000.0 * (e.getValue() - before) / clockTicks / seconds) / 10.0);
            }
        }
        return percent;
    }

    /** The PID of each process {@code ./capsule up} started, by name, and the bench's own as {@code bench}. */
    public static Map<String, Long> pidsOf(Path runDir) {
        Map<String, Long> found = new TreeMap<>();
        if (Files.isDirectory(runDir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(runDir, "*.pid")) {
                for (Path f : files) {
                    List<String> lines = Files.readAllLines(f);
                    if (!lines.isEmpty() && lines.get(0).strip().matches("\\d+")) {
                        found.put(f.getFileName().toString().replace(".pid", ""), Long.parseLong(lines.get(0).strip()));
                    }
                }
            } catch (IOException e) {
                // No PID files readable: no CPU figures for the stack, the rest of the run stands.
            }
        }
        found.put("bench", ProcessHandle.current().pid());
        return found;
    }

    private Map<String, Long> ticks() {
        Map<Long, long[]> all = allProcesses(); // pid -> {ppid, utime + stime}
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (var e : pids.entrySet()) {
            long pid = e.getValue();
            long[] self = all.get(pid);
            if (self == null) {
                continue;
            }
            long sum = self[1];
            for (var p : all.values()) {
                if (p[0] == pid) {
                    sum += p[1];
                }
            }
            ticks.put(e.getKey(), sum);
        }
        return ticks;
    }

    private static Map<Long, long[]> allProcesses() {
        Map<Long, long[]> all = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    // The command name (field 2) is in parentheses and may hold spaces: read past its last ')'.
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    all.put(Long.parseLong(p.getFileName().toString()),
                            new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12])});
                } catch (IOException | RuntimeException gone) {
                    // The process ended between listing and reading: it no longer counts.
                }
            }
        } catch (IOException e) {
            // No /proc (not Linux): no CPU figures.
        }
        return all;
    }
}
