"""Service settings: folders made once, bad values refused, flags over the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from twinflash.errors import InputError
from twinflash.web.settings import Settings, from_env, new_token


def test_prepare_makes_every_folder_and_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path / "d").prepare()
    for folder in (s.photos_dir, s.renders_dir, s.uploads_dir, s.videos_dir):
        assert folder.is_dir() and folder.parent == tmp_path / "d"
    assert s.database_url == f"sqlite:///{(tmp_path / 'd').resolve()}/twinflash-serve.db"
    assert Settings(db_url="postgresql://x/y").database_url == "postgresql://x/y"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"retention_days": 0.0}, r"`retention_days`: must be > 0 \(got 0\.0\)"),
        ({"video_keep_minutes": -1.0}, "`video_keep_minutes`: must be > 0"),
    ],
)
def test_impossible_retention_is_refused(tmp_path: Path, changes: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        Settings(data_dir=tmp_path).with_(**changes).prepare()


def test_a_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match=r"`data_dir`: .*f is a file"):
        Settings(data_dir=tmp_path / "f").prepare()


def test_flags_win_over_the_environment_and_the_registry_url_is_shared(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TWINFLASH_DATA_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("TWINFLASH_REGISTRY_URL", "sqlite:///registry.db")
    monkeypatch.delenv("TWINFLASH_DB_URL", raising=False)
    monkeypatch.delenv("TWINFLASH_MODEL_DIR", raising=False)
    s = from_env(data_dir=None, db_url=None, gallery_size=3)
    assert s.data_dir == tmp_path / "env" and s.db_url == "sqlite:///registry.db"
    assert s.gallery_size == 3 and s.model_dir is None
    monkeypatch.setenv("TWINFLASH_DB_URL", "sqlite:///cases.db")
    assert from_env().db_url == "sqlite:///cases.db"
    flagged = from_env(data_dir=tmp_path / "flag", db_url="sqlite:///flag.db", model_dir="m")
    assert (flagged.data_dir, flagged.db_url) == (tmp_path / "flag", "sqlite:///flag.db")
    assert flagged.model_dir == Path("m")


def test_tokens_are_long_and_unique() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100 and all(len(t) >= 43 for t in tokens)
