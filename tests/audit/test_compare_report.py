"""compare.json, compare.html and compare.png: written together or not at all, the HTML
opens offline in headless Chromium with its chart decoded and the verdict on top."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import pytest

from audit.conftest import report_row, report_side
from audit.test_report import browser  # noqa: F401  (the headless Chromium fixture)
from twinflash.audit import compare_report
from twinflash.audit.compare import Comparison, compare
from twinflash.audit.compare_report import FILES, render_html, write_comparison
from twinflash.errors import InputError


@pytest.fixture
def comparison(tmp_path: Path) -> Comparison:
    labels = [f"level {k}" for k in range(6)]
    a = report_side(
        tmp_path,
        "a",
        [report_row("is_night", "True", 0.3, -0.3, "significantly worse")]
        + [report_row("weather", lb, 0.1 * k) for k, lb in enumerate(labels)],
    )
    b = report_side(
        tmp_path,
        "b",
        [report_row("is_night", "True", 0.6, 0.2, "significantly better")]
        + [report_row("weather", lb, 0.2 + 0.1 * k) for k, lb in enumerate(labels)]
        + [report_row("box_height_px", "far (<30 px)", 0.1)],
    )
    return compare(a, b)


def test_three_files_with_the_same_figures(comparison: Comparison, tmp_path: Path) -> None:
    paths = write_comparison(comparison, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(FILES)
    data = json.loads(paths["compare.json"].read_text())
    assert data == json.loads(json.dumps(data))  # plain JSON
    assert data["verdict_level"] == "poor" and data["verdict"] == comparison.verdict
    assert [g["outcome"] for g in data["gaps"]] == ["contradicted"]
    assert data["only_real"] == [{"column": "box_height_px", "label": "far (<30 px)"}]
    assert data["rank_agreement"]["slices"] == 7
    assert paths["compare.png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = paths["compare.html"].read_text()
    assert escape(comparison.verdict) in html and "contradicted" in html
    assert "box_height_px" in html and "Only in the real audit" in html


@pytest.mark.parametrize("broken", ["comparison_png", "render_html", "dumps_json"])
def test_a_failure_leaves_nothing_half_written(
    comparison: Comparison, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    out = tmp_path / "out"
    write_comparison(comparison, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(compare_report, broken, fail)
    with pytest.raises(RuntimeError):
        write_comparison(comparison, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # old files, no temp


def test_the_last_rename_failing_leaves_no_temporary(
    comparison: Comparison, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = Path.write_bytes

    def write_bytes(self: Path, data: bytes) -> int:
        if self.name.startswith(".compare.png"):
            raise OSError(28, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    with pytest.raises(OSError):
        write_comparison(comparison, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_an_output_that_is_a_file_is_refused(comparison: Comparison, tmp_path: Path) -> None:
    (tmp_path / "f").write_text("mine")
    with pytest.raises(InputError, match="existing file"):
        write_comparison(comparison, tmp_path / "f")
    assert (tmp_path / "f").read_text() == "mine"


def test_the_page_opens_offline_with_its_chart(
    browser,  # noqa: F811
    comparison: Comparison,
    tmp_path: Path,
) -> None:
    paths = write_comparison(comparison, tmp_path / "out")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(paths["compare.html"].as_uri())
    page.wait_for_load_state("load")
    assert errors == []
    assert all(u.startswith(("file://", "data:")) for u in requests), requests
    assert page.inner_text("p.verdict") == comparison.verdict
    width = page.eval_on_selector("img.chart", "e => e.naturalWidth")
    assert width == 950  # the PNG decoded
    box = page.locator("img.chart").bounding_box()
    assert box and box["width"] > 500 and box["height"] > 200
    shared_rows = page.locator("h2:has-text('All shared slices') + table tr")
    assert shared_rows.count() == 1 + len(comparison.shared)
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
    assert (tmp_path / "compare.png").stat().st_size > 10_000


def test_the_html_escapes_what_the_reports_say(tmp_path: Path) -> None:
    a = report_side(tmp_path, "a", [report_row("<b>", "<script>x</script>", 0.5)])
    html = render_html(compare(a, a), b"png")
    assert "<script>x" not in html and "&lt;script&gt;x" in html
