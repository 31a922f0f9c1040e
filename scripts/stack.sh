# The local stack: build, then Kafka, Redis, PostgreSQL and the four services, each as a
# process of its own with a PID file, a log and a data folder under .capsule/. Sourced.

. "$ROOT/scripts/channels.sh"   # the demo channels and the fake providers
. "$ROOT/scripts/integrations.sh"   # the OAuth integrations (GitHub, at the fake providers)
KAFKA_LIBS=$CAPSULE_HOME/kafka/libs
JWT_DIR=$CAPSULE_HOME/jwt
STARTED=()   # what this `up` started, to stop again if a later step fails

service_port() {
  case $1 in
    gateway-service) echo "$CAPSULE_GATEWAY_PORT" ;;
    session-service) echo "$CAPSULE_SESSION_PORT" ;;
    channel-adapters) echo "$CAPSULE_ADAPTERS_PORT" ;;
    persistence-service) echo "$CAPSULE_PERSISTENCE_PORT" ;;
  esac
}

# --- Build what is stale. ------------------------------------------------------------------
build_if_stale() {
  local stamp=$CAPSULE_HOME/build.stamp stale=no s
  for s in "${SERVICES[@]}"; do [ -f "$ROOT/$s/target/quarkus-app/quarkus-run.jar" ] || stale=yes; done
  if [ $stale = no ] && [ -f "$stamp" ]; then
    [ -n "$(cd "$ROOT" && find . \( -path ./.capsule -o -name target -o -name node_modules -o -path ./.git \) -prune -o \
      \( -name pom.xml -o -path '*/src/*' \) -type f -newer "$stamp" -print -quit)" ] && stale=yes
  else
    stale=yes
  fi
  if [ $stale = no ]; then step "build is up to date"; return; fi
  step "building (log: $CAPSULE_LOG_DIR/build.log)"
  mkdir -p "$CAPSULE_LOG_DIR"
  # The services and what they need, not the system tests or the bench (./capsule bench builds its own module).
  (cd "$ROOT" && mvnw install -DskipTests -pl "$(IFS=,; echo "${SERVICES[*]}")" -am) >"$CAPSULE_LOG_DIR/build.log" 2>&1 \
    || { tail -25 "$CAPSULE_LOG_DIR/build.log" >&2; die "the build failed; see $CAPSULE_LOG_DIR/build.log"; }
  touch "$stamp"
}

# --- Kafka, in KRaft mode, from its Maven Central artifacts. --------------------------------
kafka_libs() {
  [ -f "$KAFKA_LIBS/.complete" ] && return
  step "gathering the Kafka broker's jars from Maven Central (log: $CAPSULE_LOG_DIR/kafka-libs.log)"
  rm -rf "$KAFKA_LIBS"; mkdir -p "$KAFKA_LIBS"
  mvnw -f "$ROOT/deploy/local/kafka/pom.xml" dependency:copy-dependencies -DoutputDirectory="$KAFKA_LIBS" \
    >"$CAPSULE_LOG_DIR/kafka-libs.log" 2>&1 || die "could not fetch Kafka's jars; see $CAPSULE_LOG_DIR/kafka-libs.log"
  touch "$KAFKA_LIBS/.complete"
}

kafka_java() { # runs a Kafka main class with the broker's classpath
  "$JAVA" -Dlog4j2.configurationFile="$ROOT/deploy/local/kafka/log4j2.properties" -cp "$KAFKA_LIBS/*" "$@"
}

