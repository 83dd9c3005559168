#!/usr/bin/env bash
# Runs one of the examples from the repository root:
#   examples/run.sh <Program> [options]      e.g. examples/run.sh TextImageSearch --images ./images_folder/train
# Programs: HelloMilvus, PaintingSearch, TextImageSearch, ChineseTextImageSearch, ReverseImageSearch, HybridSearch,
# SimilarImages (image-to-image search with a real ImageNet network, EfficientNet-Lite0),
# WebSearch (a search page in the browser: examples/run.sh WebSearch --images DIR, then open http://127.0.0.1:8080/)
# (add --help for each one's options). The first run builds the examples and their modules with the Maven wrapper
# (tests skipped); later runs build again only when a pom or a source file changed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
programs="HelloMilvus PaintingSearch TextImageSearch ChineseTextImageSearch ReverseImageSearch HybridSearch SimilarImages WebSearch"
if [ $# -lt 1 ] || ! [[ " $programs " == *" $1 "* ]]; then
  echo "usage: examples/run.sh <Program> [options]" >&2
  echo "programs: $programs" >&2
  exit 2
fi
program=$1
shift

# A JDK 21+ for the build and the run (tools/jdk21.sh), whatever java is first on the PATH.
source "$root/tools/jdk21.sh"

target="$root/examples/target"
classpath_file="$target/classpath.txt"
stale=no
if [ ! -f "$classpath_file" ] || ! ls "$target"/imgsearch-examples-*.jar >/dev/null 2>&1; then
  stale=yes
elif [ -n "$(find "$root/pom.xml" "$root"/{core,image,pipeline,embedders-common,embedders-onnx,store-lucene,store-milvus,server,examples}/pom.xml \
    "$root"/{core,image,pipeline,embedders-common,embedders-onnx,store-lucene,store-milvus,server,examples}/src/main -newer "$classpath_file" -print -quit)" ]; then
  stale=yes
fi
if [ "$stale" = yes ]; then
  echo "[run.sh] building the examples (once; tests skipped) ..." >&2
  (cd "$root" && ./mvnw -q -B -ntp -pl examples -am package -DskipTests \
    dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime) >&2
fi
jar=$(ls "$target"/imgsearch-examples-*.jar | grep -v -- '-tests.jar' | head -1)

# -Xss4m: ONNX Runtime 1.29 can crash when a model is loaded on the main thread with the default stack.
# The embedded store is on Lucene 10, which needs Java 21+; its SIMD code needs the flags of the README ("Running: JVM
# flags"): the vector module and native access, and past Java 27 the feature version it may use.
java_opts=(-Xss4m --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
feature=$(jdk_feature "$JAVA_HOME")
if [ "$feature" -gt 27 ]; then
  java_opts+=("-Dorg.apache.lucene.vectorization.upperJavaFeatureVersion=$feature")
fi
# --model efficientnet-lite0 names the model test.sh's set-up converts into the repository's .cache/models.
export IMGSEARCH_MODELS="${IMGSEARCH_MODELS:-$root/.cache/models}"
exec "$JAVA_HOME/bin/java" "${java_opts[@]}" ${JAVA_OPTS:-} -cp "$jar:$(cat "$classpath_file")" "dev.imgsearch.examples.$program" "$@"
