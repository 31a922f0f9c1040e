# Your own app: `./capsule new` scaffolds one outside this repository, `./capsule up --app` runs the stack
# with it in place of the demo, `./capsule dev --app` runs it in Quarkus dev mode against the running stack.
# Sourced.

SCAFFOLD=$ROOT/scaffold
# The libraries an app builds against, installed into the local Maven repository (~/.m2).
APP_LIBRARIES=(capsule-runtime capsule-test-kit)

# --- ./capsule new <dir> [--package <java.package>] ---------------------------------------------
cmd_new() {
  local dir="" pkg="" name artifact class
  while [ $# -gt 0 ]; do
    case $1 in
      --package) [ $# -ge 2 ] || die "--package needs a Java package name, e.g. --package com.example.hello"; pkg=$2; shift 2 ;;
      -*) die "unknown option '$1'. Usage: ./capsule new <dir> [--package <java.package>]" ;;
      *) [ -z "$dir" ] || die "one folder only. Usage: ./capsule new <dir> [--package <java.package>]"; dir=$1; shift ;;
    esac
  done
  [ -n "$dir" ] || die "usage: ./capsule new <dir> [--package <java.package>]"
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then die "$dir exists and is not empty: choose a new folder"; fi
  name=$(basename "$dir")
  artifact=$(printf '%s' "$name" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' '-' | sed 's/^-*//; s/-*$//')
  [[ $artifact =~ ^[a-z] ]] || die "the folder's name '$name' must start with a letter: it names the app"
  [ -n "$pkg" ] || pkg=com.example.$(printf '%s' "$artifact" | tr -d -- '-')
  valid_package "$pkg" || die "'$pkg' is not a Java package name: lower-case words of letters, digits and '_' joined by '.', none a Java keyword, e.g. com.example.hello"
  # hello → HelloApp, my-bot → MyBotApp
  class=$(printf '%s' "$artifact" | awk -F- '{ for (i = 1; i <= NF; i++) printf "%s%s", toupper(substr($i, 1, 1)), substr($i, 2) }')App

  find_jdk
  mkdir -p "$CAPSULE_LOG_DIR"
  # The app's integration test runs against Redis and PostgreSQL from the machine's packages.
  ensure_servers_installed
  install_app_libraries
  mkdir -p "$dir" || die "cannot create $dir"
  dir=$(cd "$dir" && pwd)
  step "writing $artifact (package $pkg, handler $class) into $dir"
  copy_scaffold "$dir" "$artifact" "$pkg" "$class"
  cat <<MSG

Your app is in $dir. Next:
  cd $dir && ./mvnw verify                     # its unit and integration tests
  $ROOT/capsule up --app $dir     # the stack, running your app
  $ROOT/capsule chat              # talk to it
MSG
}

JAVA_KEYWORDS=" abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for goto if implements import instanceof int interface long native new package private protected public return short static strictfp super switch synchronized this throw throws transient try void volatile while true false null _ "

