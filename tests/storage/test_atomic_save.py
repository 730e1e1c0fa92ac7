"""Save is atomic: ``kill -9`` at any moment of a save leaves the old file or the new one.

A child process (``tests/helpers/save_loop.py``) saves a ~2,000-site model over and over; the
test kills it with SIGKILL at a random moment, many times, and opens the file after each kill.
The file must open, and hold exactly the last model the child finished saving or the one it was
saving. Kill times are drawn from a seeded generator, so a failing run can be replayed.
"""

from __future__ import annotations

import importlib.util
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from desktop_app.storage.document import read_model, write_model

HELPER = Path(__file__).resolve().parents[1] / "helpers" / "save_loop.py"
REPO = HELPER.parents[2]
RUNS = 40
SEED = 20_260_101
MAX_DELAY = 0.150  # seconds after the child says it is ready; stretched if saves are slow

_spec = importlib.util.spec_from_file_location("save_loop", HELPER)
save_loop = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(save_loop)


def _readline(proc: subprocess.Popen, timeout: float) -> str:
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, f"the save loop said nothing within {timeout} s"
    return proc.stdout.readline().decode()


def _possible(last_saved: str | None) -> set[str]:
    """What the file may hold when the child died after finishing the save of ``last_saved``."""
    cycle = save_loop.CYCLE
    if last_saved is None:
        return {"A", cycle[0]}  # the original, or the first save had just been renamed in
    return {last_saved, cycle[(cycle.index(last_saved) + 1) % len(cycle)]}


def test_kill_during_save_leaves_old_or_new_file(tmp_path: Path) -> None:
    path = tmp_path / "doc.atlas"
    models = save_loop.variants(save_loop.model_a())
    start = time.perf_counter()
    write_model(models["A"], path)
    save_seconds = time.perf_counter() - start
    # Kills must spread over several saves of the child; if this machine is slow, wait longer.
    max_delay = max(MAX_DELAY, 4 * save_seconds)
    rng = random.Random(SEED)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)}
    outcomes: Counter[str] = Counter()
    saves_before_kill: list[int] = []
    leftovers: list[Path] = []
    title = "A"
    for run in range(RUNS):
        if title != "A":
            write_model(models["A"], path)  # every run starts from A (the child loads it)
        # A save that completes must not add a temp file of its own.
        assert sorted(path.parent.glob("*.saving")) == leftovers, f"run {run}"
        delay = rng.uniform(0.0, max_delay)
        proc = subprocess.Popen([sys.executable, str(HELPER), str(path)], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            first = _readline(proc, timeout=60)
            assert first.strip() == "ready", first + proc.stderr.read().decode()
            time.sleep(delay)
            assert proc.poll() is None, proc.stderr.read().decode()  # still saving
            os.kill(proc.pid, signal.SIGKILL)
            assert proc.wait(timeout=30) == -signal.SIGKILL
            output = proc.stdout.read().decode()
        finally:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
            proc.stdout.close()
            proc.stderr.close()
        # Lines are "saved <n> <title>": the last complete one is the last finished save.
        complete = output.split("\n")[:-1]  # a line cut by the kill has no newline yet
        saved = [line.split()[2] for line in complete if line.startswith("saved ")]
        last = saved[-1] if saved else None
        saves_before_kill.append(len(saved))

        model = read_model(path)  # must open: never missing, never broken
        title = model.settings.title
        assert title in _possible(last), (
            f"run {run} (delay {delay * 1000:.0f} ms): the file holds {title}, but the last "
            f"finished save was {last}")
        assert save_loop.fingerprint(model) == save_loop.fingerprint(models[title])
        assert model == models[title], f"run {run}: {title} differs from what was saved"
        outcomes[title] += 1

        # A killed save may leave its temp file behind (at most one per kill), never more.
        now = sorted(path.parent.glob("*.saving"))
        assert set(leftovers) <= set(now) and len(now) <= len(leftovers) + 1, f"run {run}"
        leftovers = now
        assert not list(path.parent.glob("*-journal")) and not list(path.parent.glob("*-wal"))

    # The kills landed at different points of the save cycle: not all before the first rename.
    assert len(outcomes) >= 2, (outcomes, saves_before_kill)
    assert max(saves_before_kill) >= 1, saves_before_kill
