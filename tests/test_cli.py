"""The command line as a script sees it: exit codes, one-line reasons, files untouched."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_app.cli import main


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "x.atlas"
    assert main(["new", "--sample", str(path)]) == 0
    return path


def test_version_through_the_console_script_module() -> None:
    done = subprocess.run([sys.executable, "-m", "desktop_app", "--version"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.startswith("compute-atlas ")


def test_new_sample_validates(sample_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(sample_file)]) == 0
    assert "valid (33 sites" in capsys.readouterr().out


def test_new_refuses_to_overwrite(sample_file: Path) -> None:
    before = _digest(sample_file)
    assert main(["new", str(sample_file)]) == 2
    assert _digest(sample_file) == before


def test_blank_document_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "blank.atlas"
    assert main(["new", str(path)]) == 0
    assert main(["validate", str(path)]) == 0


@pytest.mark.parametrize("cut", [0, 60, 4096, -1])
def test_corrupted_copy_exits_3_with_one_line(sample_file: Path, tmp_path: Path, cut: int,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    original = _digest(sample_file)
    data = sample_file.read_bytes()
    broken = tmp_path / "broken.atlas"
    broken.write_bytes(data[:cut] if cut >= 0 else data[: len(data) - 1024])
    broken_digest = _digest(broken)
    assert main(["validate", str(broken)]) == 3
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "broken.atlas" in err
    assert _digest(sample_file) == original and _digest(broken) == broken_digest


def test_validation_problems_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_app.core.sample_model import build_sample_model
    from desktop_app.storage.document import write_model

    model = build_sample_model()
    model.phases[0].capacity_mw = -5.0
    model.sites[1].region = "ATLANTIS"
    path = tmp_path / "bad.atlas"
    write_model(model, path)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "capacity must be ≥ 0" in out and "'ATLANTIS' does not exist" in out
    assert main(["run", str(path), "--scenario", "Baseline", "--samples", "0"]) == 1


def test_run_writes_tidy_csv_with_percentiles(sample_file: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.csv"
    code = main(["run", str(sample_file), "--scenario", "Packaging constrained to 2027",
                 "--samples", "300", "--seed", "7", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Binding supply constraint:" in printed and "packaging" in printed
    rows = list(csv.DictReader(out.open()))
    assert set(rows[0]) >= {"scenario", "region", "period", "metric", "unit", "mean", "p10",
                            "p50", "p90", "se", "deterministic"}
    spend = [r for r in rows if r["metric"] == "total_spend_usd" and r["region"] == "ALL"]
    assert [r["period"] for r in spend] == [str(y) for y in range(2024, 2031)]
    for r in spend:
        assert float(r["p10"]) <= float(r["p50"]) <= float(r["p90"])


def test_run_all_scenarios_json_and_xlsx(sample_file: Path, tmp_path: Path) -> None:
    js, xl = tmp_path / "r.json", tmp_path / "r.xlsx"
    assert main(["run", str(sample_file), "--all-scenarios", "--samples", "0", "--quiet",
                 "--out", str(js)]) == 0
    document = json.loads(js.read_text())
    assert [r["scenario"] for r in document["runs"]] == [
        "Baseline", "Packaging constrained to 2027", "Sovereign buildout", "Supply glut"]
    assert all(len(r["input_hash"]) == 32 for r in document["runs"])
    assert main(["run", str(sample_file), "--scenario", "Baseline", "--samples", "200",
                 "--quiet", "--out", str(xl)]) == 0
    book = load_workbook(xl, read_only=True)
    assert {"run", "total_spend_usd", "online_mw", "inputs"} <= set(book.sheetnames)
    run_sheet = list(book["run"].values)
    assert run_sheet[1][0] == "Baseline" and run_sheet[1][4] == 200


def test_quarterly_run(sample_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    assert main(["run", str(sample_file), "--scenario", "Baseline", "--samples", "0",
                 "--period", "quarter", "--quiet", "--out", str(out)]) == 0
    periods = {r["period"] for r in csv.DictReader(out.open())}
    assert "2026Q3" in periods and len(periods) == 28


def test_unknown_scenario_is_a_usage_error(sample_file: Path) -> None:
    assert main(["run", str(sample_file), "--scenario", "Nope", "--samples", "0"]) == 2


def test_missing_file_exits_3(tmp_path: Path) -> None:
    assert main(["validate", str(tmp_path / "nope.atlas")]) == 3


@pytest.mark.parametrize(("extra", "message"), [
    (["--seed", "-1"], "--seed must be"),
    (["--out", "results.txt"], "must end in .csv, .json, .xlsx"),
    (["--samples", "-5"], "--samples must be from 0 to 10,000,000"),
    (["--samples", str(10**26)], "--samples must be from 0 to 10,000,000"),
    (["--out", "no such folder/r.csv"], "does not exist"),
])
def test_run_refuses_bad_arguments_before_running(sample_file: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  extra: list[str], message: str) -> None:
    code = main(["run", str(sample_file), "--scenario", "Baseline", "--samples", "10",
                 *extra])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "results.txt").exists()


def test_run_of_a_folder_or_a_document_without_scenarios_is_a_usage_error(
        sample_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(sample_file), "--scenario", "Baseline", "--out",
                 str(tmp_path)]) == 2
    assert "it is a folder" in capsys.readouterr().err
    blank = tmp_path / "blank.atlas"
    assert main(["new", str(blank)]) == 0
    assert main(["run", str(blank), "--all-scenarios", "--out", str(tmp_path / "r.csv")]) == 2
    assert "has no scenarios" in capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists()
