package dev.capsule.bench;

import java.time.Duration;
import java.util.List;

/**
 * How long and how hard to push. Both profiles climb a ladder of rates and stop at the first
 * step whose p99 first-reply latency breaks {@link #ceilingMillis}: past that the system is no
 * longer keeping up, and higher steps only measure a queue. The streams workload has profiles of
 * its own ({@link #streams}), whose ladder counts concurrent streams and whose ceiling is the gap
 * between a stream's updates.
 *
 * @param warmup             length of each discarded Capsule step run first, at each of {@code warmupRates} in turn, so that the
 *                           services' JIT, pools and connections have seen the path; rising, because a cold
 *                           stack hit at full rate builds a queue that the first measured step would inherit
 * @param compileRate        msg/s of the warm-up steps that go on after those until the JIT compilers have settled: as
 *                           high as the ladder's usual ceiling, so that C2 sees in a minute or two the tens of thousands
 *                           of messages it compiles on, and the paths a busy stack takes (0: no such steps)
 * @param step               length of one measured Capsule step
 * @param drain              how long after a step's last send its answers may still arrive
 * @param capsuleRates       offered msg/s of the Capsule steps, rising (streams: concurrent streams)
 * @param baselineStep       length of one baseline step (they are cheap and steady, so shorter)
 * @param baselineRates      offered msg/s of the baseline steps, rising
 * @param messagesPerSession M of "N sessions × M messages"; N follows from rate × step length
 * @param historySessions    sessions whose history is read back after each step (each costs a request)
 * @param ceilingMillis      the p99 past which a step is "broken" and the ladder stops (of the first reply; for
 *                           the streams workload, of the gap between a stream's updates)
 */
public record Profile(String name, Duration warmup, List<Integer> warmupRates, int compileRate, Duration step, Duration drain,
                      List<Integer> capsuleRates, Duration baselineStep, List<Integer> baselineRates,
                      int messagesPerSession, int historySessions, double ceilingMillis) {

    /** Under three minutes in all: the shape of the curve and the 1,000 msg/s target, not the last word. */
    public static Profile quick() {
        return new Profile("quick", Duration.ofSeconds(3), List.of(50, 100), 250, Duration.ofSeconds(10), Duration.ofSeconds(10),
                List.of(50, 100, 250, 500, 1000, 2000, 5000), Duration.ofSeconds(4),
                List.of(100, 500, 1000, 5000, 20000, 50000, 100000),
                10, 100, 100);
    }

    /** The full ladder: longer steps for steadier tails, finer rates up to where p99 breaks. */
    public static Profile full() {
        return new Profile("full", Duration.ofSeconds(10), List.of(50, 100), 250, Duration.ofSeconds(30), Duration.ofSeconds(30),
                List.of(25, 50, 100, 150, 250, 500, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 8000, 10000),
                Duration.ofSeconds(10), List.of(100, 250, 500, 1000, 2000, 5000, 10000, 20000, 40000, 70000, 100000, 150000),
                20, 300, 100);
    }

    /**
     * The streams workload: each step's "rate" is C, the concurrent streams; its C sessions send
     * their one long stream within the step's one second, and the drain waits for 10-second streams to
     * end. {@code quick} has a shorter ladder and reads fewer histories back; a step is the streams'
     * length either way.
     */
    public static Profile streams(boolean quick) {
        return quick
                ? new Profile("quick", Duration.ofSeconds(1), List.of(25), 0, Duration.ofSeconds(1), Duration.ofSeconds(25),
                        List.of(25, 50, 100, 250, 500, 1000, 2000), Duration.ZERO, List.of(), 1, 25, 100)
                : new Profile("full", Duration.ofSeconds(1), List.of(25, 100), 0, Duration.ofSeconds(1), Duration.ofSeconds(30),
                        List.of(25, 50, 100, 150, 250, 500, 750, 1000, 1500, 2000, 3000, 4000), Duration.ZERO, List.of(), 1, 100, 100);
    }
}
