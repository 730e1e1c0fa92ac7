"""A hostile v2 file: a trigger must not fire when the v2 → v3 step fills chip_tdp_kw."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

from desktop_app.storage.document import read_model

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "v2_sample.atlas"


def test_a_trigger_in_a_v2_file_does_not_run_during_the_migration(tmp_path: Path) -> None:
    plain = read_model(FIXTURE)
    path = tmp_path / "trigger.atlas"
    shutil.copy(FIXTURE, path)
    with sqlite3.connect(path) as db:
        db.execute('CREATE TRIGGER "wipe ""sites""" AFTER UPDATE ON accelerators '
                   "BEGIN DELETE FROM sites; UPDATE settings SET mc_seed = 666; END")
    db.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    model = read_model(path)
    assert len(model.sites) == len(plain.sites) > 0
    assert model.settings.mc_seed == plain.settings.mc_seed
    assert [a.chip_tdp_kw for a in model.accelerators] == \
        [a.chip_tdp_kw for a in plain.accelerators]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # opening never writes
