#!/usr/bin/env bash
# notebooks/run-all.sh [--fetch] [NOTEBOOK.ipynb...] — execute the Java notebooks headlessly, as CI does.
#
# Builds job/target once when the jar is missing, fetches the rapaio Jupyter kernel and XChart from Maven into
# target/notebook-kernel/ when missing, then runs every notebooks/*.ipynb whose kernel is `synthscope-java` (or
# the ones named) with /usr/bin/python3 + nbclient. Executed copies go to target/notebooks/; work files (audit and
# augmentation outputs) to target/notebooks/work/, the kernels' log to target/notebooks/kernel.log. Prints "N passed, N failed"; exit 1 on any failure.
# --fetch: only prepare the kernel (build + fetch), run nothing (for opening the notebooks in Jupyter).
# Needs the Debian packages python3-nbclient and python3-ipykernel (jupyter-nbconvert for `jupyter` itself).
set -euo pipefail

ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RJK_VERSION=3.0.1
XCHART_VERSION=3.8.8
KDIR="$ROOT/target/notebook-kernel"

fetch_only=false
NOTEBOOKS=()
for a in "$@"; do
  case "$a" in
    --fetch) fetch_only=true ;;
    *) NOTEBOOKS+=("$a") ;;
  esac
done

if ! compgen -G "job/target/synthscope-job-*.jar" >/dev/null || [[ ! -d job/target/lib || ! -f job/target/launcher/jvm.options ]]; then
  echo "notebooks: building job/target (mvn -B -q -DskipTests package) ..." >&2
  mvn -B -q -DskipTests package </dev/null >&2
fi

fetch() { # groupId:artifactId:version destination-file
  local gav="$1" dest="$2" tmp="$KDIR/.fetch"
  [[ -f "$dest" ]] && return 0
  rm -rf "$tmp"
  mvn -B -q -N dependency:copy "-Dartifact=$gav" "-DoutputDirectory=$tmp" </dev/null >&2
  mkdir -p "$(dirname "$dest")"
  mv "$tmp"/*.jar "$dest"
  rm -rf "$tmp"
}
fetch "io.github.padreati:rapaio-jupyter-kernel:$RJK_VERSION" "$KDIR/rapaio-jupyter-kernel.jar"
fetch "org.knowm.xchart:xchart:$XCHART_VERSION" "$KDIR/lib/xchart-$XCHART_VERSION.jar"

export JUPYTER_PATH="$ROOT/notebooks${JUPYTER_PATH:+:$JUPYTER_PATH}"
if [[ "$fetch_only" == true ]]; then
  echo "kernel ready: JUPYTER_PATH=$JUPYTER_PATH (kernel synthscope-java)"
  exit 0
fi

if ((${#NOTEBOOKS[@]} == 0)); then
  NOTEBOOKS=(notebooks/*.ipynb)
fi
OUT="$ROOT/target/notebooks"
mkdir -p "$OUT/work"
# Notebooks put their work files under SYNTHSCOPE_NB_WORK (they default to the same folder when opened by hand).
export SYNTHSCOPE_NB_WORK="$OUT/work"
# Jupyter's runtime files (connection files) stay in the repository's target/, not the home folder.
export JUPYTER_RUNTIME_DIR="$OUT/runtime"
export JUPYTER_DATA_DIR="$OUT/jupyter-data"
# The kernels' own log lines (not cell output) go to a file; the runner names it when a notebook fails.
export SYNTHSCOPE_KERNEL_LOG="$OUT/kernel.log"
rm -f "$SYNTHSCOPE_KERNEL_LOG"
exec /usr/bin/python3 "$ROOT/notebooks/run_notebooks.py" "$OUT" "${NOTEBOOKS[@]}"
