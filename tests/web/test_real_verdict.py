"""With `serve --model DIR` the service judges cases with the real clone verdict."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.flash.test_verdict import FakeReader
from tests.flash.verdict_fixtures import open_registry, photos, registry_rows

from twinflash.errors import InputError
from twinflash.flash.verdict import CloneChecker
from twinflash.web.checking import clone_checker, make_checker
from twinflash.web.settings import from_env
from twinflash.web.standin import StandinChecker

# Two photos of a Renault Master: one plate registered to a Twingo (a clone), one to a Master.
CLONE, HONEST = photos([("master", "twingo"), ("master", "master")], seed=5)


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("verdict-db") / "reg.db"
    rows = registry_rows([(p.plate, p.registered) for p in (CLONE, HONEST)])
    open_registry(path, rows).close()
    return f"sqlite:///{path}"


def test_a_model_dir_selects_the_real_verdict(tiny_model: Path, db_url: str) -> None:
    clone_checker.cache_clear()
    checker = make_checker({}, db_url, tiny_model)
    assert isinstance(checker, CloneChecker)
    assert make_checker({}, db_url, tiny_model) is checker  # loaded once per process
    assert isinstance(make_checker({}, db_url, None), StandinChecker)

    for photo, expected in ((CLONE, "suspected_clone"), (HONEST, "consistent")):
        checker._reader = FakeReader([(photo.plate, 0.99)], photo.corners)
        verdict = checker.check(photo.image, photo.plate)
        assert verdict.status == expected, verdict.reasons
        assert not any("stand-in" in r for r in verdict.reasons)
    clone_checker.cache_clear()


def test_a_wrong_model_dir_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no model card"):
        from_env(data_dir=tmp_path / "data", model_dir=tmp_path / "nothing").prepare()


def test_serve_names_a_wrong_model_in_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    import sys

    from twinflash.cli import app
    from twinflash.cli._errors import run_guarded

    monkeypatch.setattr(
        sys, "argv", ["twinflash", "serve", "--data", str(tmp_path / "d"), "--model", str(tmp_path)]
    )
    assert run_guarded(app) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1 and "no model card" in err
