#!/usr/bin/env bash
# Set up a checkout from nothing on Debian/Ubuntu: the system libraries Qt needs, .venv, and the
# project installed editable with its dev extras. Idempotent and cheap when nothing changed
# (no network, well under a second), so every make target runs it first.
#
# Usage: build_scripts/bootstrap.sh [--gui]
#   --gui   also install the xcb libraries a real window needs (make run); tests and CI only
#           need Qt's offscreen platform.
# Environment: PYTHON=/path/to/python3.X picks the interpreter for a new .venv (default: the
#   first Python >= 3.11 among python3, python3.13, python3.12, python3.11).
#
# Runs as root (CI) or with sudo, never reads stdin (CI has no TTY). Library lists: see the
# "System packages" section of the shared platform notes.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

gui=0
for arg in "$@"; do
    case "$arg" in
        --gui) gui=1 ;;
        -h | --help) sed -n '2,13p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "bootstrap: unknown argument '$arg' (expected --gui)" >&2; exit 2 ;;
    esac
done

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: ERROR: %s\n' "$*" >&2; exit 1; }

# Run a noisy command silently; show its output only if it fails.
quietly() {
    local log status=0
    log=$(mktemp)
    "$@" >"$log" 2>&1 || status=$?
    if ((status != 0)); then
        tail -n 40 "$log" >&2
        printf 'bootstrap: command failed (exit %d): %s\n' "$status" "$*" >&2
    fi
    rm -f "$log"
    return "$status"
}

# ---------------------------------------------------------------- system packages (apt)
offscreen_pkgs=(libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfreetype6 libfontconfig1
    libdbus-1-3 fonts-dejavu-core)
xcb_pkgs=(libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
    libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-xfixes0 libxcb-xkb1 libx11-xcb1)

have_apt() { command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; }

is_installed() {
    # Ubuntu 24.04's 64-bit time_t transition renamed some libraries (libglib2.0-0t64).
    local name
    for name in "$1" "${1}t64"; do
        # shellcheck disable=SC2016  # ${Status} is dpkg-query's field, not a shell variable
        [[ "$(dpkg-query -W -f='${Status}' "$name" 2>/dev/null)" == "install ok installed" ]] &&
            return 0
    done
    return 1
}

# Prefix for commands that need root: nothing as root, else sudo. Dies if neither works.
root_cmd=()
need_root() {
    if ((EUID == 0)); then
        root_cmd=()
    elif command -v sudo >/dev/null 2>&1; then
        # Without a terminal sudo cannot ask for a password: fail instead of hanging.
        if [[ -t 0 ]]; then root_cmd=(sudo); else root_cmd=(sudo -n); fi
    else
        die "not root and no sudo: as root, run: apt-get install $*"
    fi
}

apt_updated=0
apt_install() {
    need_root "$@"
    if ((!apt_updated)); then
        quietly "${root_cmd[@]}" apt-get update -q </dev/null || die "apt-get update failed"
        apt_updated=1
    fi
    # sudo resets the environment, so DEBIAN_FRONTEND goes through env(1).
    quietly "${root_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "$@" </dev/null ||
        die "could not install: $* (try: apt-get install $*)"
}

wanted=("${offscreen_pkgs[@]}")
label="Qt offscreen"
if ((gui)); then
    wanted+=("${xcb_pkgs[@]}")
    label="Qt offscreen + xcb window"
fi

if have_apt; then
    missing=()
    for pkg in "${wanted[@]}"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        say "[1/3] system libraries ($label): installing ${missing[*]}"
        apt_install "${missing[@]}"
    else
        say "[1/3] system libraries ($label): all ${#wanted[@]} present"
    fi
else
    say "[1/3] system libraries: no apt-get/dpkg here (not Debian/Ubuntu), skipping."
    say "      Qt needs the equivalents of: ${wanted[*]}"
fi

# ---------------------------------------------------------------- .venv
py_at_least_311() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }

pick_python() {
    if [[ -n "${PYTHON:-}" ]]; then
        py_at_least_311 "$PYTHON" || die "PYTHON=$PYTHON is not a working Python 3.11 or newer"
        command -v "$PYTHON"
        return
    fi
    local candidate
    for candidate in python3 python3.13 python3.12 python3.11; do
        # A pyenv shim exists for every installed version but fails unless that one is active.
        if command -v "$candidate" >/dev/null 2>&1 && py_at_least_311 "$candidate"; then
            command -v "$candidate"
            return
        fi
    done
    die "Python 3.11 or newer is required; found: $(python3 -V 2>&1 || echo 'no python3').
  Install one (Debian 12: apt-get install python3 python3-venv) or set PYTHON=/path/to/python3.X"
}

venv_usable() {
    [[ -x .venv/bin/python ]] &&
        .venv/bin/python -c 'import sys, pip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

if venv_usable; then
    say "[2/3] .venv: present ($(.venv/bin/python -V 2>&1))"
else
    if [[ -e .venv ]]; then
        say "[2/3] .venv exists but is unusable (no python or pip, or Python < 3.11): recreating"
        rm -rf .venv
    fi
    py=$(pick_python)
    pyver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    # Debian/Ubuntu split ensurepip (which `python3 -m venv` needs) into python3.X-venv.
    if ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        have_apt || die "$py cannot create virtual environments (no ensurepip/venv module)"
        venv_pkg=python${pyver}-venv
        apt-cache show "$venv_pkg" >/dev/null 2>&1 || venv_pkg=python3-venv
        say "[2/3] $py has no working venv module: installing $venv_pkg"
        apt_install "$venv_pkg"
    fi
    say "[2/3] .venv: creating with $py (Python $pyver)"
    if ! quietly "$py" -m venv .venv; then
        rm -rf .venv # a half-made .venv would pass for a real one next time
        die "'$py -m venv .venv' failed (output above)"
    fi
fi

# ---------------------------------------------------------------- project + dev tools
stamp=.venv/.installed-stamp
if [[ ! -e "$stamp" || pyproject.toml -nt "$stamp" ]]; then
    say "[3/3] pip install -e '.[dev]' (first run or pyproject.toml changed; a fresh .venv" \
        "is ~550 MB)"
    started=$SECONDS
    quietly .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]' </dev/null ||
        die "pip install -e '.[dev]' failed (output above)"
    touch "$stamp"
    say "      done in $((SECONDS - started)) s"
else
    say "[3/3] project install: up to date (pyproject.toml unchanged since $stamp)"
fi
