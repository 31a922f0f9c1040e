package dev.capsule.bench.chaos;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.bench.Settings;
import dev.capsule.bench.StackHealth;
import dev.capsule.events.EventCodec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * {@code ./capsule chaos [--only NAME,…] [--list] [--sessions N]}: runs the fault scenarios one
 * after another against the stack {@code ./capsule up} started, each under a steady load of
 * conversations, and prints a row per scenario: messages sent, answered, lost, duplicated and
 * reordered, and the time the stack took to answer as before. A row passes with nothing lost,
 * doubled or reordered, every service ready again and answering, without a hand on it.
 * The command exits 1 when a row does not pass.
 */
public final class ChaosMain {

    /** Load before the fault, so that it lands among turns in flight. */
    private static final Duration BEFORE = Duration.ofSeconds(10);
    /** Load after the repair, so that recovery shows in answers to new messages. */
    private static final Duration AFTER = Duration.ofSeconds(20);
    /** How long messages still waiting to be accepted when the load stops are sent again. */
    private static final Duration DRAIN = Duration.ofSeconds(120);
    /** How long the read model may take to show what was answered. */
    private static final Duration FOLD_WAIT = Duration.ofSeconds(60);
    /** Telegram conversations beside the web load, in the scenarios that have them. */
    private static final int TELEGRAM_CHATS = 5;
    /** How long every service may take to report ready after the repair. */
    private static final Duration READY_WAIT = Duration.ofSeconds(120);

    private ChaosMain() {
    }