start_kafka() {
  local data=$CAPSULE_DATA_DIR/kafka conf=$CAPSULE_HOME/kafka/server.properties log=$CAPSULE_LOG_DIR/kafka.log
  if running_pid kafka >/dev/null; then step "kafka already runs (pid $(running_pid kafka))"; return; fi
  kafka_libs
  mkdir -p "$data" "$(dirname "$conf")"
  cat >"$conf" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CAPSULE_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$CAPSULE_KAFKA_PORT,CONTROLLER://127.0.0.1:$CAPSULE_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$CAPSULE_KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data
num.partitions=$CAPSULE_PARTITIONS
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
# Sized for the few cores one machine shares between the broker and the stack: each request passes from a
# network thread to a handler thread, and a handler that sits idle costs a wake-up for every request it takes.
num.network.threads=1
num.io.threads=2
EOF
  if [ ! -f "$data/meta.properties" ]; then
    step "formatting Kafka storage in $data"
    kafka_java kafka.tools.StorageTool format -t "$(kafka_java kafka.tools.StorageTool random-uuid)" -c "$conf" \
      >>"$log" 2>&1 || die "formatting Kafka storage failed; see $log"
  fi
  step "starting kafka on 127.0.0.1:$CAPSULE_KAFKA_PORT"
  nohup "$JAVA" -Xms256m -Xmx"$CAPSULE_KAFKA_HEAP" $CAPSULE_KAFKA_JVM_OPTS -Dcapsule.component=kafka \
    -Dlog4j2.configurationFile="$ROOT/deploy/local/kafka/log4j2.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$conf" >>"$log" 2>&1 </dev/null &
  write_pid kafka $! "capsule.component=kafka"
  STARTED+=(kafka)
  await_port kafka "$CAPSULE_KAFKA_PORT" 90 "$log"
  create_topics
}

create_topics() {
  local marker=$CAPSULE_DATA_DIR/kafka/.capsule-topics topic
  # The topic list is the event contract's (dev.capsule.events.Topics), not a copy here.
  local topics
  topics=$("$JAVA" -cp "$ROOT/capsule-events/target/classes" dev.capsule.events.Topics) && [ -n "$topics" ] \
    || die "could not list the topics from capsule-events (is it built? see $CAPSULE_LOG_DIR/build.log)"
  # The marker holds the list it was made for: a topic the contract added since is created on the next up.
  [ -f "$marker" ] && [ "$(cat "$marker")" = "$topics" ] && return
  for topic in $topics; do
    kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$CAPSULE_KAFKA_PORT" --create \
      --if-not-exists --topic "$topic" --partitions "$CAPSULE_PARTITIONS" --replication-factor 1 \
      >>"$CAPSULE_LOG_DIR/kafka.log" 2>&1 || fail "creating topic $topic failed" "$CAPSULE_LOG_DIR/kafka.log"
  done
  step "topics ready ($CAPSULE_PARTITIONS partitions each)"
  printf '%s' "$topics" >"$marker"
}

# --- Redis: append-only file on, so that data survives down and up. -------------------------
start_redis() {
  local data=$CAPSULE_DATA_DIR/redis log=$CAPSULE_LOG_DIR/redis.log
  if running_pid redis >/dev/null; then step "redis already runs (pid $(running_pid redis))"; return; fi
  mkdir -p "$data"
  step "starting redis on 127.0.0.1:$CAPSULE_REDIS_PORT"
  # The append-only file keeps what only Redis holds (channel-adapters' delivery marks) across a restart. No RDB
  # snapshots beside it: Redis loads the append-only file anyway, and each snapshot forks and writes every cached
  # session, some seconds of CPU a minute under load (docs/performance.md, 2026-11-30 (noon)).
  nohup redis-server --port "$CAPSULE_REDIS_PORT" --bind 127.0.0.1 --dir "$data" --appendonly yes --save "" \
    --daemonize no --protected-mode yes >>"$log" 2>&1 </dev/null &
  # redis-server retitles itself once up; its name is in both titles.
  write_pid redis $! "redis-server"
  STARTED+=(redis)
  await_port redis "$CAPSULE_REDIS_PORT" 30 "$log"
}

# --- PostgreSQL. It refuses to run as root; as root it runs as Debian's postgres user. -------
pg_data_dir() {
  local d=${CAPSULE_PG_DATA_DIR:-$CAPSULE_DATA_DIR/postgres} near=$CAPSULE_DATA_DIR
  while [ ! -d "$near" ]; do near=$(dirname "$near"); done
  # The postgres user must reach the folder; a root-only parent (a clone under a private
  # temporary folder, say) would stop it, so such a stack keeps its database under /var/lib.
  if [ "$(id -u)" -eq 0 ] && [ -z "${CAPSULE_PG_DATA_DIR:-}" ] && \
     ! setpriv --reuid=postgres --regid=postgres --init-groups test -x "$near" 2>/dev/null; then
    d=/var/lib/capsule/$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)/postgres
  fi
  echo "$d"
}

