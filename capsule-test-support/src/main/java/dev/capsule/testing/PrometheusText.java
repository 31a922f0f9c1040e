package dev.capsule.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading a service's {@code /q/metrics} (Prometheus's text format) in tests. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /**
     * The value of the first sample whose name matches {@code series} (a regular expression, labels included or not:
     * without them, any labels match); -1 when none does.
     */
    public static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(2)) : -1;
    }
}
