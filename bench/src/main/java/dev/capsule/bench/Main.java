package dev.capsule.bench;

import dev.capsule.bench.load.Mix;
import dev.capsule.bench.profile.CpuProfiler;
import dev.capsule.bench.report.ConsoleReport;
import dev.capsule.bench.report.HtmlChart;
import dev.capsule.bench.report.JsonReport;
import dev.capsule.bench.report.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * {@code ./capsule bench [--quick] [--seed N] [--out DIR] [--only …] [--workload mix|plain|streams] [--no-profile]}: runs the benchmark
 * against the stack {@code ./capsule up} started, prints the table, the ratios, the targets and
 * where the CPU went (a profile of each JVM during Capsule's measured steps), and writes the
 * report as JSON and as an HTML chart, with a flame graph per JVM beside them. Missed targets do not fail the command: they are findings.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        long seed = 7;
        Path out = null;
        Set<String> only = Set.of("generator", "baseline-a", "baseline-b", "capsule");
        boolean cpuProfile = true;
        Mix mix = Mix.MIXED;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--full" -> quick = false;
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = Set.of(args[++i].split(","));
                case "--no-profile" -> cpuProfile = false;
                case "--workload" -> {
                    try {
                        mix = Mix.named(args[++i]);
                    } catch (IllegalArgumentException e) {
                        System.err.println("./capsule bench: " + e.getMessage());
                        System.exit(2);
                    }
                }
                default -> {
                    System.err.println("usage: ./capsule bench [--quick|--full] [--seed N] [--out DIR] [--only generator,baseline-a,baseline-b,capsule] [--workload mix|plain|streams] [--no-profile]   (unknown: " + args[i] + ")");
                    System.exit(2);
                }
            }
        }
        // The streams workload counts concurrent streams, not messages per second: a ladder of its own.
        Profile profile = mix == Mix.STREAMS ? Profile.streams(quick) : quick ? Profile.quick() : Profile.full();
        Settings settings = Settings.fromEnvironment(System.getenv());
        if (out == null) {
            out = settings.home().resolve("bench");
        }
        String runId = Long.toString(System.currentTimeMillis(), 36);
        ConsoleReport console = new ConsoleReport(System.out);
        System.out.printf("Capsule bench, %s profile, %s workload, seed %d, run %s, gateway %s, Kafka %s, Redis :%d%n%n",
                profile.name(), mix.id(), seed, runId, settings.gatewayHttp(), settings.kafka(), settings.redisPort());
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        CpuProfiler profiler = cpuProfile ? CpuProfiler.prepare(out, "profile-" + stamp) : null;
        Report report = new BenchRun(settings, profile, seed, runId, only, mix, console, profiler).run();
        console.summary(report);

        Files.createDirectories(out);
        String name = "bench-" + profile.name() + (mix == Mix.MIXED ? "" : "-" + mix.id()) + "-" + stamp;
        Path json = out.resolve(name + ".json");
        Path html = out.resolve(name + ".html");
        JsonReport.write(report, json);
        HtmlChart.write(report, html);
        Files.copy(json, out.resolve("latest.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(html, out.resolve("latest.html"), StandardCopyOption.REPLACE_EXISTING);
        console.files(List.of(json.toString(), html.toString()));
        // Daemon threads and closed clients aside, Kafka's may linger: the run is over.
        System.exit(0);
    }
}
