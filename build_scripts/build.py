"""Build the standalone Compute Atlas binary with PyInstaller (``make dist``, ``dist-onefile``).

Usage, from anywhere (paths are relative to the repository root)::

    .venv/bin/python build_scripts/build.py              # onedir: dist/compute-atlas/
    .venv/bin/python build_scripts/build.py --onefile    # onefile: dist/onefile/compute-atlas
    .venv/bin/python build_scripts/build.py --clean      # ignore PyInstaller's cache
    .venv/bin/python build_scripts/build.py --archive    # also a .tar.gz of it in dist/

The spec is ``build_scripts/compute_atlas.spec`` (what goes in and what stays out). PyInstaller's
cache lives inside ``build/`` (``PYINSTALLER_CONFIG_DIR=build/pyinstaller-config``, work folders
``build/pyinstaller/onedir`` and ``.../onefile``), so a rebuild with nothing changed takes a few
seconds and ``make clean`` forgets it. On Linux PyInstaller needs ``objdump`` and ``objcopy``
(binutils): installed with apt-get when missing (as root, or with ``sudo -n``).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "build_scripts" / "compute_atlas.spec"
BUILD = ROOT / "build"
DIST = ROOT / "dist"
NAME = "compute-atlas"
EXE = NAME + (".exe" if sys.platform == "win32" else "")
BUDGET_MB = {"onedir": 200, "onefile": 80}


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"]


def output_path(onefile: bool) -> Path:
    """The built program (onedir: its folder). macOS builds a ``.app`` beside it as well."""
    return DIST / "onefile" / EXE if onefile else DIST / NAME


def executable(onefile: bool) -> Path:
    return output_path(onefile) if onefile else output_path(False) / EXE


def size_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir())


def say(text: str) -> None:
    print(f"build: {text}", flush=True)


def ensure_binutils() -> None:
    """PyInstaller's Linux requirement (objdump to inspect, objcopy for onefile)."""
    if not sys.platform.startswith("linux"):
        return
    if shutil.which("objdump") and shutil.which("objcopy"):
        return
    if not shutil.which("apt-get"):
        sys.exit("build: PyInstaller needs objdump and objcopy: install your distribution's "
                 "binutils package")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    say("installing binutils (PyInstaller needs objdump and objcopy)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-q"],
                ["apt-get", "install", "-y", "-q", "--no-install-recommends", "binutils"]):
        done = subprocess.run([*sudo, *cmd], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, env=env, check=False)
        if done.returncode != 0:
            sys.exit(f"build: `{' '.join(cmd)}` failed:\n{done.stdout[-2000:]}"
                     f"{done.stderr[-2000:]}\nbuild: as root, run: apt-get install binutils")


def ensure_pyinstaller() -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        sys.exit(f"build: PyInstaller is not installed for {sys.executable}: run "
                 "`make bootstrap` (it is in the dev extra) or pip install 'pyinstaller>=6.10'")


def ensure_icons() -> None:
    icons = ROOT / "resources" / "icons" / "app"
    wanted = [icons / f"{NAME}.ico", icons / f"{NAME}.icns", icons / f"{NAME}-256.png"]
    if not all(p.is_file() for p in wanted):
        say("app icon set missing: rendering it (build_scripts/make_icons.py)")
        subprocess.run([sys.executable, str(ROOT / "build_scripts" / "make_icons.py")],
                       check=True)


def build(onefile: bool = False, clean: bool = False) -> Path:
    """Run PyInstaller on the spec; return the executable. Exits with its log on failure."""
    ensure_pyinstaller()
    ensure_binutils()
    ensure_icons()
    form = "onefile" if onefile else "onedir"
    work = BUILD / "pyinstaller" / form
    distpath = output_path(onefile).parent
    log = BUILD / "pyinstaller" / f"{form}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    if clean:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(output_path(onefile), ignore_errors=True)
    env = dict(os.environ, PYINSTALLER_CONFIG_DIR=str(BUILD / "pyinstaller-config"))
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", str(distpath),
           "--workpath", str(work), *(["--clean"] if clean else []), str(SPEC)]
    if onefile:
        cmd += ["--", "--onefile"]
    say(f"{form} build of compute-atlas {version()} (log: {log.relative_to(ROOT)})")
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, check=False)
    elapsed = time.perf_counter() - started
    text = log.read_text(encoding="utf-8", errors="replace")
    if done.returncode != 0:
        print("\n".join(text.splitlines()[-60:]), file=sys.stderr)
        sys.exit(f"build: PyInstaller failed (exit {done.returncode}); full log: {log}")
    for line in text.splitlines():  # the spec's account of what it left out
        if line.startswith(("compute_atlas.spec:", "  - ")):
            print(f"       {line}")
    exe = executable(onefile)
    if not exe.is_file():
        sys.exit(f"build: PyInstaller finished but {exe} is missing; see {log}")
    size = size_bytes(output_path(onefile)) / 1e6
    budget = BUDGET_MB[form]
    say(f"{output_path(onefile).relative_to(ROOT)}: {size:.1f} MB (budget ≤ {budget} MB: "
        f"{'OK' if size <= budget else 'OVER'}), built in {elapsed:.1f} s")
    return exe


def archive(onefile: bool) -> Path:
    """The shippable file: a .tar.gz (a .zip on Windows) holding the onedir folder or the exe."""
    source = output_path(onefile)
    arch = platform.machine().lower().replace("amd64", "x86_64")
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    stem = f"{NAME}-{version()}-{system}-{arch}{'-onefile' if onefile else ''}"
    if sys.platform == "win32":
        target = DIST / f"{stem}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted([source] if source.is_file() else source.rglob("*")):
                zf.write(path, Path(NAME) / path.relative_to(source.parent))
    else:
        target = DIST / f"{stem}.tar.gz"
        with tarfile.open(target, "w:gz", compresslevel=6) as tf:
            tf.add(source, arcname=source.name)
    say(f"{target.relative_to(ROOT)}: {target.stat().st_size / 1e6:.1f} MB")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onefile", action="store_true", help="one self-extracting executable")
    parser.add_argument("--clean", action="store_true", help="rebuild without PyInstaller's cache")
    parser.add_argument("--archive", action="store_true", help="also pack it for shipping")
    args = parser.parse_args(argv)
    build(onefile=args.onefile, clean=args.clean)
    if args.archive:
        archive(args.onefile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
