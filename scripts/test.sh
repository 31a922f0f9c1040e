# ./capsule test: the whole suite, unit and integration, in one Maven run. The tests start
# their own Kafka broker (in-process), Redis and PostgreSQL (processes, on free ports), so
# nothing needs to run beforehand; this only makes sure the programs are installed (and Chromium
# for the web chat's browser tests, and kubectl and the schemas for deploy-tests). Sourced.

run_tests() {
  find_jdk
  ensure_servers_installed
  ensure_browser_installed
  ensure_deploy_tools_installed
  say "Capsule: running the test suite with JDK $JAVA_VERSION ($JAVA_HOME)"
  local status=0
  mkdir -p "$CAPSULE_HOME"; touch "$CAPSULE_HOME/test-run.stamp"
  (cd "$ROOT" && mvnw install "$@") || status=$?
  summarize_tests
  return $status
}

# One closing line with the counts over every module's Surefire reports.
summarize_tests() {
  local totals
  # Not the reports of projects the tests make under a module's target (ScaffoldIT's app): the test that ran them counts.
  totals=$(find "$ROOT" \( -path '*/target/surefire-reports/TEST-*.xml' -o -path '*/target/failsafe-reports/TEST-*.xml' \) \
      -not -path '*/target/*/target/*' -newer "$CAPSULE_HOME/test-run.stamp" -print0 2>/dev/null \
    | xargs -0 -r grep -h -o '<testsuite [^>]*>' \
    | awk '{
        match($0, /tests="[0-9]+"/);    t += substr($0, RSTART + 7, RLENGTH - 8)
        match($0, /failures="[0-9]+"/); f += substr($0, RSTART + 10, RLENGTH - 11)
        match($0, /errors="[0-9]+"/);   e += substr($0, RSTART + 8, RLENGTH - 9)
        match($0, /skipped="[0-9]+"/);  s += substr($0, RSTART + 9, RLENGTH - 10)
      } END { printf "%d %d %d", t - f - e - s, f + e, s }')
  read -r passed failed skipped <<<"${totals:-0 0 0}"
  echo
  echo "tests: $passed passed, $failed failed, $skipped skipped"
}
