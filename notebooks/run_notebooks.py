"""Executes the Java notebooks headlessly (nbclient); called by notebooks/run-all.sh, which sets JUPYTER_PATH.

Usage: run_notebooks.py OUT_DIR NOTEBOOK...
Writes each executed copy to OUT_DIR/<name>.ipynb (also when it fails, with the error in the cell output), prints
one line per notebook and then "N passed, N failed"; exits 1 on any failure. A kernel that does not come up (the
rapaio kernel hangs at start in about 1 start in 20) is retried up to 3 times; a failing cell is never retried.
"""
import atexit
import os
import sys
import time
import warnings

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

# Older notebooks (the CLIP recipe) have cells without ids; reading them is fine.
warnings.filterwarnings("ignore", message="Code cell is missing an id field")

KERNEL = "synthscope-java"
START_ATTEMPTS = 3
CELL_TIMEOUT_S = int(os.environ.get("SYNTHSCOPE_NB_CELL_TIMEOUT", "900"))


def run_one(path, out_dir, cwd):
    name = os.path.basename(path)
    for attempt in range(1, START_ATTEMPTS + 1):
        nb = nbformat.read(path, as_version=4)
        started = []
        client = NotebookClient(
            nb,
            kernel_name=KERNEL,
            timeout=CELL_TIMEOUT_S,
            startup_timeout=30,
            resources={"metadata": {"path": cwd}},
            on_notebook_start=lambda **kw: started.append(True),
        )
        t0 = time.monotonic()
        error = None
        try:
            client.execute()
        except CellExecutionError as e:
            error = e
        except Exception as e:  # kernel start-up or protocol failure
            error = e
        finally:
            nbformat.write(nb, os.path.join(out_dir, name))
        secs = time.monotonic() - t0
        if error is None:
            print(f"PASS {name} ({secs:.0f} s)", flush=True)
            return True
        if not started:
            atexit.unregister(client._cleanup_kernel)  # nothing to clean up; its atexit hook would only assert
        if not started and attempt < START_ATTEMPTS:
            print(f"retry {name}: kernel did not start ({type(error).__name__}: {error})", flush=True)
            continue
        print(f"FAIL {name} ({secs:.0f} s): {type(error).__name__}: {str(error)[-2000:]}", flush=True)
        if os.environ.get("SYNTHSCOPE_KERNEL_LOG"):
            print(f"     executed copy: {os.path.join(out_dir, name)}; kernel log: {os.environ['SYNTHSCOPE_KERNEL_LOG']}",
                  flush=True)
        return False
    return False


def main(argv):
    out_dir, notebooks = argv[1], argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    cwd = os.getcwd()
    passed = failed = 0
    for path in notebooks:
        spec = nbformat.read(path, as_version=4).metadata.get("kernelspec", {}).get("name")
        if spec != KERNEL:
            print(f"skip {os.path.basename(path)} (kernel {spec}, not {KERNEL})", flush=True)
            continue
        if run_one(path, out_dir, cwd):
            passed += 1
        else:
            failed += 1
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
