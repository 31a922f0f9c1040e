package dev.capsule.bench.measure;

import org.HdrHistogram.Histogram;

/** A latency distribution in milliseconds; every figure is NaN when nothing was recorded. */
public record Summary(long count, double p50, double p99, double p999, double max, double mean) {

    public static final Summary EMPTY = new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    static Summary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return EMPTY;
        }
        return new Summary(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getMean() / 1000.0);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
