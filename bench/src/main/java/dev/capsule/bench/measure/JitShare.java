package dev.capsule.bench.measure;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The share of the stack's JVMs' CPU (the broker's and the services'), or of the bench's own, that their JIT compilers took
 * since {@link #start}:
 * user plus system time of the threads named {@code C1 CompilerThread…} and {@code C2 CompilerThread…}, against all their
 * threads'. The bench warms up with its own mix until this is small, so that its measured steps run compiled code, as a
 * deployment does minutes after its start: the stack's own warm-up (HTTP messages only) leaves the paths of chat sockets
 * and streams to be compiled in the first measured steps, where they took a third of the services' samples.
 */
public final class JitShare {

    /** The processes of the stack that are not JVMs, and the bench, whose compiles are measured apart ({@link #ofThisProcess}). */
    private static final Set<String> NOT_THE_STACKS_JVMS = Set.of("redis", "postgres", "bench");

    /** Below this percent of a JVM's CPU over a warm-up step or round, its JIT compilers are taken as settled. */
    public static final int SETTLED_PERCENT = 10;

    private final List<Long> pids;
    private long[] start = {0, 0};

    private JitShare(List<Long> pids) {
        this.pids = pids;
    }

    /** This JVM alone: the load generator's check waits for its own compiles to settle (capsule/GeneratorCheck). */
    public static JitShare ofThisProcess() {
        return new JitShare(List.of(ProcessHandle.current().pid()));
    }

    /** The JVMs whose PID files {@code ./capsule up} wrote under {@code runDir}. */
    public static JitShare of(Path runDir) {
        return new JitShare(CpuSampler.pidsOf(runDir).entrySet().stream()
                .filter(e -> !NOT_THE_STACKS_JVMS.contains(e.getKey())).map(Map.Entry::getValue).toList());
    }

    public void start() {
        start = ticks();
    }

    /** Percent of the JVMs' CPU since {@link #start} that went to their JIT compilers; 100 when none was used. */
    public int percent() {
        long[] now = ticks();
        long all = now[0] - start[0];
        long compilers = now[1] - start[1];
        return all > 0 ? (int) (100 * compilers / all) : 100;
    }

    /** {all threads' ticks, compiler threads' ticks} over the JVMs. */
    private long[] ticks() {
        long all = 0;
        long compilers = 0;
        for (long pid : pids) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : tasks) {
                    String stat = Files.readString(task.resolve("stat"));
                    // "tid (name) state …": utime and stime are the 12th and 13th fields after the name.
                    int close = stat.lastIndexOf(") ");
                    String[] fields = stat.substring(close + 2).split(" ");
                    long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    all += used;
                    String name = stat.substring(stat.indexOf('(') + 1, close);
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        compilers += used;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // A JVM that is gone or a thread that ended between the listing and the read: the others still count.
            }
        }
        return new long[] {all, compilers};
    }
}
