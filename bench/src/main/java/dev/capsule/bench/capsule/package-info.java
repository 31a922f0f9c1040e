/**
 * Capsule's steps: the open-loop sender, the drivers that carry its messages to the gateway, and
 * the ledgers that judge what comes back.
 *
 * <p>The drivers run on one Vert.x event loop ({@link dev.capsule.bench.capsule.GatewayConnections})
 * rather than the JDK's {@code java.net.http} client, which the rest of the bench (readiness checks,
 * the chaos tool) uses for its few blocking calls. The JDK client hands every request, body and
 * answer between its selector thread and its executor: on this 2-core machine the generator then
 * took a quarter to a third of a core at 500-1,000 msg/s, CPU the stack it measures did not have.
 * Measured with {@code ./capsule bench --quick --workload plain --only capsule --no-profile}, the old
 * and the new bench run in turn twice on one warm stack: the bench's own CPU per message at 100 / 500 /
 * 1,000 msg/s went from 1,712-1,732 / 674-691 / 415 µs to 952-1,071 / 418-450 / 244-292 µs, and
 * its thread switches per message from 13-19 to 2.5-4.6; the stack's own figures stayed within the
 * machine's drift. A session's next message leaves from the callback that released it, on the event
 * loop.
 *
 * <p>The open loop runs on that event loop too ({@link dev.capsule.bench.capsule.LoopSends}), on its timers,
 * so that no message crosses threads at all. Its own thread had parked and woken once per message and
 * then woken the event loop. The event loop runs on Linux's epoll, whose timers keep the sends within
 * about 0.1 ms of their due times (p50 ~0.1 ms at 5,000 msg/s, as the thread did); on Java's selector they
 * left 0.5 ms late at the median, its timeouts being whole milliseconds. Measured with the generator check
 * ({@code ./capsule bench --only generator}), the old and the new bench in turn six times: 140-207 µs
 * (median 168) became 129-165 µs (median 143) per message at 5,000 msg/s.
 *
 * <p>Every exchange starts on the event loop ({@link dev.capsule.bench.capsule.GatewayConnections#onLoop}):
 * begun from the open loop's thread, a quick answer could arrive before the handler for its body was
 * set, and its body was lost (one or two of 20,000 answers at 5,000 msg/s, "HTTP 200, 0 bytes" against
 * a content-length of 596). {@link dev.capsule.bench.capsule.GeneratorCheck} measures what the
 * generator costs apart from the stack: 144-212 µs per message at 5,000 msg/s in the runs of 2026-11-30,
 * against issue 12's 100, on C1 alone; decoding a JSON answer's events straight from its bytes rather than through a
 * tree took 160-179 to 152-160.
 *
 * <p>The bench runs C2 ({@code CAPSULE_BENCH_JVM_OPTS}), and its warm-ups wait for its own compiles as well as the
 * stack's. Compiled, the Vert.x client's per-request path (the connection pool's lease, the request's head, the
 * answer's callbacks) costs a good deal less than C1's code, whose interface calls and type checks are not inlined.
 * Measured with the generator check: C1 127-142 µs per message (142 with 15 s of warm-up instead of 3), C2 with 3 s
 * of warm-up 136-141 (its compiles inside the measured seconds), C2 with 15 s 85-86, C2 warmed until its compiles
 * settled 65-81. In Capsule's plain steps on one warm stack the bench's own CPU per message at 250 / 500 / 1,000 /
 * 2,000 msg/s went from 288-320 / 224-232 / 157-160 / 112-115 µs to 236 / 192 / 105 / 78. What it costs: the quick
 * run's warm-up took eleven more 3-second steps at 250 msg/s than the stack alone needed, until the bench's compiles
 * settled.
 */
package dev.capsule.bench.capsule;
