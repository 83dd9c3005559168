#!/usr/bin/env bash
# Spark job (local[2]) vs ImageIndex on the same machine and images, and the peak heap for a small and a large
# image set. Usage: benchmarks/spark/run.sh [SMALL] [LARGE]   (defaults 1000 10000; see README.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
# The build needs a JDK 21+ (tools/jdk21.sh); Spark 4.2 itself runs on Java 17 or 21 (SPARK_BENCH_JAVA, default java).
source tools/jdk21.sh
SMALL=${1:-1000}
LARGE=${2:-10000}
./mvnw -B -ntp -q -pl spark -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
CP="spark/target/test-classes:spark/target/classes:$(cat spark/target/bench.cp)"
OPENS=$(sed -n '/<spark.moduleOptions>/,/<\/spark.moduleOptions>/p' spark/pom.xml | sed 's/<[^>]*>//g' | tr '\n' ' ')
JAVA=${SPARK_BENCH_JAVA:-java}
run() { SPARK_LOCAL_IP=127.0.0.1 $JAVA -Xmx3g -Xss4m $OPENS -Dspark.testModels=embedders-onnx/src/test/resources/models \
  -cp "$CP" dev.imgsearch.spark.SparkThroughputBench "$1" "$2" "spark/target/bench-images-$1" 2>/dev/null | grep RESULT; }
run "$SMALL" imageindex
run "$SMALL" spark
run "$LARGE" imageindex
run "$LARGE" spark