as_pg_user_prefix() {
  [ "$(id -u)" -eq 0 ] && echo "setpriv --reuid=postgres --regid=postgres --init-groups"
}

as_pg_user() { $(as_pg_user_prefix) "$@"; }

start_postgres() {
  local data bin log=$CAPSULE_LOG_DIR/postgres.log
  data=$(pg_data_dir); bin=$(pg_bin_dir)
  if running_pid postgres >/dev/null; then step "postgres already runs (pid $(running_pid postgres))"; return; fi
  mkdir -p "$data"; chmod 700 "$data"
  [ "$(id -u)" -eq 0 ] && { chown postgres: "$data"; touch "$log"; chown postgres: "$log"; }
  if [ ! -f "$data/PG_VERSION" ]; then
    step "creating the PostgreSQL cluster in $data"
    local pw; pw=$(mktemp); echo capsule >"$pw"; [ "$(id -u)" -eq 0 ] && chown postgres: "$pw"
    as_pg_user "$bin/initdb" -D "$data" -U capsule --pwfile="$pw" --auth=scram-sha-256 -E UTF8 >>"$log" 2>&1 \
      || { rm -f "$pw"; die "initdb failed; see $log"; }
    rm -f "$pw"
  fi
  step "starting postgres on 127.0.0.1:$CAPSULE_PG_PORT"
  # Each wrapper execs the next, so the PID of the background job is the server's own.
  nohup $(as_pg_user_prefix) "$bin/postgres" -D "$data" -p "$CAPSULE_PG_PORT" -k "$data" \
    -c listen_addresses=127.0.0.1 -c shared_buffers=128MB -c max_connections=200 >>"$log" 2>&1 </dev/null &
  write_pid postgres $! "$data"
  STARTED+=(postgres)
  await_port postgres "$CAPSULE_PG_PORT" 60 "$log"
  # The port opens before the server takes connections (it may be replaying its log after a hard stop).
  local deadline=$((SECONDS + 120))
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$CAPSULE_PG_PORT"; do
    still_starting postgres || fail "postgres exited during start" "$log"
    [ $SECONDS -lt $deadline ] || fail "postgres did not accept connections within 120 s" "$log"
    sleep 0.3
  done
  if ! PGPASSWORD=capsule "$bin/psql" -h 127.0.0.1 -p "$CAPSULE_PG_PORT" -U capsule -d postgres -tAc \
       "SELECT 1 FROM pg_database WHERE datname='capsule'" 2>>"$log" | grep -q 1; then
    PGPASSWORD=capsule "$bin/createdb" -h 127.0.0.1 -p "$CAPSULE_PG_PORT" -U capsule capsule >>"$log" 2>&1 \
      || fail "creating the capsule database failed" "$log"
  fi
}

# --- The four services. ----------------------------------------------------------------------
start_service() { # name [component port]: the service, or another replica of it as its own component on its own port
  local name=$1 component=${2:-$1} port=${3:-$(service_port "$1")} log=$CAPSULE_LOG_DIR/${2:-$1}.log
  if running_pid "$component" >/dev/null; then step "$component already runs (pid $(running_pid "$component"))"; return; fi
  step "starting $component on :$port"
  local jar=$ROOT/$name/target/quarkus-app/quarkus-run.jar
  if [ "$name" = session-service ]; then
    jar=$(session_service_jar)   # scripts/app.sh: the app of `up --app`, or the demo
    [ "$component" = "$name" ] && printf '%s\n' "${CAPSULE_APP:-}" >"$CAPSULE_RUN_DIR/session-service.app"
  fi
  (
    cd "$CAPSULE_HOME" || exit 1
    service_env "$name"
    export QUARKUS_HTTP_PORT=$port
    # shellcheck disable=SC2086 # the options are words
    exec nohup "$JAVA" -Xms64m -Xmx"$CAPSULE_SERVICE_HEAP" $CAPSULE_SERVICE_JVM_OPTS \
      -Dcapsule.component="$component" -jar "$jar" >>"$log" 2>&1 </dev/null
  ) &
  write_pid "$component" $! "capsule.component=$component"
  STARTED+=("$component")
}

