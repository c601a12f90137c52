"""The HTML report in headless Chromium: it opens, has no console error, its charts and
failure crops render, and it fetches nothing from the network."""

from __future__ import annotations

from pathlib import Path

import pytest

from twinflash.audit.analysis import AnalysisSettings
from twinflash.audit.run import audit

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            "no /usr/bin/chromium: install it with "
            "`apt-get update && apt-get install -y chromium` to test the report"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def test_report_renders_offline_without_errors(
    browser, planted_files: dict[str, Path], tmp_path: Path
) -> None:
    audit(
        planted_files["gt"],
        f"predictions:{planted_files['preds']}",
        "person-detection",
        tmp_path / "rep",
        metadata=planted_files["meta"],
        analysis=AnalysisSettings(n_boot=200),
    )
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto((tmp_path / "rep" / "report.html").as_uri())
    page.wait_for_load_state("load")
    assert errors == []
    assert all(u.startswith(("file://", "data:")) for u in requests), requests
    charts = page.locator("svg.chart")
    assert charts.count() >= 5
    for k in range(charts.count()):
        box = charts.nth(k).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50
    assert page.locator("svg.chart circle.dot").count() > 10
    crops = page.locator(".fail img")
    assert crops.count() >= 1
    widths = page.eval_on_selector_all(".fail img", "els => els.map(e => e.naturalWidth)")
    assert min(widths) > 0  # every crop decoded
    assert "is_night" in page.inner_text("ul.headline")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000
