#!/usr/bin/env bash
# Lucene store vs FAISS, in one run: the same clustered vectors (fixed seed), queries, M and efConstruction.
# Usage: benchmarks/lucene/run.sh [N] [DIM] [QUERIES]   (defaults 100000 512 1000)
# Sizes: 100000 (the default, about 25 minutes with ROUNDS=3 on 2 cores) and 1000000 (run.sh 1000000 512 500: about an
# hour of both cores; PARALLEL=1 and VARIANTS=float shorten it).
# Environment: M (16), EF_CONSTRUCTION (100), EFS (10,12,16,20,24,32,40,48,64,96,128,192,256), THREADS (1), JAVA (a
# Java 21+ runtime; default: JAVA_HOME's if 21+, else the newest JDK 21+ under /usr/lib/jvm, /opt/java, /usr/local),
# VARIANTS (float,sq8,sq4,sq1: the Lucene graphs; sqN are scalar-quantised, timed with and without re-ranking),
# SKIP_FAISS (reuse the last FAISS results for this data set), PARALLEL (run the FAISS and Lucene sides at the same
# time, each on its own thread: for the large data set on a machine with cores to spare; compare by CPU time), JAVA_OPTS (more JVM options), OUT (results folder;
# default target/results-N-DIM-QUERIES), CEILING (also time the same queries straight on Lucene, see LuceneBench).
# ROUNDS=R: instead of the full run, time the HNSW sweeps only, FAISS and Lucene (VARIANTS, with the ceiling) in
# turns R times, on indexes built once and kept (target/faiss-*.index, OUT/store-kept), then exact search (FLAT vs
# IndexFlatL2) once; the report gives each round's ratio at equal recall (median and range over the rounds) and each
# side's best round per ef. For a noisy machine: both sides are timed close together, R times. With LUCENE_ONLY set,
# the rounds time the store against bare Lucene only (no FAISS, exact or filtered search): the store's overhead.
# Results: OUT/faiss.jsonl, OUT/lucene.jsonl, OUT/report.txt. The Java side runs on a copy of the compiled classes
# taken at the start, so rebuilding the project while a long run goes on does not change it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-100000}"; dim="${2:-512}"; nq="${3:-1000}"
m="${M:-16}"; efc="${EF_CONSTRUCTION:-100}"; efs="${EFS:-10,12,16,20,24,32,40,48,64,96,128,192,256}"; threads="${THREADS:-1}"; variants="${VARIANTS:-float,sq8,sq4,sq1}"
work="$here/target"; data="$work/data-$n-$dim-$nq"; out="${OUT:-$work/results-$n-$dim-$nq}"
mkdir -p "$work" "$out"

if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q -r "$here/requirements.txt"
fi
py="$here/.venv/bin/python"
[ -f "$data/meta.json" ] || "$py" "$here/data.py" "$data" "$n" "$dim" "$nq"

# A JDK 21+ (Lucene 10): for the Maven wrapper, javac and the Lucene side.
source "$root/tools/jdk21.sh"

# One reactor run packages core and store-lucene and writes store-lucene's runtime classpath (with core's jar).
(cd "$root" && ./mvnw -B -ntp -q package dependency:build-classpath -pl store-lucene -am -DskipTests \
  -Dmdep.includeScope=runtime -Dmdep.outputFile="$out/classpath.txt")
rm -rf "$out/lib" && mkdir -p "$out/lib/classes"
cp -r "$root/store-lucene/target/classes" "$out/lib/store-lucene"
cp "$root"/core/target/imgsearch-core-*.jar "$out/lib/"
core_jar="$(ls "$root"/core/target/imgsearch-core-*.jar | grep -v tests | head -1)"
cp="$out/lib/store-lucene:$(sed "s#$core_jar#$out/lib/$(basename "$core_jar")#" "$out/classpath.txt")"
"$JAVA_HOME/bin/javac" --release 21 -d "$out/lib/classes" -cp "$cp" "$here/LuceneBench.java"

