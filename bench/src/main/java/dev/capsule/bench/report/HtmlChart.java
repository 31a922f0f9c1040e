package dev.capsule.bench.report;

import dev.capsule.bench.measure.Counts;
import dev.capsule.bench.measure.StepResult;
import dev.capsule.bench.measure.Summary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Latency against offered load, for Capsule and both baselines, as one HTML file with an inline
 * SVG: no script, no stylesheet or font from elsewhere, so it opens anywhere, offline, as it is.
 * Both axes are logarithmic: the baselines run ten times faster and answer a hundred times sooner.
 */
public final class HtmlChart {

    private static final int W = 860, H = 480, LEFT = 70, RIGHT = 200, TOP = 20, BOTTOM = 50;

    private record Series(String name, String color, boolean dashed, List<StepResult> steps,
                          ToDoubleFunction<StepResult> value) {
    }

    private final double xMin, xMax, yMin, yMax;

    private HtmlChart(Report r) {
        List<StepResult> all = new ArrayList<>(r.capsule());
        all.addAll(r.baselineA());
        all.addAll(r.baselineB());
        double lo = all.stream().mapToDouble(StepResult::offered).min().orElse(100);
        double hi = all.stream().mapToDouble(StepResult::offered).max().orElse(10000);
        // The streams workload plots the gap between a stream's updates; the others, the first reply.
        ToDoubleFunction<StepResult> p99 = r.streams() ? s -> lat(s, "chunkGap") : s -> s.firstReply().p99();
        ToDoubleFunction<StepResult> p50 = r.streams() ? s -> s.latencies().getOrDefault("chunkGap", Summary.EMPTY).p50()
                : s -> s.firstReply().p50();
        double top = all.stream().mapToDouble(p99).filter(v -> !Double.isNaN(v)).max().orElse(1000);
        double bottom = all.stream().mapToDouble(p50).filter(v -> !Double.isNaN(v) && v > 0).min().orElse(1);
        xMin = Math.pow(10, Math.floor(Math.log10(lo)));
        xMax = Math.pow(10, Math.ceil(Math.log10(Math.max(hi, r.streams() ? Report.TARGET_STREAMS * 10 : 10000))));
        yMin = Math.pow(10, Math.floor(Math.log10(Math.min(bottom, 1))));
        yMax = Math.pow(10, Math.ceil(Math.log10(Math.max(top, 1000))));
    }

    public static void write(Report r, Path file) throws IOException {
        Files.writeString(file, new HtmlChart(r).html(r));
    }

