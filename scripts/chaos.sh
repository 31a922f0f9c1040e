# ./capsule chaos: the fault scenarios, run against the stack that `./capsule up` started, under steady load.
# The scenarios and the load live in bench/ (dev.capsule.bench.chaos); they call back into this file,
# through `./capsule _fault`, for what only the scripts know: which PID is which component, and how to start one.
# Sourced.

run_chaos() {
  local a listing=no
  for a in "$@"; do
    case $a in
      -h|--help) chaos_usage; return 0 ;;
      --list) listing=yes ;;
    esac
  done
  . "$ROOT/scripts/bench.sh"
  find_jdk
  [ $listing = yes ] || bench_needs_stack
  bench_build_if_stale
  local token status=0
  token=$(dev_token "chaos-$(date +%s)") || return 1
  # The scenarios kill and restart the stack's processes: they must find the same components `up` started.
  BENCH_TOKEN=$token CAPSULE_HOME=$CAPSULE_HOME CAPSULE_GATEWAY_PORT=$CAPSULE_GATEWAY_PORT \
  CAPSULE_SESSION_PORT=$CAPSULE_SESSION_PORT CAPSULE_ADAPTERS_PORT=$CAPSULE_ADAPTERS_PORT \
  CAPSULE_PERSISTENCE_PORT=$CAPSULE_PERSISTENCE_PORT CAPSULE_KAFKA_PORT=$CAPSULE_KAFKA_PORT CAPSULE_REDIS_PORT=$CAPSULE_REDIS_PORT \
  CAPSULE_PARTITIONS=$CAPSULE_PARTITIONS CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100) \
  CAPSULE_SCRIPT="$ROOT/capsule" CAPSULE_CHAOS_LOG="$CAPSULE_LOG_DIR/chaos.log" CAPSULE_FAKE_PROVIDERS_URL=$CAPSULE_FAKE_PROVIDERS_URL \
    "$JAVA" -Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$BENCH_DIR/target/capsule-bench.jar:$BENCH_DIR/target/lib/*" dev.capsule.bench.chaos.ChaosMain "$@" || status=$?
  return $status
}

chaos_usage() {
  cat <<'USAGE'
usage: ./capsule chaos [--only NAME,…] [--list] [--sessions N]
  (default) every scenario, one after another, under steady load (N sessions, each a message a second);
            one row per scenario: sent, answered, lost, duplicated, reordered, time to recover.
            Exits non-zero when a row lost, doubled or reordered anything, or the stack did not recover.
  --only    some scenarios (see --list)
  --list    the scenarios and what each does
  --sessions N  concurrent conversations of the load (default 20)
It kills, stops and restarts the stack's own processes: run it after ./capsule up, with the same CAPSULE_*
settings, on a stack you can spare. What the faults did is in $CAPSULE_HOME/logs/chaos.log.
USAGE
}

# ./capsule _fault <action> [component] [seconds]: one fault, or its repair, for the chaos scenarios.
chaos_fault() {
  local action=${1:-} name=${2:-} pid
  find_jdk
  case $action in
    kill) # kill -9, as a crash or an OOM kill would
      pid=$(running_pid "$name") || die "$name does not run"
      kill -KILL "$pid"
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
      rm -f "$(pid_file "$name")"
      say "killed $name (pid $pid) with SIGKILL" ;;
    stop) # a clean stop; PostgreSQL's fast one, since its default waits for every pooled connection to leave
      if [ "$name" = postgres ]; then
        pid=$(running_pid postgres) || die "postgres does not run"
        kill -INT "$pid"
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
        rm -f "$(pid_file postgres)"
        say "stopped postgres (pid $pid, fast shutdown)"
      else
        stop_component "$name"
      fi ;;
    pause) pid=$(running_pid "$name") || die "$name does not run"; kill -STOP "$pid"; say "paused $name (pid $pid)" ;;
    resume) pid=$(running_pid "$name") || die "$name does not run"; kill -CONT "$pid"; say "resumed $name (pid $pid)" ;;
    forget-redis) # what a Redis restarted without persistence remembers: nothing
      running_pid redis >/dev/null && die "stop redis before forgetting its data"
      rm -rf "$CAPSULE_DATA_DIR/redis"
      say "deleted Redis's data ($CAPSULE_DATA_DIR/redis)" ;;
    start)
      case $name in
        kafka) start_kafka ;;
        redis) start_redis ;;
        postgres) start_postgres ;;
        fake-providers) run_fake_providers ;;
        *)
          [ "$name" = session-service ] && CAPSULE_APP=$(cat "$CAPSULE_RUN_DIR/session-service.app" 2>/dev/null)
          start_service "$name"
          await_ready "$name" "$(service_port "$name")"
          say "$name ready" ;;
      esac ;;
    start-replica) start_replica "$name" "${3:?usage: ./capsule _fault start-replica <service> <n>}" ;;
    *) die "usage: ./capsule _fault kill|stop|pause|resume|start <component> | start-replica <service> <n> | forget-redis" ;;
  esac
}

# A second copy of service $1, as component "$1-$2" on port (its port + 10 × $2), so that a scenario can fault one
# replica of two. `./capsule _fault stop $1-$2` stops it again; `./capsule down` does not know it.
start_replica() { # service n
  local name=$1 replica=$1-$2 port
  port=$(( $(service_port "$name") + 10 * $2 ))
  [ "$name" = session-service ] && CAPSULE_APP=$(cat "$CAPSULE_RUN_DIR/session-service.app" 2>/dev/null)
  start_service "$name" "$replica" "$port"
  await_ready "$replica" "$port"
  say "$replica ready"
}