service_env() { # name: exports what service $name needs to reach the local stack
  export QUARKUS_HTTP_PORT=$(service_port "$1")
  export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$CAPSULE_KAFKA_PORT
  export QUARKUS_REDIS_HOSTS=redis://127.0.0.1:$CAPSULE_REDIS_PORT
  export QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:$CAPSULE_PG_PORT/capsule
  export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$CAPSULE_PG_PORT/capsule
  export CAPSULE_JWT_PUBLIC_KEY=$JWT_DIR/public.pem
  if [ "$1" = channel-adapters ]; then demo_channels_env; fi   # scripts/channels.sh
  case $1 in gateway-service|session-service) integrations_env "$1" ;; esac   # scripts/integrations.sh
  # The chat page signs the dev user in with this token (gateway-service GET /auth/dev-token); local stack only.
  export CAPSULE_DEV_TOKEN_FILE=$CAPSULE_HOME/dev-token
}

await_ready() { # name port: waits for /q/health/ready to answer UP
  local name=$1 port=$2 log=$CAPSULE_LOG_DIR/$1.log deadline=$((SECONDS + CAPSULE_READY_TIMEOUT)) body
  while :; do
    body=$(curl -s -m 3 "http://127.0.0.1:$port/q/health/ready" 2>/dev/null)
    case $body in *'"status": "UP"'*|*'"status":"UP"'*) return 0 ;; esac
    still_starting "$name" || fail "$name exited during start" "$log"
    [ $SECONDS -lt $deadline ] || fail "$name was not ready within ${CAPSULE_READY_TIMEOUT}s (last answer: ${body:-none})" "$log"
    sleep 0.5
  done
}

await_port() { # name port seconds log
  local deadline=$((SECONDS + $3))
  until port_taken "$2"; do
    still_starting "$1" || fail "$1 exited during start" "$4"
    [ $SECONDS -lt $deadline ] || fail "$1 did not listen on port $2 within $3 s" "$4"
    sleep 0.2
  done
}

# A failed start: say why and where to read more, and stop what this `up` started.
fail() {
  printf 'capsule: %s; see %s\n' "$1" "$2" >&2
  [ -f "$2" ] && { echo "--- last lines of $2:" >&2; tail -15 "$2" >&2; }
  rollback
  exit 1
}