    private String html(Report r) {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Capsule bench ").append(esc(r.machine().date()))
                .append("</title><style>body{font:14px sans-serif;margin:24px;color:#222}table{border-collapse:collapse}")
                .append("td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}th{background:#f4f4f4}")
                .append("td:first-child,th:first-child{text-align:left}.miss{color:#b00}.pass{color:#070}</style></head><body>");
        h.append(r.streams() ? "<h1>Capsule bench: gap between a stream's updates against concurrent streams</h1>"
                : "<h1>Capsule bench: latency against offered load</h1>");
        h.append("<p>").append(esc(r.machine().date())).append(" · ").append(r.machine().cores()).append(" cores (")
                .append(esc(r.machine().cpu())).append("), ").append(r.machine().memoryMiB() / 1024).append(" GiB · load at start ")
                .append(esc(r.machine().loadAtStart())).append(" · profile ").append(esc(r.profile())).append(", seed ")
                .append(r.seed()).append("<br>").append(esc(r.workload())).append("</p>");
        h.append(svg(r));
        h.append("<h2>Targets</h2><table><tr><th>target</th><th>verdict</th><th>figures</th></tr>");
        for (Verdict v : r.targets()) {
            h.append("<tr><td>").append(esc(v.target())).append("</td><td class=\"")
                    .append(Boolean.TRUE.equals(v.pass()) ? "pass" : "miss").append("\">").append(v.word())
                    .append("</td><td>").append(esc(v.detail())).append("</td></tr>");
        }
        h.append("</table><h2>Steps</h2><table><tr><th>system</th>")
                .append(r.streams() ? "<th>concurrent streams</th><th>streams whole</th>" : "<th>offered msg/s</th><th>achieved msg/s</th>")
                .append("<th>p50 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>turn end p99</th><th>first chunk p99</th>")
                .append("<th>chunk gap p99</th><th>persistence p50 / p99</th><th>lost / dup / ooo / late / failed / errors</th></tr>");
        for (List<StepResult> list : List.of(r.baselineA(), r.baselineB(), r.capsule())) {
            for (StepResult s : list) {
                Summary f = s.firstReply();
                Counts c = s.counts();
                Summary p = s.latencies().getOrDefault("persistenceLag", Summary.EMPTY);
                h.append("<tr><td>").append(s.system()).append(s.broken() ? " (past ceiling)" : "").append("</td><td>")
                        .append(s.offered()).append("</td><td>").append(String.format(Locale.ROOT, "%.0f", s.achieved()))
                        .append("</td><td>").append(ConsoleReport.ms(f.p50())).append("</td><td>").append(ConsoleReport.ms(f.p99()))
                        .append("</td><td>").append(ConsoleReport.ms(f.p999())).append("</td><td>").append(cell(s, "turnEnd"))
                        .append("</td><td>").append(cell(s, "firstChunk")).append("</td><td>").append(cell(s, "chunkGap"))
                        .append("</td><td>").append(ConsoleReport.ms(p.p50())).append(" / ").append(ConsoleReport.ms(p.p99()))
                        .append("</td><td>").append(c.lostAll()).append(" / ").append(c.duplicatedAll()).append(" / ")
                        .append(c.outOfOrderAll()).append(" / ").append(c.late()).append(" / ").append(c.failed())
                        .append(" / ").append(c.errors()).append("</td></tr>");
            }
        }
        h.append("</table></body></html>\n");
        return h.toString();
    }

    private String svg(Report r) {
        if (r.streams()) {
            return svg(List.of(
                    new Series("Capsule update gap p99", "#d62728", false, r.capsule(), s -> lat(s, "chunkGap")),
                    new Series("Capsule update gap p50", "#d62728", true, r.capsule(),
                            s -> s.latencies().getOrDefault("chunkGap", Summary.EMPTY).p50()),
                    new Series("Capsule first chunk p99", "#c49c94", false, r.capsule(), s -> lat(s, "firstChunk"))),
                    "concurrent streams", "gap between a stream's updates, ms (at the client)",
                    Report.TARGET_STREAMS, Report.TARGET_STREAM_GAP_P99, "target: gap p99 ≤ 100 ms at ≥ 1,000 streams", false);
        }
        List<Series> series = List.of(
                new Series("Capsule p99", "#d62728", false, r.capsule(), s -> s.firstReply().p99()),
                new Series("Capsule p50", "#d62728", true, r.capsule(), s -> s.firstReply().p50()),
                new Series("Capsule p99 HTTP", "#ff9896", false, r.capsule(), s -> lat(s, "firstReply.http")),
                new Series("Capsule p99 chat socket", "#c49c94", false, r.capsule(), s -> lat(s, "firstReply.ws")),
                new Series("(b) Kafka+Redis p99", "#2ca02c", false, r.baselineB(), s -> s.firstReply().p99()),
                new Series("(b) Kafka+Redis p50", "#2ca02c", true, r.baselineB(), s -> s.firstReply().p50()),
                new Series("(a) Kafka p99", "#1f77b4", false, r.baselineA(), s -> s.firstReply().p99()),
                new Series("(a) Kafka p50", "#1f77b4", true, r.baselineA(), s -> s.firstReply().p50()));
        return svg(series, "offered load, msg/s", "first reply latency, ms (from the scheduled send)",
                Report.TARGET_SUSTAINED, 100, "target: p99 ≤ 100 ms from 5,000 msg/s", true);
    }

