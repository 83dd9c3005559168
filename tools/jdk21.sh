# Sourced by test.sh, examples/run.sh and the benchmark scripts: finds a JDK 21+ (store-lucene is on Lucene 10; the
# other modules still compile to Java 17) and exports JAVA_HOME: JAVA_HOME itself if it is one, else the newest
# JDK 21+ in the usual install directories, and puts its bin/ first on the PATH so that the scripts' java and javac
# are that JDK's. Without one it stops with one line saying what to install.
jdk_feature() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/javac" ] || ! [ "$(jdk_feature "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
  JAVA_HOME=$(for j in /usr/lib/jvm/* /opt/java /opt/java/* /usr/local/java /usr/local/java/* /usr/local/jdk* /usr/local/openjdk*; do
    [ -x "$j/bin/javac" ] && f=$(jdk_feature "$j") && [ "${f:-0}" -ge 21 ] 2>/dev/null && echo "$f $j" || true; done | sort -n | tail -1 | cut -d' ' -f2-)
  [ -n "$JAVA_HOME" ] || { echo "no JDK 21+ found (JAVA_HOME, /usr/lib/jvm, /opt/java, /usr/local): install one, e.g. apt-get install openjdk-21-jdk (or Temurin 21+), or set JAVA_HOME to it." >&2; exit 1; }
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
