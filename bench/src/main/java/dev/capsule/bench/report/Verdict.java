package dev.capsule.bench.report;

/**
 * One target of issue 12 and how this run did against it.
 *
 * @param pass   true, false, or null when this run cannot tell
 * @param detail the figures behind the verdict
 */
public record Verdict(String target, Boolean pass, String detail) {

    public String word() {
        return pass == null ? "UNKNOWN" : pass ? "PASS" : "MISS";
    }
}