    public static void main(String[] args) throws Exception {
        Set<String> only = null;
        int sessions = 20;
        List<Scenario> known = Scenario.all();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--only" -> only = new LinkedHashSet<>(List.of(args[++i].split(",")));
                case "--sessions" -> sessions = Integer.parseInt(args[++i]);
                case "--list" -> {
                    known.forEach(s -> System.out.printf("  %-22s %s%n", s.name(), s.what()));
                    return;
                }
                default -> {
                    System.err.println("usage: ./capsule chaos [--only NAME,…] [--list] [--sessions N]   (unknown: " + args[i] + ")");
                    System.exit(2);
                }
            }
        }
        List<Scenario> chosen = known;
        if (only != null) {
            Set<String> names = known.stream().map(Scenario::name).collect(Collectors.toSet());
            List<String> unknown = only.stream().filter(n -> !names.contains(n)).toList();
            if (!unknown.isEmpty()) {
                System.err.println("./capsule chaos: no scenario " + unknown + "; ./capsule chaos --list shows them");
                System.exit(2);
            }
            Set<String> wanted = only;
            chosen = known.stream().filter(s -> wanted.contains(s.name())).toList();
        }

        Settings settings = Settings.fromEnvironment(System.getenv());
        Path capsule = Path.of(System.getenv().getOrDefault("CAPSULE_SCRIPT", "./capsule"));
        Path log = Path.of(System.getenv().getOrDefault("CAPSULE_CHAOS_LOG", settings.home().resolve("logs/chaos.log").toString()));
        Files.createDirectories(log.getParent());
        String runId = Long.toString(System.currentTimeMillis(), 36);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        Faults faults = new Faults(capsule, log);
        StackHealth health = new StackHealth(client, settings.servicePorts());
        HistoryAudit audit = new HistoryAudit(client, settings.gatewayHttp(), settings.token());

        System.out.printf("Capsule chaos, run %s: %d scenarios, %d conversations of steady load each, gateway %s (faults logged in %s)%n%n",
                runId, chosen.size(), sessions, settings.gatewayHttp(), log);
        System.out.printf("%-22s %6s %8s %5s %5s %5s %10s  %s%n", "scenario", "sent", "answered", "lost", "dup", "ooo",
                "recover s", "verdict");
        List<ChaosRow> rows = new ArrayList<>();
        for (Scenario scenario : chosen) {
            ChaosRow row = run(scenario, client, settings, runId, sessions, faults, health, audit);
            rows.add(row);
            System.out.printf("%-22s %6d %8d %5d %5d %5d %10s  %s%n", row.scenario(), row.sent(), row.answered(), row.lost(),
                    row.duplicated(), row.reordered(), row.recoverySeconds() < 0 ? "never" : String.format("%.1f", row.recoverySeconds()),
                    row.passed() ? "ok" : "FAIL: " + String.join("; ", row.problems()));
            row.details().forEach(d -> System.out.println("    " + d));
        }
        Path out = settings.home().resolve("chaos");
        Files.createDirectories(out);
        Path json = out.resolve("chaos-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".json");
        Files.writeString(json, report(runId, sessions, rows));
        long failed = rows.stream().filter(r -> !r.passed()).count();
        System.out.printf("%n%s; written: %s%n", failed == 0 ? "every scenario passed" : failed + " of " + rows.size()
                + " scenarios failed", json);
        System.exit(failed == 0 ? 0 : 1);
    }

    private static ChaosRow run(Scenario scenario, HttpClient client, Settings settings, String runId, int sessions,
                                Faults faults, StackHealth health, HistoryAudit audit) throws InterruptedException, IOException {
        // A second gateway replica listens 20 ports up (./capsule _fault start-replica gateway-service 2).
        List<String> gateways = scenario.gateways() == 1 ? List.of(settings.gatewayHttp())
                : List.of(settings.gatewayHttp(), "http://127.0.0.1:" + (settings.gatewayPort() + 20));
        ChaosLoad load = new ChaosLoad(client, gateways, settings.token(), runId, scenario.name(), sessions);
        List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
        Probes probes = new Probes(settings, client, problems);
        String liveSession = load.sessions().getFirst().id;
        try {
            scenario.setUp().run(faults, probes, liveSession);
        } catch (Exception e) {
            problems.add("the scenario could not be set up: " + e.getMessage());
        }
        TelegramChats telegram = scenario.telegram() ? new TelegramChats(client,
                "http://127.0.0.1:" + settings.servicePorts().get("channel-adapters") + "/channels/demo-telegram/webhook",
                telegramSecret(settings), System.getenv().getOrDefault("CAPSULE_FAKE_PROVIDERS_URL", "http://127.0.0.1:8090"),
                TELEGRAM_CHATS) : null;
        load.start();
        if (telegram != null) {
            telegram.start();
        }
        ChaosLoad.pause(BEFORE);
        long faultStart = System.nanoTime();
        try {
            scenario.fault().run(faults, probes, liveSession);
        } catch (Exception e) {
            problems.add("the fault could not be done or repaired: " + e.getMessage());
        }
        long repaired = System.nanoTime();
        ChaosLoad.pause(AFTER);
        if (faults.flooded != null) {
            // Before: past the load's first seconds, whose sessions are new and whose client is cold. During: the flood
            // and the 10 s after it, while the lane of the flooding session works through what was taken.
            // Past a floor of 50 ms, which the machine's own noise reaches: twice a tiny p99 is still fast.
            double before = load.p99Millis(load.startedAt() + Duration.ofSeconds(5).toNanos(), faultStart);
            double during = load.p99Millis(faultStart, repaired + Duration.ofSeconds(10).toNanos());
            double burst = load.p99Millis(faultStart, repaired);
            double after = load.p99Millis(repaired, repaired + Duration.ofSeconds(10).toNanos());
            System.out.printf("    the flood: %d streams taken, %d refused in %.1f s; the others' p99 %.0f ms before it, %.0f ms during it"
                            + " (%.0f ms while the requests came, %.0f ms in the 10 s after)%n",
                    faults.flooded[0], faults.flooded[1], (repaired - faultStart) / 1e9, before, during, burst, after);
            if (during > 2 * Math.max(before, 50)) {
                problems.add(String.format("the others' p99 went from %.0f ms to %.0f ms during the flood", before, during));
            }
            faults.flooded = null;
        }
        load.stop(DRAIN);
        if (telegram != null) {
            telegram.stop(DRAIN);
        }
        try {
            scenario.tearDown().run(faults, probes, liveSession);
        } catch (Exception e) {
            problems.add("the scenario could not be undone: " + e.getMessage());
        }
        HistoryAudit.Findings findings = audit.audit(load.sessions(), load.notePrefix(), FOLD_WAIT);
        long sent = load.sent();
        if (telegram != null) {
            HistoryAudit.Findings delivered;
            try {
                delivered = telegram.audit(FOLD_WAIT);
            } catch (IOException e) {
                delivered = new HistoryAudit.Findings(telegram.sent(), 0, 0, List.of("the fake Telegram API could not be read: " + e));
            }
            findings = findings.plus(delivered);
            sent += telegram.sent();
        }
        List<String> notReady = awaitReady(health);
        if (!notReady.isEmpty()) {
            problems.add("not ready: " + String.join(", ", notReady));
        }
        double recovery = load.recoverySeconds(faultStart, repaired);
        if (recovery < 0) {
            problems.add("no message sent after the repair was answered within "
                    + ChaosLoad.RECOVERED_WHEN_ANSWERED_WITHIN.toSeconds() + " s");
        }
        long refused = load.sessions().stream().flatMap(s -> s.messages.stream()).filter(m -> m.refusedWith != 0).count();
        if (refused > 0) {
            problems.add(refused + " messages refused for good");
        }
        if (load.failedTurns() > 0) {
            problems.add(load.failedTurns() + " turns failed");
        }
        long duplicated = findings.duplicated() + load.liveDuplicates();
        if (findings.lost() + duplicated + findings.reordered() > 0) {
            problems.add("lost, doubled or reordered messages");
        }
        List<String> details = new ArrayList<>(findings.details());
        details.addAll(load.anomalies());
        return new ChaosRow(scenario.name(), sent, load.answeredLive() + (telegram == null ? 0 : telegram.sent()), findings.lost(), duplicated,
                findings.reordered(), recovery, problems, details.stream().limit(12).toList());
    }

    /** The demo Telegram channel's webhook secret, which `./capsule up` made. */
    private static String telegramSecret(Settings settings) throws IOException {
        Path file = settings.home().resolve("channels/demo-telegram.webhook-secret");
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is missing: the demo channels are bound by ./capsule up");
        }
        return Files.readString(file).strip();
    }

    private static List<String> awaitReady(StackHealth health) throws InterruptedException {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        List<String> notReady = health.notReady();
        while (!notReady.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            notReady = health.notReady();
        }
        return notReady;
    }

    private static String report(String runId, int sessions, List<ChaosRow> rows) {
        ObjectNode root = EventCodec.mapper().createObjectNode().put("runId", runId).put("sessions", sessions);
        ArrayNode list = root.putArray("scenarios");
        for (ChaosRow r : rows) {
            ObjectNode o = list.addObject().put("scenario", r.scenario()).put("sent", r.sent()).put("answered", r.answered())
                    .put("lost", r.lost()).put("duplicated", r.duplicated()).put("reordered", r.reordered())
                    .put("recoverySeconds", r.recoverySeconds()).put("passed", r.passed());
            r.problems().forEach(o.putArray("problems")::add);
            r.details().forEach(o.putArray("details")::add);
        }
        return root.toPrettyString();
    }

    /** One scenario's outcome. */
    record ChaosRow(String scenario, long sent, long answered, long lost, long duplicated, long reordered,
                    double recoverySeconds, List<String> problems, List<String> details) {
        boolean passed() {
            return problems.isEmpty();
        }
    }
}
