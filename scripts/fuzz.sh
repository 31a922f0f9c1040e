# ./capsule fuzz: the fuzzers at full size, 100,000 generated inputs in all, against the services' real code on
# real servers (the same tests the suite runs smaller): event decoding (40,000 records, capsule-kafka), the
# gateway's API (30,000 requests) and chat socket (15,000 frames), and the channels' webhooks (15,000 signed
# bodies). No answer may be 500 or above and nothing may crash; each fuzzer prints its count and its seed.
# Sourced.

run_fuzz() {
  local seed=""
  while [ $# -gt 0 ]; do
    case $1 in
      --seed) [ $# -ge 2 ] || die "usage: ./capsule fuzz [--seed N]"; seed=$2; shift 2 ;;
      -h|--help) echo "usage: ./capsule fuzz [--seed N]   (N: a seed a run printed, to send the same inputs again)"; return 0 ;;
      *) die "unknown option '$1'. Usage: ./capsule fuzz [--seed N]" ;;
    esac
  done
  find_jdk
  ensure_servers_installed
  local modules=capsule-kafka,gateway-service,channel-adapters log="$CAPSULE_LOG_DIR/fuzz.log" status=0
  mkdir -p "$CAPSULE_LOG_DIR"
  say "Capsule fuzz: building, then 100,000 generated inputs (output in $log)"
  (cd "$ROOT" && mvnw -q install -DskipTests -pl "$modules" -am) >"$log" 2>&1 || { tail -30 "$log"; die "the build failed: see $log"; }
  (cd "$ROOT" && mvnw test -pl "$modules" -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false \
      -Dcapsule.fuzz.api-inputs=30000 -Dcapsule.fuzz.frame-inputs=15000 -Dcapsule.fuzz.webhook-inputs=15000 \
      ${seed:+-Dcapsule.fuzz.seed=$seed}) >>"$log" 2>&1 || status=$?
  # The fuzzers' own lines (counts, seeds, answers by status, failures), and jqwik's for event decoding.
  grep -a -E '^fuzz [^:]+: [0-9]+ inputs|^  [0-9]{3} for |^  no answer|^  a socket|^tries = |^seed = |Tests run:.*FuzzTest|FAIL' "$log"
  local total
  total=$(grep -a -o -E '^fuzz [^:]+: [0-9]+ inputs' "$log" | awk '{s += $(NF-1)} END {print s + 0}')
  total=$((total + $(grep -a -E '^tries = [0-9]+' "$log" | awk '{s += $3} END {print s + 0}')))
  echo
  if [ $status -eq 0 ]; then
    say "fuzz: $total inputs, no answer of 500 or above, no crash"
  else
    say "fuzz: FAILED after $total inputs: see the lines above and $log"
  fi
  return $status
}
