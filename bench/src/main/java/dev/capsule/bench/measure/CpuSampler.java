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
 * Beside it, each process's thread switches (voluntary and not, over all its threads and its
 * children's), per second: where a hand-off between threads is dear, as under some hypervisors,
 * they tell where CPU goes that no profile shows as anyone's code.
 */
public final class CpuSampler {

    private final Path runDir;
    private final int clockTicks;
    private Map<String, Long> pids = Map.of();
    private Map<String, Long> startTicks = Map.of();
    private Map<String, Long> startSwitches = Map.of();
    private Map<String, Double> switchesPerSecond = Map.of();
    private long startNanos;

    public CpuSampler(Path runDir, int clockTicks) {
        this.runDir = runDir;
        this.clockTicks = clockTicks;
    }

    public void start() {
        pids = pidsOf(runDir);
        Map<Long, long[]> all = allProcesses();
        startTicks = ticks(all);
        startSwitches = switches(all);
        startNanos = System.nanoTime();
    }

    /** Percent of one core each process used since {@link #start}. */
    public Map<String, Double> stop() {
        Map<Long, long[]> all = allProcesses();
        Map<String, Long> end = ticks(all);
        Map<String, Long> endSwitches = switches(all);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> perSecond = new LinkedHashMap<>();
        for (var e : endSwitches.entrySet()) {
            Long before = startSwitches.get(e.getKey());
            if (before != null && seconds > 0) {
                perSecond.put(e.getKey(), (e.getValue() - before) / seconds);
            }
        }
        switchesPerSecond = perSecond;
        Map<String, Double> percent = new LinkedHashMap<>();
        for (var e : end.entrySet()) {
            Long before = startTicks.get(e.getKey());
            if (before != null && seconds > 0) {
                percent.put(e.getKey(), Math.round(1000.0 * (e.getValue() - before) / clockTicks / seconds) / 10.0);
            }
        }
        return percent;
    }

    /** Thread switches per second of each process over the interval {@link #stop} ended. */
    public Map<String, Double> switchesPerSecond() {
        return switchesPerSecond;
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

    /** {@code all}: pid to {ppid, utime + stime}, one scan of /proc shared with {@link #switches}. */
    private Map<String, Long> ticks(Map<Long, long[]> all) {
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

    private Map<String, Long> switches(Map<Long, long[]> all) {
        Map<String, Long> switches = new LinkedHashMap<>();
        for (var e : pids.entrySet()) {
            long pid = e.getValue();
            if (!all.containsKey(pid)) {
                continue;
            }
            long sum = threadSwitches(pid);
            for (var p : all.entrySet()) {
                if (p.getValue()[0] == pid) {
                    sum += threadSwitches(p.getKey());
                }
            }
            switches.put(e.getKey(), sum);
        }
        return switches;
    }

    /** Voluntary and involuntary context switches of every thread of {@code pid}. */
    private static long threadSwitches(long pid) {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // The thread ended between listing and reading: it no longer counts.
                }
            }
        } catch (IOException e) {
            // The process ended: it no longer counts.
        }
        return sum;
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