echo "N=$n dim=$dim queries=$nq M=$m efConstruction=$efc threads=$threads  ($(nproc) cores; $(uptime | sed 's/.*load/load/'))"
# JAVA: the JVM for the Lucene side (default: JAVA_HOME's). The flags Lucene 10.6 needs for its SIMD code (README,
# "Running: JVM flags"): the vector module and native access; past Java 27 also its upper Java version.
java="${JAVA:-$JAVA_HOME/bin/java}"
feature="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1)"
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
if [ "$feature" -gt 27 ]; then flags+=(-Dorg.apache.lucene.vectorization.upperJavaFeatureVersion="$feature"); fi
# The heap holds the data set (N x DIM floats) and Lucene's RAM buffer.
heap_mb=$(( n * dim * 4 * 3 / 2 / 1048576 + 3072 ))
lucene=("$java" ${flags[@]+"${flags[@]}"} -Xmx${heap_mb}m ${JAVA_OPTS:-} -cp "$out/lib/classes:$cp" LuceneBench)

if [ -n "${ROUNDS:-}" ]; then
  : > "$out/faiss.jsonl"; : > "$out/lucene.jsonl"
  for round in $(seq "$ROUNDS"); do
    echo "round $round ($(uptime | sed 's/.*load/load/'))"
    echo "{\"round\": $round}" | tee -a "$out/faiss.jsonl" >> "$out/lucene.jsonl"
    [ -n "${LUCENE_ONLY:-}" ] || FAISS_INDEX="$work/faiss-hnsw-$n-$dim-$m-$efc.index" SWEEP_ONLY=1 \
      OMP_NUM_THREADS="$threads" "$py" "$here/faiss_bench.py" "$data" "$m" "$efc" "$efs" "$threads" | tee -a "$out/faiss.jsonl"
    for variant in ${variants//,/ }; do
      "${lucene[@]}" --sweep "$data" "$out/store-kept" "$m" "$efc" "$efs" "$variant" | tee -a "$out/lucene.jsonl"
    done
  done
  if [ -n "${LUCENE_ONLY:-}" ]; then
    "$py" "$here/report.py" "$out/lucene.jsonl" "$out/faiss.jsonl" | tee "$out/report.txt"
    exit 0
  fi
  # Exact search once, both sides (FAISS's HNSW sweep in that run is left out: one ef only, not reported).
  echo '{"round": 0}' | tee -a "$out/faiss.jsonl" >> "$out/lucene.jsonl"
  FAISS_INDEX="$work/faiss-hnsw-$n-$dim-$m-$efc.index" OMP_NUM_THREADS="$threads" \
    "$py" "$here/faiss_bench.py" "$data" "$m" "$efc" 64 "$threads" | grep '"flat"' | tee -a "$out/faiss.jsonl"
  "${lucene[@]}" --flat "$data" "$out/store-kept" | tee -a "$out/lucene.jsonl"
  # Filtered search: the float graph (Lucene's filtered HNSW + the store's exact fallback) against exact search.
  [ -n "${SKIP_FILTERED:-}" ] || "${lucene[@]}" --filtered "$data" "$out/store-kept" 64 | tee "$out/filtered.jsonl"
  "$py" "$here/report.py" "$out/lucene.jsonl" "$out/faiss.jsonl" | tee "$out/report.txt"
  exit 0
fi

rm -rf "$out/store"
faiss_pid=
if [ -z "${SKIP_FAISS:-}" ]; then
  if [ -n "${PARALLEL:-}" ]; then
    OMP_NUM_THREADS="$threads" "$py" "$here/faiss_bench.py" "$data" "$m" "$efc" "$efs" "$threads" > "$out/faiss.jsonl" &
    faiss_pid=$!
  else
    OMP_NUM_THREADS="$threads" "$py" "$here/faiss_bench.py" "$data" "$m" "$efc" "$efs" "$threads" | tee "$out/faiss.jsonl"
  fi
fi
"${lucene[@]}" "$data" "$out/store" "$m" "$efc" "$efs" "$variants" | tee "$out/lucene.jsonl"
rm -rf "$out/store"
if [ -n "$faiss_pid" ]; then wait "$faiss_pid"; cat "$out/faiss.jsonl"; fi
"$py" "$here/report.py" "$out/lucene.jsonl" "$out/faiss.jsonl" | tee "$out/report.txt"
