package dev.capsule.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics that the Grafana dashboard and the alert rules in {@code deploy/monitoring} query, by the service that
 * serves each: a service's tests check, against its own {@code /q/metrics} after traffic, that every metric queried of it
 * is there ({@link #assertServed}), so that renaming a metric cannot leave a panel blank or an alert silent.
 * <p>
 * Each selector in the queries must name its service in the label {@code service} ({@code service="…"} or
 * {@code service=~"a|b"}): that is both how Prometheus tells the services apart (k8s/base/monitoring.yaml sets the label)
 * and how this knows whose test checks the metric. A query that reads a metric without naming it this way is refused.
 */
public final class MonitoringQueries {

    /** The services whose metrics the queries may name. */
    public static final Set<String> SERVICES = Set.of("gateway-service", "session-service", "channel-adapters",
            "persistence-service");

    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern SERVICE = Pattern.compile("service\\s*(=~?)\\s*\"([^\"]*)\"");
    /** What else a query may hold besides selectors: PromQL's functions, aggregations and keywords. */
    private static final Set<String> PROMQL = Set.of("sum", "max", "min", "avg", "count", "rate", "irate", "increase",
            "histogram_quantile", "by", "without", "on", "ignoring", "and", "or", "unless", "bool", "clamp_min", "topk");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)");
    private static final Pattern WORD = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    /** One metric a query reads, and the service its selector names. */
    public record Query(String file, String metric, String service) {
    }

    private MonitoringQueries() {
    }

    /** Every metric the dashboard and the alert rules query, with its service. */
    public static List<Query> all() {
        Path dir = directory();
        List<Query> queries = new ArrayList<>();
        try {
            ObjectMapper json = new ObjectMapper();
            for (JsonNode panel : json.readTree(dir.resolve("capsule-dashboard.json").toFile()).path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    queries.addAll(parse("capsule-dashboard.json: " + panel.path("title").asText(), target.path("expr").asText()));
                }
            }
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            for (JsonNode group : yaml.readTree(dir.resolve("alerts.yaml").toFile()).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    queries.addAll(parse("alerts.yaml: " + rule.path("alert").asText(), rule.path("expr").asText()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard and alert rules in " + dir, e);
        }
        if (queries.isEmpty()) {
            throw new IllegalStateException("no queries found in " + dir);
        }
        return queries;
    }

    /**
     * Fails, naming what is missing, when a metric the dashboard or the alert rules query of {@code service} is not in
     * {@code metrics}, the service's {@code /q/metrics} text.
     */
    public static void assertServed(String service, String metrics) {
        Set<String> served = new TreeSet<>();
        Matcher sample = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(metrics);
        while (sample.find()) {
            served.add(sample.group(1));
        }
        Set<String> missing = new TreeSet<>();
        for (Query query : all()) {
            if (query.service().equals(service) && !served.contains(query.metric())) {
                missing.add(query.metric() + " (" + query.file() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new AssertionError(service + " does not serve what deploy/monitoring queries of it: " + missing);
        }
    }

    /** The metrics {@code expr} reads, one per service its selector names; fails on a metric read without a service. */
    public static List<Query> parse(String where, String expr) {
        if (expr.isBlank()) {
            throw new IllegalStateException(where + ": no expr");
        }
        List<Query> queries = new ArrayList<>();
        Matcher selector = SELECTOR.matcher(expr);
        while (selector.find()) {
            Matcher service = SERVICE.matcher(selector.group(2));
            if (!service.find()) {
                throw new IllegalStateException(where + ": " + selector.group(1) + " is read without service=\"…\": " + expr);
            }
            for (String name : service.group(1).equals("=") ? List.of(service.group(2)) : List.of(service.group(2).split("\\|"))) {
                if (!SERVICES.contains(name)) {
                    throw new IllegalStateException(where + ": service \"" + name + "\" is none of " + SERVICES);
                }
                queries.add(new Query(where, selector.group(1), name));
            }
        }
        // What is left once selectors, groupings, ranges, strings and numbers are taken out must be PromQL's own words:
        // a metric named bare (no selector) would escape the check above.
        String rest = GROUPING.matcher(SELECTOR.matcher(expr).replaceAll(" ")).replaceAll(" ")
                .replaceAll("\\[[^]]*]", " ").replaceAll("\"[^\"]*\"", " ").replaceAll("\\b[0-9][0-9.eE]*\\b", " ");
        Matcher word = WORD.matcher(rest);
        while (word.find()) {
            if (!PROMQL.contains(word.group())) {
                throw new IllegalStateException(where + ": '" + word.group() + "' is neither PromQL nor a metric with its service: " + expr);
            }
        }
        return queries;
    }

    /** deploy/monitoring, found from the test's working folder (a module of the reactor) upwards. */
    private static Path directory() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("deploy/monitoring");
            if (Files.isRegularFile(candidate.resolve("alerts.yaml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("deploy/monitoring not found above " + Path.of("").toAbsolutePath());
    }
}
