package dev.capsule.bench.measure;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/** One latency distribution, recorded in microseconds from any thread. */
public final class Latency {

    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final Histogram histogram = new SynchronizedHistogram(MAX_MICROS, 3);

    public void recordNanos(long nanos) {
        histogram.recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1000)));
    }

    public Summary summary() {
        return Summary.of(histogram);
    }
}