    /**
     * The chart of {@code series}; a dotted corner marks the target {@code targetY} ms from {@code targetX}
     * on, and {@code rateTarget} adds the mix's mark of p99 ≤ 25 ms at 1,000 msg/s.
     */
    private String svg(List<Series> series, String xLabel, String yLabel, double targetX, double targetY, String targetLabel,
                       boolean rateTarget) {
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" font-size=\"12\" font-family=\"sans-serif\">");
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>",
                LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM));
        for (double x = xMin; x <= xMax * 1.001; x *= 10) {
            for (int m = 1; m < 10 && x * m <= xMax * 1.001; m++) {
                double px = px(x * m);
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>",
                        px, TOP, px, H - BOTTOM, m == 1 ? "#ccc" : "#f0f0f0"));
                if (m == 1 || m == 2 || m == 5) {
                    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                            px, H - BOTTOM + 16, fmt(x * m)));
                }
            }
        }
        for (double y = yMin; y <= yMax * 1.001; y *= 10) {
            double py = py(y);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ccc\"/>",
                    LEFT, py, W - RIGHT, py));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 6, py + 4, fmt(y)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                (LEFT + W - RIGHT) / 2, H - 12, esc(xLabel)));
        s.append(String.format(Locale.ROOT, "<text transform=\"translate(16,%d) rotate(-90)\" text-anchor=\"middle\">"
                + "%s</text>", (TOP + H - BOTTOM) / 2, esc(yLabel)));
        // The targets: p99 ≤ targetY from targetX on; in the mix, also p99 ≤ 25 ms at 1,000 msg/s.
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"2,3\"/>",
                px(targetX), py(targetY), W - RIGHT, py(targetY)));
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\" stroke-dasharray=\"2,3\"/>",
                px(targetX), py(targetY), px(targetX), H - BOTTOM));
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#555\">%s</text>",
                px(targetX) + 4, py(targetY) - 4, esc(targetLabel)));
        if (rateTarget) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"none\" stroke=\"#555\"/>"
                            + "<text x=\"%.1f\" y=\"%.1f\" fill=\"#555\">target: p99 ≤ 25 ms at 1,000 msg/s</text>",
                    px(Report.TARGET_RATE) - 4, py(Report.TARGET_P99_AT_RATE) - 4, px(Report.TARGET_RATE) + 8, py(Report.TARGET_P99_AT_RATE) - 8));
        }
        int legendY = TOP + 10;
        for (Series line : series) {
            StringBuilder points = new StringBuilder();
            for (StepResult step : line.steps()) {
                double v = line.value().applyAsDouble(step);
                if (Double.isNaN(v) || v <= 0) {
                    continue;
                }
                double x = px(step.offered()), y = py(Math.min(Math.max(v, yMin), yMax));
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" stroke=\"%s\" fill=\"%s\"><title>%s at %d %s: %s ms</title></circle>",
                        x, y, line.color(), step.broken() ? "white" : line.color(), esc(line.name()), step.offered(),
                        esc(xLabel.substring(xLabel.lastIndexOf(' ') + 1)), ConsoleReport.ms(v)));
            }
            s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>",
                    points, line.color(), line.dashed() ? " stroke-dasharray=\"6,4\"" : ""));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>"
                            + "<text x=\"%d\" y=\"%d\">%s</text>", W - RIGHT + 10, legendY, W - RIGHT + 34, legendY, line.color(),
                    line.dashed() ? " stroke-dasharray=\"6,4\"" : "", W - RIGHT + 40, legendY + 4, esc(line.name())));
            legendY += 18;
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\">hollow: past the ceiling</text>",
                W - RIGHT + 10, legendY + 8));
        s.append("</svg>");
        return s.toString();
    }

    private double px(double rate) {
        return LEFT + (W - LEFT - RIGHT) * (Math.log10(rate) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin));
    }

    private double py(double ms) {
        return H - BOTTOM - (H - TOP - BOTTOM) * (Math.log10(ms) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin));
    }

    private static double lat(StepResult s, String name) {
        return s.latencies().getOrDefault(name, Summary.EMPTY).p99();
    }

    private static String cell(StepResult s, String name) {
        return ConsoleReport.ms(lat(s, name));
    }

    private static String fmt(double v) {
        return v >= 1 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%s", v);
    }

    private static String esc(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
