package dev.capsule.bench.profile;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples where the JVMs of the stack spend their CPU while the Capsule steps run, with
 * async-profiler (from its Maven Central jar, attached to the running services: nothing to
 * install, nothing to restart). Each service leaves its stacks in collapsed form, which
 * {@link WhereTimeGoes} sums up, and an HTML flame graph beside the report.
 */
public final class CpuProfiler {

    /** The JVMs worth profiling: the four services and the broker. PostgreSQL and Redis are not JVMs. */
    public static final List<String> JVMS = List.of("gateway-service", "session-service", "channel-adapters",
            "persistence-service", "kafka");

    private static final String LIBRARY = "linux-x64/libasyncProfiler.so";

    private final Path library;
    private final Path out;
    private final String prefix;
    private final Map<String, Long> profiled = new LinkedHashMap<>();

    private CpuProfiler(Path library, Path out, String prefix) {
        this.library = library;
        this.out = out;
        this.prefix = prefix;
    }

    /**
     * A profiler ready to attach, or null (having said why) where async-profiler cannot run:
     * another OS or CPU, or its jar missing from the classpath.
     */
    public static CpuProfiler prepare(Path out, String prefix) {
        if (!"Linux".equals(System.getProperty("os.name")) || !"amd64".equals(System.getProperty("os.arch"))) {
            System.out.println("  (no CPU profile: async-profiler's library here is for Linux x64 only)");
            return null;
        }
        try (InputStream lib = CpuProfiler.class.getClassLoader().getResourceAsStream(LIBRARY)) {
            if (lib == null) {
                System.out.println("  (no CPU profile: async-profiler is not on the classpath; rebuild the bench module)");
                return null;
            }
            Files.createDirectories(out);
            Path copy = out.resolve("libasyncProfiler.so");
            Files.copy(lib, copy, StandardCopyOption.REPLACE_EXISTING);
            return new CpuProfiler(copy.toAbsolutePath(), out.toAbsolutePath(), prefix);
        } catch (IOException e) {
            System.out.println("  (no CPU profile: cannot unpack async-profiler: " + e.getMessage() + ")");
            return null;
        }
    }

    /** Starts sampling every JVM of {@code pids} (name to PID) that is one of {@link #JVMS}. */
    public void start(Map<String, Long> pids) {
        for (String name : JVMS) {
            Long pid = pids.get(name);
            if (pid == null) {
                continue;
            }
            try {
                // Every 5 ms of CPU: some thousands of samples per service per step, at a cost of about 1%.
                command(pid, "start,event=cpu,interval=5000000");
                profiled.put(name, pid);
            } catch (Exception e) {
                System.out.printf("  (no CPU profile of %s: %s)%n", name, e.getMessage());
            }
        }
    }

    /** Stops sampling; returns each service's collapsed stacks, and leaves a flame graph beside them. */
    public Map<String, Path> stop() {
        Map<String, Path> collapsed = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        for (var e : profiled.entrySet()) {
            Path stacks = out.resolve(prefix + "-" + e.getKey() + ".collapsed");
            Path flame = out.resolve(prefix + "-" + e.getKey() + ".html");
            try {
                command(e.getValue(), "dump,collapsed,file=" + stacks);
                command(e.getValue(), "stop,flamegraph,file=" + flame);
                collapsed.put(e.getKey(), stacks);
            } catch (Exception x) {
                failed.add(e.getKey() + " (" + x.getMessage() + ")");
            }
        }
        profiled.clear();
        if (!failed.isEmpty()) {
            System.out.println("  (CPU profile lost for " + String.join(", ", failed) + ")");
        }
        return collapsed;
    }

    // The Attach API, as async-profiler's own launcher does; jcmd would split its options at '='.
    private void command(long pid, String options) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            vm.loadAgentPath(library.toString(), options);
        } finally {
            vm.detach();
        }
    }
}
