package dev.capsule.bench.measure;

import java.util.Map;

/**
 * One step of one system at one offered rate.
 *
 * @param system    {@code capsule}, {@code baseline-a} (bare Kafka forwarder) or {@code baseline-b} (with Redis)
 * @param offered   the scheduled rate, msg/s (streams workload: concurrent streams)
 * @param achieved  answered messages per second, from the first due time to the last answer (streams
 *                  workload: the streams that arrived whole)
 * @param sent      messages scheduled
 * @param answered  messages whose turn ended (Capsule) or that came back (baselines)
 * @param latencies by name: {@code firstReply} (and {@code firstReply.http}, {@code firstReply.ws}),
 *                  {@code turnEnd}, {@code firstChunk}, {@code chunkGap}, {@code persistenceLag}
 * @param cpu       percent of one core per process during the step
 * @param switches  thread switches per second per process during the step (see {@link CpuSampler})
 * @param broken    p99 first reply past the profile's ceiling: the system no longer kept up (streams
 *                  workload: p99 gap between a stream's updates past the ceiling, or a stream not whole)
 */
public record StepResult(String system, int offered, double achieved, long sent, long answered,
                         Map<String, Summary> latencies, Counts counts, Map<String, Double> cpu, Map<String, Double> switches,
                         boolean broken) {

    public Summary firstReply() {
        return latencies.getOrDefault("firstReply", Summary.EMPTY);
    }
}
