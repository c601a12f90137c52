"""`twinflash audit compare` from the command line, as a user with real photos runs it:
the twin audited with its metadata, the "real photos" audited from a plain COCO file
(no visibility, no attributes, no metadata CSV: box height is all they share), then the
comparison. Bad input: one line, exit 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audit.conftest import report_dict, report_row, write_json, write_planted, write_planted_audit


@pytest.fixture(scope="module")
def twin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("twin")
    return write_planted_audit(root, 150, seed=1, night_factor=0.5, small_factor=0.6)


def _plain_coco(root: Path, **planted: float) -> dict[str, Path]:
    """A planted problem stripped to what a COCO file of real photos holds."""
    files = write_planted(root, 100, seed=2, **planted)
    coco = json.loads(files["gt"].read_text())
    for ann in coco["annotations"]:
        ann.pop("visibility")
        ann.pop("attributes")
    files["gt"].write_text(json.dumps(coco))
    return files


@pytest.mark.parametrize(
    ("small_factor", "outcome", "verdict"),
    [
        (0.6, "confirmed", "The twin predicts the real photos well"),
        (1.6, "contradicted", "The twin does not predict the real photos"),
    ],
)
def test_compare_with_plain_coco_photos(
    cli, twin: Path, tmp_path: Path, small_factor: float, outcome: str, verdict: str
) -> None:
    """Real photos where small people are missed too, or found more often."""
    files = _plain_coco(tmp_path / "real", p_detect=0.5, small_factor=small_factor)
    done = cli(
        "audit",
        files["gt"],
        "--model",
        f"predictions:{files['preds']}",
        "--task",
        "person-detection",
        "--bootstrap",
        "200",
        "--out",
        tmp_path / "real_report",
    )
    assert done.code == 0, done.stderr
    done = cli(
        "audit",
        "compare",
        twin,
        tmp_path / "real_report" / "report.json",
        "--out",
        tmp_path / "cmp",
    )
    assert done.code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(verdict)
    assert f"- box_height_px = medium (30-80 px): {outcome}" in lines
    assert lines[-1].startswith(f"comparison: {tmp_path / 'cmp' / 'compare.html'}")
    data = json.loads((tmp_path / "cmp" / "compare.json").read_text())
    assert {s["column"] for s in data["shared"]} == {"box_height_px"}
    only = {o["column"] for o in data["only_synthetic"]}
    assert {"is_night", "visibility", "skin_tone", "placebo"} <= only
    assert "too few slices" in data["rank_agreement"]["note"]
    assert sorted(p.name for p in (tmp_path / "cmp").iterdir()) == [
        "compare.html",
        "compare.json",
        "compare.png",
    ]


def test_help_lists_the_two_word_command(cli) -> None:
    done = cli("--help")
    assert done.code == 0 and "audit compare" in done.stdout
    done = cli("audit", "compare", "--help")
    assert done.code == 0 and "SYNTHETIC" in done.stdout.upper() and "--out" in done.stdout


def _write(path: Path, rows: list[dict], **kw: object) -> Path:
    return write_json(path, report_dict(rows, **kw))


@pytest.mark.parametrize(
    ("make_real", "message"),
    [
        (lambda d: d / "missing.json", "missing.json: no such report file or folder"),
        (lambda d: write_json(d / "coco.json", {"images": []}), "not a twinflash audit report"),
        (lambda d: write_json(d / "bad.json", "{"), "bad.json: not JSON"),
        (
            lambda d: _write(d / "count.json", [report_row("c", "a", 1.0)], task="crowd-counting"),
            "compare audits of the same task",
        ),
        (lambda d: _write(d / "other.json", [report_row("d", "a", 0.5)]), "no slice in common"),
        (lambda d: d, "holds no report.json"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    cli, tmp_path: Path, make_real, message: str
) -> None:
    synthetic = _write(tmp_path / "syn.json", [report_row("c", "a", 0.5)])
    real = make_real(tmp_path)
    done = cli("audit", "compare", synthetic, real, "--out", tmp_path / "cmp")
    done.assert_one_line_error(2, message)
    assert not (tmp_path / "cmp").exists()


def test_out_on_a_file_is_refused(cli, tmp_path: Path) -> None:
    synthetic = _write(tmp_path / "syn.json", [report_row("c", "a", 0.5)])
    (tmp_path / "taken").write_text("x")
    done = cli("audit", "compare", synthetic, synthetic, "--out", tmp_path / "taken")
    done.assert_one_line_error(2, "existing file")
    assert (tmp_path / "taken").read_text() == "x"


def test_a_missing_argument_is_a_usage_error(cli, tmp_path: Path) -> None:
    done = cli("audit", "compare", tmp_path / "syn.json", "--out", tmp_path / "cmp")
    done.assert_one_line_error(2, "twinflash audit compare: Missing argument")
