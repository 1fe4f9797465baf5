# Sourced by bin/warren and bin/test: sets WARREN_JAVA_HOME to a JDK 21 or newer and
# WARREN_JAVA_MAJOR to its major version.
# Looks at $JAVA_HOME, then the java on PATH, then the usual JVM folders; the first JDK
# whose major version is >= 21 wins. Exits with a clear message when there is none.

warren_java_major() { # $1 = path to a java binary; prints its major version
  "$1" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

warren_find_java() {
  local candidates=() dir
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
             /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$dir" ] && candidates+=("$dir")
  done
  for dir in "${candidates[@]}"; do
    if [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ]; then
      local major
      major=$(warren_java_major "$dir/bin/java")
      if [ -n "$major" ] && [ "$major" -ge 21 ]; then
        WARREN_JAVA_HOME="$dir"
        WARREN_JAVA_MAJOR="$major"
        return 0
      fi
    fi
  done
  echo "warren: no JDK 21 or newer found." >&2
  echo "  looked at: \$JAVA_HOME (${JAVA_HOME:-unset}), the java on PATH, /usr/lib/jvm/*, /usr/java/*, /opt/java/*" >&2
  echo "  install one (e.g. 'apt-get install openjdk-21-jdk-headless') or set JAVA_HOME to it." >&2
  return 1
}
