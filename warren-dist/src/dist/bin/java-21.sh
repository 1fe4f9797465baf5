# Sourced by bin/warren and bin/warrenctl: sets JAVA to a java (JRE or JDK) of version 21 or
# newer, looking at $WARREN_HOME/runtime (a bundled runtime, if any), $JAVA_HOME, the java on
# PATH, then the usual JVM folders. Says what is missing when there is none.

warren_java_major() { # $1 = a java binary
  "$1" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

warren_find_java() {
  local candidates=() dir major
  [ -x "$WARREN_HOME/runtime/bin/java" ] && candidates+=("$WARREN_HOME/runtime/bin/java")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$dir/bin/java" ] && candidates+=("$dir/bin/java")
  done
  for java in "${candidates[@]}"; do
    major=$(warren_java_major "$java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      JAVA="$java"
      JAVA_MAJOR="$major"
      return 0
    fi
  done
  echo "warren: no Java 21 or newer found (a JRE is enough)." >&2
  echo "  looked at: \$JAVA_HOME (${JAVA_HOME:-unset}), the java on PATH, /usr/lib/jvm/*, /usr/java/*, /opt/java/*" >&2
  echo "  install one (e.g. 'apt-get install openjdk-21-jre-headless') or set JAVA_HOME to it." >&2
  return 1
}
