"""With `serve --model DIR` the service judges cases with the real clone verdict."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from tests.flash.test_verdict import FakeReader
from tests.flash.verdict_fixtures import open_registry, photos, registry_rows

from twinflash.errors import InputError
from twinflash.flash.verdict import CloneChecker
from twinflash.web.checking import clone_checker, make_checker, vehicle_view
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


def test_a_case_shows_the_recognisers_view_cut_from_the_blurred_photo(
    tiny_model: Path, db_url: str, tmp_path: Path, monkeypatch
) -> None:
    """With the real verdict, the case keeps the recogniser's crop, cut from the photo
    with faces blurred (here the blur paints everything black: the crop is black too),
    served to agents and logged like the photo."""
    import io

    import numpy as np
    from PIL import Image
    from tests.web.conftest import PASSWORD, login, make_client

    from twinflash.web import casestore, checks, jobstore
    from twinflash.web.app import create_app
    from twinflash.web.auth import hash_password
    from twinflash.web.queue import build_queue
    from twinflash.web.settings import Settings
    from twinflash.web.store import Store

    clone_checker.cache_clear()
    checker = clone_checker(tiny_model, db_url)
    checker._reader = FakeReader([(CLONE.plate, 0.99)], CLONE.corners)
    # the fake reader reads a plate 4 px high; the verdict's pixel floor would (rightly)
    # make that inconclusive: lift it, as if the plate were large
    monkeypatch.setattr(checker, "thresholds", replace(checker.thresholds, min_plate_height_px=0))
    monkeypatch.setattr(checks, "blur_faces", lambda rgb: (np.zeros_like(rgb), 1))
    settings = Settings(data_dir=tmp_path / "d", db_url=db_url, model_dir=tiny_model,
                        inline_worker=False).prepare()  # fmt: skip
    store = Store.open(db_url)
    store.add_user("ann", "admin", hash_password(PASSWORD))
    buf = io.BytesIO()
    Image.fromarray(CLONE.image).save(buf, format="PNG")
    (settings.uploads_dir / "u.png").write_bytes(buf.getvalue())
    item = {"filename": "clone.png", "upload": "u.png", "plate": None}
    job_id = jobstore.create_job(store.engine, "check", {"items": [item]}, "ann", 1)
    queue = build_queue(settings, store)
    queue.send(job_id)
    assert queue.drain() == 1
    (case,) = casestore.cases_of_job(store.engine, job_id)
    assert case.status == "suspected_clone" and case.vehicle == f"{job_id}/0-vehicle.png"
    view = np.asarray(Image.open(settings.photos_dir / case.vehicle))
    assert view.ndim == 3 and view.shape[0] > 16 and view.max() == 0  # from the blurred copy
    again = checker.check(CLONE.image)  # the verdict's plate box, not rounded as stored
    unblurred = vehicle_view(checker, CLONE.image, again.plate_xyxy)
    assert unblurred.shape == view.shape and unblurred.max() > 0
    probs = checker.recogniser.probabilities([unblurred])  # it is the recogniser's input:
    _, by_model = checker.recogniser.classes.level_probs(probs, "model")
    assert abs(by_model.max() - case.verdict["recognised"][0][1]) < 1e-3  # the same answer
    with make_client(create_app(settings, store, queue)) as c:
        login(c, "ann")
        assert (
            'id="case-vehicle"'
            in c.get(f"/agent/cases/{case.id}", headers={"accept": "text/html"}).text
        )
        assert c.get(f"/agent/cases/{case.id}/vehicle").headers["content-type"] == "image/png"
        actions = [
            e["action"]
            for e in c.get("/agent/audit", headers={"accept": "application/json"}).json()
        ]
    assert actions[:2] == ["view_vehicle", "view_case"]
    store.close()
    clone_checker.cache_clear()
