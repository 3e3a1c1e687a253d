#!/usr/bin/env bash
# Starts the rapaio Jupyter kernel (Java, JShell) with SynthScope on its classpath and bin/synthscope's JVM flags.
# Jupyter finds this kernelspec through JUPYTER_PATH=<repo>/notebooks (notebooks/run-all.sh and notebooks/README.md
# set it); nothing is installed into the home folder.
#
# Needs: job/target/synthscope-job-*.jar, job/target/lib/*, job/target/launcher/jvm.options (mvn -DskipTests package)
# and target/notebook-kernel/ (the kernel jar and XChart: notebooks/run-all.sh --fetch fetches them).
set -euo pipefail

HERE="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd -P "$HERE/../../.." && pwd)"
TARGET="$ROOT/job/target"
KDIR="$ROOT/target/notebook-kernel"

KERNEL_JAR="$KDIR/rapaio-jupyter-kernel.jar"
JAR=""
for f in "$TARGET"/synthscope-job-*.jar; do
  [[ -f "$f" ]] || continue
  case "$f" in *-tests.jar | *-sources.jar | *-javadoc.jar | *-shaded.jar) continue ;; esac
  if [[ -z "$JAR" || "$f" -nt "$JAR" ]]; then JAR="$f"; fi
done
for need in "$KERNEL_JAR" "$JAR" "$TARGET/lib" "$TARGET/launcher/jvm.options"; do
  if [[ -z "$need" || ! -e "$need" ]]; then
    echo "synthscope kernel: missing ${need:-job/target/synthscope-job-*.jar}; run notebooks/run-all.sh --fetch" >&2
    exit 1
  fi
done

# The classpath JShell compiles and runs cells against: the job jar, Spark & co, XChart. RJK_CLASSPATH is split on
# ';' (not ':'), one jar per entry.
CP="$JAR"
for f in "$TARGET"/lib/*.jar "$KDIR"/lib/*.jar; do CP="$CP;$f"; done

# The kernel's own log (its java.util.logging console lines on stderr, the classpath it parsed on stdout) goes to the
# terminal; SYNTHSCOPE_KERNEL_LOG sends both to a file instead (run-all.sh does, so that CI logs stay readable). Cell
# output travels over Jupyter's channels and is not affected.
if [[ -n "${SYNTHSCOPE_KERNEL_LOG:-}" ]]; then
  exec >>"$SYNTHSCOPE_KERNEL_LOG" 2>&1
fi

JVM_FLAGS=()
while IFS= read -r line || [[ -n "$line" ]]; do
  line="${line#"${line%%[![:space:]]*}"}"
  [[ -z "$line" || "$line" == \#* ]] && continue
  read -r -a parts <<<"$line"
  JVM_FLAGS+=("${parts[@]}")
done <"$TARGET/launcher/jvm.options"

STATE="$ROOT/.synthscope"
mkdir -p "$STATE/djl-cache" "$STATE/jna" "$STATE/tmp" "$STATE/spark-local"
export DJL_OFFLINE=true
export DJL_CACHE_DIR="$STATE/djl-cache"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export RJK_CLASSPATH="$CP"
export RJK_INIT_SCRIPT="$HERE/init.jsh"
export RJK_MIMA_CACHE="$STATE/mima-cache"

JAVA="java"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; fi

exec "$JAVA" \
  "-Xmx${SYNTHSCOPE_HEAP:-4g}" \
  "${JVM_FLAGS[@]}" \
  -Dai.djl.offline=true \
  "-DDJL_CACHE_DIR=$STATE/djl-cache" \
  "-Djna.tmpdir=$STATE/jna" \
  "-Djava.io.tmpdir=$STATE/tmp" \
  "-Dspark.local.dir=$STATE/spark-local" \
  "-Dsynthscope.model.cache=$STATE/models" \
  "-Dsynthscope.home=$ROOT" \
  "-Dspark.master=${SYNTHSCOPE_MASTER:-local[*]}" \
  -Dspark.driver.bindAddress=127.0.0.1 \
  -Dspark.driver.host=127.0.0.1 \
  -Dspark.ui.enabled=false \
  -Dspark.ui.showConsoleProgress=false \
  -Dspark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension \
  -Dspark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog \
  "-Dlog4j.configurationFile=$HERE/log4j2.properties" \
  -Djava.awt.headless=true \
  -cp "$KERNEL_JAR" \
  org.rapaio.jupyter.kernel.MainApp "$@"
