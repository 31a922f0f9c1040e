# ./capsule bench: the benchmark in bench/, run against the stack that `./capsule up` started.
# It reads the same settings as `up` (scripts/common.sh), so run it with the environment the
# stack was started with: a stack on other ports or another CAPSULE_HOME is benched where it is.
# Sourced.

BENCH_DIR=$ROOT/bench

run_bench() {
  local a args=()
  for a in "$@"; do
    case $a in
      -h|--help) bench_usage; return 0 ;;
      *) args+=("$a") ;;
    esac
  done
  find_jdk
  bench_needs_stack
  bench_build_if_stale
  local token status=0 code first=- i next only=generator,baseline-a,baseline-b,capsule first_token first_session
  # --only's value, which the bench's Main reads too: here, to know whether Capsule is measured at all.
  for ((i = 1; i < $#; i++)); do [ "${!i}" = --only ] && { next=$((i + 1)); only=${!next}; }; done
  if [[ ,$only, == *,capsule,* ]]; then
    # The newcomer's first message (issue 12's target: right after `up`, as quick as the hundredth), before the bench
    # sends anything: a new session of its own.
    first_token=$(dev_token bench-first) || return 1
    first_session=bench-first-$RANDOM$RANDOM
    read -r code first < <(warm_say "$first_token" "$first_session" hello application/json)
    [ "$code" = 200 ] || { warn "a new session's first message was answered $code, not 200"; first=-; }
    close_session "$first_token" "$first_session"
    # The measured steps are to see what a deployment sees, long after its JIT's compiles (see warm_up).
    warm_up compiled
  else
    step "not Capsule ($only): Capsule's first message is not timed and its stack not warmed"
  fi
  token=$(dev_token bench-user) || return 1
  # Kafka's and Jedis' info logging would drown the table; their warnings still show. The load generator runs C2, as the
  # stack does: its compiles fall in the warm-up, and compiled it costs a third to a half less per message than C1
  # (docs/performance.md).
  # Netty (under the Vert.x drivers) still reaches for sun.misc.Unsafe, and loads its epoll library (the drivers' event loop),
  # both of which JDK 25 warns about on stderr otherwise.
  BENCH_TOKEN=$token CAPSULE_HOME=$CAPSULE_HOME CAPSULE_GATEWAY_PORT=$CAPSULE_GATEWAY_PORT \
  CAPSULE_SESSION_PORT=$CAPSULE_SESSION_PORT CAPSULE_ADAPTERS_PORT=$CAPSULE_ADAPTERS_PORT \
  CAPSULE_PERSISTENCE_PORT=$CAPSULE_PERSISTENCE_PORT CAPSULE_KAFKA_PORT=$CAPSULE_KAFKA_PORT CAPSULE_REDIS_PORT=$CAPSULE_REDIS_PORT \
  CAPSULE_PARTITIONS=$CAPSULE_PARTITIONS CAPSULE_BENCH_FIRST_MESSAGE_MS=$first CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100) \
    "$JAVA" -Xms256m -Xmx1g ${CAPSULE_BENCH_JVM_OPTS--XX:+UseSerialGC} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -cp "$BENCH_DIR/target/capsule-bench.jar:$BENCH_DIR/target/lib/*" dev.capsule.bench.Main "${args[@]}" || status=$?
  return $status
}

bench_usage() {
  cat <<'USAGE'
usage: ./capsule bench [--quick] [--seed N] [--out DIR] [--only WHICH] [--workload mix|plain|streams] [--no-profile]
  (default) the full ladder: rising rates until p99 first reply passes 100 ms; several minutes
  --quick   a short ladder: 2-3 minutes for Capsule's steps, some 5 with the baselines and the generator check
  --seed N  another workload (the default seed makes the same sessions and messages every run)
  --out DIR where the JSON and HTML reports go (default $CAPSULE_HOME/bench)
  --only W  some of generator,baseline-a,baseline-b,capsule (comma-separated; default all four); generator:
            the load generator's own CPU per message at 5,000 msg/s, against a stand-in gateway
  --workload mix|plain|streams  what Capsule's steps send: the bench mix (default); plain text only,
            one JSON answer each; or streams: rising numbers of concurrent /stream 300 30 (10 s each)
            on chat sockets, held while the gap between updates stays at p99 ≤ 100 ms (Capsule only)
  --no-profile  skip the CPU profile (async-profiler, attached to each JVM of the stack during
            Capsule's measured steps: where the CPU went, and a flame graph per JVM beside the report)
Run it after ./capsule up, with the same CAPSULE_* settings.
USAGE
}

bench_needs_stack() {
  local c
  for c in kafka redis postgres "${SERVICES[@]}"; do
    running_pid "$c" >/dev/null || die "$c is not running: start the stack with ./capsule up first (with the same CAPSULE_* settings as this command)"
  done
  curl -s -m 3 "http://127.0.0.1:$CAPSULE_GATEWAY_PORT/q/health/ready" | grep -q '"status": *"UP"' \
    || die "gateway-service on :$CAPSULE_GATEWAY_PORT is not ready; see ./capsule status"
}

# Built by `./capsule up` with the rest of the reactor; rebuilt here, alone, when its sources moved on.
bench_build_if_stale() {
  local jar=$BENCH_DIR/target/capsule-bench.jar log=$CAPSULE_LOG_DIR/bench-build.log
  if [ -f "$jar" ] && [ -d "$BENCH_DIR/target/lib" ] && \
     [ -z "$(find "$BENCH_DIR/src" "$BENCH_DIR/pom.xml" "$ROOT/capsule-events/src" -newer "$jar" -print -quit)" ]; then
    return
  fi
  step "building the benchmark (log: $log)"
  mkdir -p "$CAPSULE_LOG_DIR"
  # Offline first: everything it needs is usually in the local repository already.
  { (cd "$ROOT" && mvnw -q -o -pl bench -am package -DskipTests) || (cd "$ROOT" && mvnw -q -pl bench -am package -DskipTests); } \
    >"$log" 2>&1 || { tail -20 "$log" >&2; die "building the benchmark failed; see $log"; }
}