rollback() {
  local i
  [ ${#STARTED[@]} -eq 0 ] && return
  echo "stopping what this start began: ${STARTED[*]}" >&2
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do stop_component "${STARTED[$i]}" just-started >&2; done
  STARTED=()
}

check_ports_free() {
  local entry name port var
  for entry in kafka:$CAPSULE_KAFKA_PORT:CAPSULE_KAFKA_PORT kafka:$CAPSULE_KAFKA_CONTROLLER_PORT:CAPSULE_KAFKA_CONTROLLER_PORT \
               redis:$CAPSULE_REDIS_PORT:CAPSULE_REDIS_PORT postgres:$CAPSULE_PG_PORT:CAPSULE_PG_PORT \
               gateway-service:$CAPSULE_GATEWAY_PORT:CAPSULE_GATEWAY_PORT session-service:$CAPSULE_SESSION_PORT:CAPSULE_SESSION_PORT \
               channel-adapters:$CAPSULE_ADAPTERS_PORT:CAPSULE_ADAPTERS_PORT persistence-service:$CAPSULE_PERSISTENCE_PORT:CAPSULE_PERSISTENCE_PORT; do
    IFS=: read -r name port var <<<"$entry"
    running_pid "$name" >/dev/null && continue
    port_taken "$port" && die "port $port, which $name needs, is taken by another program.
  Stop that program, or choose another port: $var=<port> ./capsule up"
  done
}

# --- Dev credentials: a key pair for the local stack only, and tokens signed with it. ---------
ensure_jwt_keys() {
  [ -f "$JWT_DIR/private.pem" ] && return
  mkdir -p "$JWT_DIR"; chmod 700 "$JWT_DIR"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$JWT_DIR/private.pem" 2>/dev/null \
    && openssl pkey -in "$JWT_DIR/private.pem" -pubout -out "$JWT_DIR/public.pem" \
    || die "openssl could not make the dev key pair in $JWT_DIR"
}

dev_token() { # user-id: prints a JWT for the user, valid for 30 days, signed with the local key (deploy/jwt/token.sh)
  [ -f "$JWT_DIR/private.pem" ] || die "no local key pair yet: run ./capsule up first"
  CAPSULE_JWT_PRIVATE_KEY=$JWT_DIR/private.pem sh "$ROOT/deploy/jwt/token.sh" "$1" || die "no token for '$1'"
}

# --- Warm-up. -------------------------------------------------------------------------------
# A service that has just started runs each path slowly at first: class loading, the first connections of
# each pool, the JIT's first compiles. Right after start a new session's first message took 1-2 s instead of
# some 20 ms. So `up` sends the stack messages of its own, as the user capsule-warmup, in rounds of some 240
# requests over 32 connections at once (plain text, streams and notifies over JSON and server-sent events,
# history reads), until two new sessions in a row answer their first message within 100 ms, or
# CAPSULE_WARMUP_SECONDS pass (0 skips it). What it wrote stays in that user's history, like any user's.
#
# `warm_up compiled` goes on until the JIT is done too, for the bench: the services and the broker run C2,
# whose compiles of the hot paths go on for minutes of load on 2 cores (some 75 s of CPU across the stack),
# and until they are done a message costs the stack up to three times the CPU it does warm. It stops when the
# compiler threads took under a tenth of the stack's CPU in a round, or after CAPSULE_BENCH_WARMUP_SECONDS.
warm_up() { # [compiled]
  local goal=${1:-latency} budget=$CAPSULE_WARMUP_SECONDS token deadline run=$RANDOM$RANDOM round=0 fast=0 ms=- code
  local config before after jit=100 started=$SECONDS
  [ "$goal" = compiled ] && budget=$CAPSULE_BENCH_WARMUP_SECONDS
  if [ "$budget" -le 0 ]; then step "warm-up skipped (a budget of $budget s)"; return; fi
  token=$(dev_token capsule-warmup)
  config=$(mktemp)
  deadline=$((SECONDS + budget))
  while [ $SECONDS -lt $deadline ] && ! warm_enough "$goal" "$fast" "$jit"; do
    round=$((round + 1))
    warm_round_config "$token" "warmup-$run-$round" >"$config"
    before=$(stack_cpu_ticks)
    curl -s --parallel --parallel-max 32 -K "$config" >/dev/null 2>&1
    after=$(stack_cpu_ticks)
    # The share of the round's CPU that went to the JIT compilers: "total compilers" before and after.
    jit=$(awk -v b="$before" -v a="$after" 'BEGIN { split(b, x); split(a, y); t = y[1] - x[1]; c = y[2] - x[2];
      printf "%d", (t > 0 ? 100 * c / t : 100) }')
    # The probe: a new session's first message, timed as a user would see it.
    read -r code ms < <(warm_say "$token" "warmup-$run-$round-probe" hello application/json)
    if [ "$code" != 200 ]; then
      rm -f "$config"
      step "warm-up: a message was answered $code, not 200; the stack is up, see ./capsule logs gateway and session"
      return
    fi
    # Its sessions closed now: left open, the idle sweep closes them half an hour later, inside whatever runs then.
    warm_close_config "$token" "warmup-$run-$round" >"$config"
    curl -s --parallel --parallel-max 32 -K "$config" >/dev/null 2>&1 \
      || warn "warm-up round $round: some of its sessions could not be closed; the idle sweep closes them later"
    if [ "$ms" -le 100 ]; then fast=$((fast + 1)); else fast=0; fi
    [ "$goal" = compiled ] && [ $((round % 5)) = 1 ] && \
      step "warm-up round $round ($((SECONDS - started)) s): the JIT compilers took $jit% of the stack's CPU"
  done
  rm -f "$config"
  if warm_enough "$goal" "$fast" "$jit"; then
    step "warmed up in $round rounds ($((SECONDS - started)) s): a new session's first message answers in $ms ms; the JIT took $jit% of the last round's CPU"
  else
    step "warm-up stopped after ${budget}s: a new session's first message took $ms ms, the JIT $jit% of the last round's CPU (the stack works; it is slower at first)"
  fi
}

warm_enough() { # goal fast-probes jit-share
  [ "$2" -ge 2 ] && { [ "$1" != compiled ] || [ "$3" -lt 10 ]; }
}

# The sessions of one warm-up round, each sent four messages and read back.
WARM_ROUND_SESSIONS=48

warm_round_config() { # token prefix: a curl config of one warm-up round, for `curl --parallel -K`
  local token=$1 prefix=$2 i j accept url=http://127.0.0.1:$CAPSULE_GATEWAY_PORT/api/sessions
  for i in $(seq 1 "$WARM_ROUND_SESSIONS"); do
    # Every other session over server-sent events, the rest over JSON: both paths are hot.
    accept=application/json; [ $((i % 2)) = 0 ] && accept=text/event-stream
    for j in hello /stream hello /notify; do
      printf 'url = "%s/%s-%d/messages"\nrequest = "POST"\nmax-time = 30\noutput = "/dev/null"\n' "$url" "$prefix" "$i"
      printf 'header = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\n' "$token"
      printf 'header = "Accept: %s"\ndata = "{\\"text\\":\\"%s\\"}"\nnext\n' "$accept" "$j"
    done
    # "next" separates requests: none after the last.
    printf 'url = "%s/%s-%d/history"\nheader = "Authorization: Bearer %s"\nmax-time = 30\noutput = "/dev/null"\n' \
      "$url" "$prefix" "$i" "$token"
    if [ "$i" -lt "$WARM_ROUND_SESSIONS" ]; then echo next; fi
  done
}

warm_close_config() { # token prefix: a curl config closing one warm-up round's sessions, its probe's too
  local token=$1 prefix=$2 i url=http://127.0.0.1:$CAPSULE_GATEWAY_PORT/api/sessions
  for i in $(seq 1 "$WARM_ROUND_SESSIONS") probe; do
    printf 'url = "%s/%s-%s"\nrequest = "DELETE"\nfail\nmax-time = 30\noutput = "/dev/null"\n' "$url" "$prefix" "$i"
    printf 'header = "Authorization: Bearer %s"\n' "$token"
    if [ "$i" != probe ]; then echo next; fi
  done
}

stack_cpu_ticks() { # "<all ticks> <JIT compiler threads' ticks>" of the broker and the services, from /proc
  local name pid stats=()
  for name in kafka "${SERVICES[@]}"; do
    pid=$(running_pid "$name") && stats+=(/proc/"$pid"/task/*/stat)
  done
  # A thread's stat is "tid (name) state ...": utime and stime are the 12th and 13th fields after the name.
  awk '{ rest = substr($0, index($0, ") ") + 2); split(rest, f, " "); ticks = f[12] + f[13]; total += ticks
         if ($0 ~ /\(C[12] CompilerThre/) jit += ticks }
       END { printf "%d %d\n", total, jit }' "${stats[@]}" 2>/dev/null
}

close_session() { # token session: closes the session now; left open, the idle sweep closes it half an hour later,
  # inside whatever runs then (bench/…/capsule/SessionCloser.java says what that cost a bench)
  curl -sf -o /dev/null -m 30 -H "Authorization: Bearer $1" -X DELETE "http://127.0.0.1:$CAPSULE_GATEWAY_PORT/api/sessions/$2" \
    || warn "could not close session $2; the idle sweep closes it later"
}

warm_say() { # token session text accept: sends one message, prints the answer's HTTP status and how long it took in ms
  curl -s -o /dev/null -m 30 -w '%{http_code} %{time_total}' -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
    -H "Accept: $4" -X POST "http://127.0.0.1:$CAPSULE_GATEWAY_PORT/api/sessions/$2/messages" -d "{\"text\":\"$3\"}" \
    | awk '{printf "%s %d\n", $1, $2 * 1000}'
}
