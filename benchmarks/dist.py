"""Standalone binary: onedir and onefile sizes, and start-up time to a painted window.

Run from the repository root (no display needed; Qt renders offscreen)::

    .venv/bin/python benchmarks/dist.py             # builds what is missing or stale (cached)
    .venv/bin/python benchmarks/dist.py --no-build  # measures what dist/ holds

Budgets of the standalone binary, on the project's 2-core machines: onedir ≤ 200 MB, onefile ≤
80 MB, start-up of the onedir binary to its first painted window ≤ 1.5 s. Sizes are the bytes of
every file (symlinks as links), in MB = 10^6 bytes (MiB beside them). Start-up: a fresh process
runs the binary with no arguments and ``COMPUTE_ATLAS_BENCH=first-paint``; the app prints the
wall-clock time right after its main window's first paint event and quits (see
``desktop_app/ui/app.py``). Median of 5 starts with fresh settings folders, the first (colder)
start shown too. ``--version`` and ``--selftest`` are timed for reference. Timings are printed
with OK/OVER and never asserted (machines vary 15–30 % run to run). """

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "build_scripts"))
import build  # build_scripts/build.py  # noqa: E402

BUDGET_MB = build.BUDGET_MB
BUDGET_START_S = 1.5
STARTS = 5


def verdict(value: float, budget: float) -> str:
    return "OK" if value <= budget else "OVER"


def scratch_env(**extra: str) -> dict[str, str]:
    scratch = Path(tempfile.mkdtemp(prefix="compute-atlas-bench-dist-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(scratch / var.lower())
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env


def first_paint(exe: Path) -> float:
    env = scratch_env(COMPUTE_ATLAS_BENCH="first-paint")
    start = time.time()
    done = subprocess.run([str(exe)], env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, check=False)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("first-paint ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{exe} did not report its first paint (exit {done.returncode}):\n"
                         f"{done.stdout}{done.stderr}")
    return float(lines[0].split()[1]) - start


def wall(exe: Path, *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([str(exe), *args], env=scratch_env(), capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{exe} {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - start


def report(form: str, onefile: bool, build_first: bool) -> None:
    exe = build.build(onefile=onefile) if build_first else build.executable(onefile)
    if not exe.is_file():
        print(f"{form}: no binary at {exe} (run without --no-build)")
        return
    size = build.size_bytes(build.output_path(onefile))
    print(f"\n{form} ({build.output_path(onefile).relative_to(ROOT)}):")
    print(f"   size {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB)")
    print(f"   BUDGET size {size / 1e6:.1f} MB vs ≤ {BUDGET_MB[form]} MB → "
          f"{verdict(size / 1e6, BUDGET_MB[form])}")
    times = [first_paint(exe) for _ in range(STARTS)]
    median = statistics.median(times)
    print(f"   start-up to first painted window, {STARTS} starts: first {times[0]:.3f} s, "
          f"median {median:.3f} s, min {min(times):.3f} s, max {max(times):.3f} s")
    if form == "onedir":
        print(f"   BUDGET start-up median {median:.3f} s vs ≤ {BUDGET_START_S} s → "
              f"{verdict(median, BUDGET_START_S)}")
    version = statistics.median(wall(exe, "--version") for _ in range(3))
    selftest = wall(exe, "--selftest")
    print(f"   for reference: --version {version:.3f} s (median of 3), --selftest {selftest:.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="measure the existing dist/")
    args = parser.parse_args(argv)
    print(f"compute-atlas {build.version()} standalone binary, {sys.platform}, "
          f"{os.cpu_count()} CPUs (shared machines: timings vary run to run)")
    report("onedir", False, not args.no_build)
    report("onefile", True, not args.no_build)
    return 0


if __name__ == "__main__":
    sys.exit(main())
