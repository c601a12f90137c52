"""`twinflash registry ...` through the real command-line plumbing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import typer

from twinflash.cli import registry
from twinflash.cli._errors import run_guarded


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    app = typer.Typer()
    app.add_typer(registry.app)
    monkeypatch.setattr(sys, "argv", ["twinflash", *args])
    return run_guarded(app)


def test_synth_import_lookup_stats(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'reg.db'}"
    csv_path, truth = tmp_path / "reg.csv", tmp_path / "truth.json"
    assert _run(monkeypatch, "registry", "synth", str(csv_path), "--count", "300",
                "--clones", "2", "--truth", str(truth), "--seed", "5") == 0  # fmt: skip
    assert "300 vehicles" in capsys.readouterr().out
    assert _run(monkeypatch, "registry", "import", str(csv_path), "--db", db) == 0
    out = capsys.readouterr().out
    assert "300 rows" in out and "300 new" in out and "0 rejected" in out
    assert _run(monkeypatch, "registry", "import", str(csv_path), "--db", db) == 0
    assert "300 unchanged" in capsys.readouterr().out

    clone = json.loads(truth.read_text(encoding="utf-8"))["clones"][0]
    typed = clone["plate"].replace("-", " ").lower()
    monkeypatch.setenv("TWINFLASH_REGISTRY_URL", db)  # the env var instead of --db
    assert _run(monkeypatch, "registry", "lookup", typed, "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["plate"] == clone["plate"]
    assert (doc["record"]["make"], doc["record"]["model"]) == (
        clone["registered_make"], clone["registered_model"])  # fmt: skip

    # a misread plate: not registered, but its registered readings are listed
    misread = clone["plate"].replace("-", "")
    misread = misread[:2] + misread[2:5].replace("1", "I").replace("0", "O") + misread[5:]
    if misread != clone["plate"].replace("-", ""):
        assert _run(monkeypatch, "registry", "lookup", misread) == 1
        assert f"registered reading {clone['plate']}" in capsys.readouterr().out

    assert _run(monkeypatch, "registry", "stats", "--json") == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["vehicles"] == 300 and sum(stats["by_status"].values()) == 300
    assert _run(monkeypatch, "registry", "stats") == 0
    assert "vehicles: 300" in capsys.readouterr().out


def test_lookup_unknown_and_malformed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'reg.db'}"
    assert _run(monkeypatch, "registry", "init", "--db", db) == 0
    assert "schema 0001" in capsys.readouterr().out
    assert _run(monkeypatch, "registry", "lookup", "AB-123-CD", "--db", db) == 1
    assert "AB-123-CD: not registered" in capsys.readouterr().out
    assert _run(monkeypatch, "registry", "lookup", "AB-I23-CD", "--db", db) == 1
    assert "not a French plate" in capsys.readouterr().out


def test_input_errors_are_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'reg.db'}"
    assert _run(monkeypatch, "registry", "import", str(tmp_path / "none.csv"), "--db", db) == 2
    assert "no such file" in capsys.readouterr().err
    assert _run(monkeypatch, "registry", "synth", str(tmp_path / "x.csv"), "--clones", "2") == 2
    assert "--truth" in capsys.readouterr().err
    assert _run(monkeypatch, "registry", "stats", "--db", "nosuch://x") == 2
    assert "registry URL" in capsys.readouterr().err
