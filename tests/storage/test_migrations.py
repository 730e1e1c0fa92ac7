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


def test_a_valid_v2_file_with_a_milliwatt_accelerator_stays_valid(tmp_path: Path) -> None:
    """0.5 W all-in (an edge chip) is a valid v2 power; rounding its estimated TDP to three
    decimals of a kW made it 0 kW, which v3 refuses: a valid old file opened with a problem."""
    from desktop_app.core.validation import validate

    path = tmp_path / "edge.atlas"
    shutil.copy(FIXTURE, path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE accelerators SET power_kw = 0.0005 WHERE rowid = "
                   "(SELECT MIN(rowid) FROM accelerators)")
    db.close()
    model = read_model(path)
    edge = model.accelerators[0]
    assert edge.power_kw == 0.0005 and edge.chip_tdp_kw > 0
    assert validate(model) == []