valid_package() {
  local part
  [[ $1 =~ ^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$ ]] || return 1
  for part in ${1//./ }; do [[ $JAVA_KEYWORDS == *" $part "* ]] && return 1; done
  return 0
}

copy_scaffold() { # dir artifact package class
  local dir=$1 artifact=$2 pkg=$3 class=$4 pkg_path rel dest quarkus_version capsule_version surefire_version f
  pkg_path=${pkg//.//}
  capsule_version=$(pom_property project.version)
  quarkus_version=$(pom_property quarkus.platform.version)
  surefire_version=$(pom_property surefire.version)
  (cd "$SCAFFOLD" && find . -type f) | while read -r f; do
    rel=${f#./}; rel=${rel//APP_PACKAGE/$pkg_path}; rel=${rel//APP_CLASS/$class}
    dest=$dir/$rel
    mkdir -p "$(dirname "$dest")"
    sed -e "s|__PACKAGE_PATH__|$pkg_path|g" -e "s|__PACKAGE__|$pkg|g" -e "s|__APP_CLASS__|$class|g" \
        -e "s|__ARTIFACT_ID__|$artifact|g" -e "s|__GROUP_ID__|$pkg|g" -e "s|__CAPSULE_VERSION__|$capsule_version|g" \
        -e "s|__QUARKUS_VERSION__|$quarkus_version|g" -e "s|__SUREFIRE_VERSION__|$surefire_version|g" \
        -e "s|__CAPSULE_ROOT__|$ROOT|g" "$SCAFFOLD/$f" >"$dest"
  done
  # The app's own Maven wrapper: Capsule's, which first finds a JDK 21+ (.mvn/jdk.sh).
  mkdir -p "$dir/.mvn/wrapper"
  cp "$ROOT/.mvn/wrapper/maven-wrapper.properties" "$dir/.mvn/wrapper/"
  sed '1a . "$(dirname "$0")/.mvn/jdk.sh"' "$ROOT/mvnw" >"$dir/mvnw"
  chmod +x "$dir/mvnw"
}

pom_property() { # name: the value of a property (or project.version) in Capsule's root pom
  if [ "$1" = project.version ]; then
    sed -n '/<parent>/,/<\/parent>/!{s|^  <version>\(.*\)</version>|\1|p}' "$ROOT/pom.xml" | head -n 1
  else
    sed -n "s|.*<$1>\(.*\)</$1>.*|\1|p" "$ROOT/pom.xml" | head -n 1
  fi
}

# The runtime and the test kit into ~/.m2, where an app's build finds them; again only when their sources changed.
install_app_libraries() {
  local stamp=$CAPSULE_HOME/app-libraries.stamp log=$CAPSULE_LOG_DIR/app-libraries.log
  if [ -f "$stamp" ] && [ -z "$(cd "$ROOT" && find . \( -path ./.capsule -o -name target -o -name node_modules -o -path ./.git \) -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$stamp" -print -quit)" ]; then
    return
  fi
  step "installing Capsule's runtime and test kit into the local Maven repository (log: $log)"
  (cd "$ROOT" && mvnw install -DskipTests -pl "$(IFS=,; echo "${APP_LIBRARIES[*]}")" -am) >"$log" 2>&1 \
    || { tail -25 "$log" >&2; die "installing Capsule's libraries failed; see $log"; }
  mkdir -p "$CAPSULE_HOME"; touch "$stamp"
}

# --- The app `up` and `dev` run. -------------------------------------------------------------
app_dir() { # dir: the app's absolute folder, after checking that it is one
  local dir
  [ -d "$1" ] || die "no folder $1: give the folder of an app made by ./capsule new"
  dir=$(cd "$1" && pwd)
  [ -f "$dir/pom.xml" ] || die "$1 is not a Capsule app: it has no pom.xml (./capsule new makes one)"
  [ -x "$dir/mvnw" ] || in_repository "$dir" || die "$1 has no ./mvnw: an app builds with its own Maven wrapper (./capsule new makes one)"
  echo "$dir"
}

# An example app of this repository (examples/assistant) is a module of its build, with no wrapper of its own.
in_repository() { case $1/ in "$ROOT"/*) return 0 ;; esac; return 1; }

app_mvnw() { # dir: the Maven wrapper that builds the app
  if [ -x "$1/mvnw" ]; then echo "$1/mvnw"; else echo "$ROOT/mvnw"; fi
}

build_app() { # dir: packages the app's session-service
  local dir=$1 log=$CAPSULE_LOG_DIR/app-build.log
  install_app_libraries
  step "building the app in $dir (log: $log)"
  if [ -x "$dir/mvnw" ]; then
    (cd "$dir" && ./mvnw -B package -DskipTests) >"$log" 2>&1
  else
    (cd "$ROOT" && mvnw install -DskipTests -pl "${dir#"$ROOT"/}" -am) >"$log" 2>&1
  fi \
    || { tail -25 "$log" >&2; die "the app's build failed; see $log"; }
  [ -f "$dir/target/quarkus-app/quarkus-run.jar" ] || die "the app's build made no target/quarkus-app/quarkus-run.jar: is it a Quarkus app? see $log"
}

# The jar session-service runs: the app's, when `up --app` chose one, else the demo's.
session_service_jar() {
  if [ -n "${CAPSULE_APP:-}" ]; then echo "$CAPSULE_APP/target/quarkus-app/quarkus-run.jar"
  else echo "$ROOT/session-service/target/quarkus-app/quarkus-run.jar"; fi
}

# --- ./capsule dev --app <dir> ------------------------------------------------------------------
cmd_dev() {
  local dir=""
  [ "${1:-}" = --app ] && [ $# -eq 2 ] || die "usage: ./capsule dev --app <dir>"
  dir=$(app_dir "$2")
  find_jdk
  local c
  for c in kafka redis postgres gateway-service; do
    running_pid "$c" >/dev/null || die "$c is not running: start the stack first with ./capsule up --app $dir"
  done
  install_app_libraries
  if running_pid session-service >/dev/null; then
    step "stopping the stack's session-service: dev mode takes its place"
    stop_component session-service
  fi
  step "starting $dir in Quarkus dev mode on :$CAPSULE_SESSION_PORT (Ctrl-C stops it); a saved edit answers the next message"
  (
    cd "$dir" || exit 1
    service_env session-service
    "$(app_mvnw "$dir")" -B quarkus:dev -Dquarkus.http.port="$CAPSULE_SESSION_PORT"
  )
  say "dev mode ended. ./capsule up --app $dir runs the app's packaged session-service again."
}

running_app_name() { # what the stack's session-service runs
  local app; app=$(cat "$CAPSULE_RUN_DIR/session-service.app" 2>/dev/null)
  echo "${app:-the demo app}"
}
