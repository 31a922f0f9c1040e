# Sourced by ./mvnw before anything else. A Capsule app builds with a JDK 21 or newer; where JAVA_HOME is unset
# or older (a machine whose default java is 17, say), this takes the newest JDK 21+ it finds: java on the PATH,
# then /usr/lib/jvm. An explicit JAVA_HOME of 21 or newer always wins.
capsule_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1
}
if [ -z "${JAVA_HOME-}" ] || [ "$(capsule_java_major "$JAVA_HOME" 2>/dev/null || echo 0)" -lt 21 ] 2>/dev/null; then
  capsule_best= capsule_best_v=0
  capsule_on_path=$(command -v java 2>/dev/null) && capsule_on_path=$(dirname "$(dirname "$(readlink -f "$capsule_on_path")")")
  for capsule_jdk in $capsule_on_path /usr/lib/jvm/*; do
    [ -x "$capsule_jdk/bin/javac" ] || continue
    capsule_v=$(capsule_java_major "$capsule_jdk")
    if [ "${capsule_v:-0}" -ge 21 ] && [ "${capsule_v:-0}" -gt "$capsule_best_v" ]; then
      capsule_best=$capsule_jdk capsule_best_v=$capsule_v
    fi
  done
  if [ -z "$capsule_best" ]; then
    echo "mvnw: this Capsule app needs a JDK 21 or newer; none found (JAVA_HOME, java on the PATH, /usr/lib/jvm)." >&2
    echo "      Install one (apt-get install openjdk-21-jdk-headless) or set JAVA_HOME to it." >&2
    exit 1
  fi
  JAVA_HOME=$capsule_best
  export JAVA_HOME
fi
