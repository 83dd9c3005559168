#!/usr/bin/env bash
# Load and fault benchmark of imgsearch-server on 127.0.0.1 only, bounded in time (4 phases of SECONDS each); the
# server runs in this JVM, the clients in a second one it starts.
# Usage: benchmarks/server/run.sh [SECONDS_PER_PHASE=60] [ROWS=10000]   Environment: JAVA (default java), HEAP (512m), BENCH_OPTS (e.g.
# -Dbench.flood=corrupt,bomb: the kinds of bad upload, default oversized,corrupt,bomb), SERVER_CPUS and CLIENT_CPUS
# (taskset CPU lists, e.g. 0 and 1: the server and the clients on different cores, so the flood's senders cannot
# take the server's CPU).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# The build needs a JDK 21+ (tools/jdk21.sh finds one, whatever java is first on the PATH).
source "$root/tools/jdk21.sh"
out="$here/target"
mkdir -p "$out/classes"
# One reactor run packages the server and what it needs, and writes its test class path (the pipeline test-jar's
# ColorEmbedder embeds the images, so no model is needed; the Lucene store holds the rows).
(cd "$root" && ./mvnw -B -ntp -q package dependency:build-classpath -pl server -am -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt")
server_jar="$(ls "$root"/server/target/imgsearch-server-*.jar | grep -v tests | head -1)"
cp="$server_jar:$(cat "$out/classpath.txt")"
"${JAVA:-$JAVA_HOME/bin/java}" -version 2>&1 | head -1
"$JAVA_HOME/bin/javac" --release 17 -d "$out/classes" -cp "$cp" "$here/ServerBench.java"
echo "$(nproc) cores; $(uptime | sed 's/.*load/load/')"
pin=(); [ -z "${SERVER_CPUS:-}" ] || pin=(taskset -c "$SERVER_CPUS")
exec ${pin[@]+"${pin[@]}"} "${JAVA:-$JAVA_HOME/bin/java}" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx"${HEAP:-512m}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dbench.clientCpus="${CLIENT_CPUS:-}" ${BENCH_OPTS:-} -cp "$out/classes:$cp" \
  ServerBench "${1:-60}" "${2:-10000}"
