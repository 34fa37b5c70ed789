"""A real browser opens the committed gallery from disk, offline, and sees every chart.

Headless Chromium (Debian's ``chromium``; ``.ci/run`` installs it in CI) loads
``reports/index.html`` from a ``file://`` address with DNS mapped to nowhere. Chromium's
own NetLog records every request; a request started by the page (its initiator is the
page's origin, not ``"not an origin"`` as for the browser's own update checks) fails
the test, and so does any console message. A canary page with one request and one
console error proves the two detectors work.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from toolkit import charts

from .conftest import fake_identifier

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "reports" / "index.html"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium not installed: `apt-get install -y chromium` (.ci/run installs it in CI)",
)


def _open(page: Path, tmp: Path) -> tuple[str, list[str], list[str]]:
    """Load ``page`` headless; return its DOM, page-initiated requests, console lines."""
    netlog = tmp / "netlog.json"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp / 'profile'}",
        # Networking disabled: every host name resolves to nothing.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--log-net-log={netlog}",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        page.resolve().as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    log = json.loads(netlog.read_text())
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    requests = [
        str(e["params"].get("url"))
        for e in log["events"]
        if names.get(e["type"]) == "URL_REQUEST_START_JOB"
        and e.get("params", {}).get("url")
        and e["params"].get("initiator") != "not an origin"
    ]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done.stdout, requests, console


def test_detectors_catch_a_page_request_and_a_console_error(tmp_path):
    canary = tmp_path / "canary.html"
    canary.write_text(
        f'<!DOCTYPE html><html><body><img src="{fake_identifier("loopback_url")}">'
        '<script>console.error("canary")</script></body></html>'
    )
    _, requests, console = _open(canary, tmp_path)
    assert any("127.0.0.1:9" in r for r in requests)
    assert any("canary" in line for line in console)


def test_gallery_renders_every_chart_offline_without_errors(tmp_path):
    if not GALLERY.exists():
        pytest.fail("reports/index.html is missing: run `make reports`")
    dom, requests, console = _open(GALLERY, tmp_path)
    assert requests == [], f"the gallery made network requests: {requests[:3]}"
    assert console == [], f"console messages: {console[:3]}"
    # The content warning comes first.
    body = dom.split("<body>", 1)[1]
    assert body.lstrip().startswith('<p class="warning"')
    figures = re.findall(r'<figure id="(\w+)-(\w+)" data-figure="\w+">(.*?)</figure>', dom, re.S)
    manifest = json.loads((GALLERY.parent / "manifest.json").read_text())
    expected = {(lang, fig) for lang in manifest["languages"] for fig in charts.FIGURES}
    assert {(lang, fig) for lang, fig, _ in figures} == expected
    for lang, fig, html in figures:
        # Rendered: an SVG with drawn marks (paths, rectangles, lines or text) in it.
        assert "<svg" in html, (lang, fig)
        marks = re.findall(r'class="mark-(?:rect|line|symbol|rule|area|text)', html)
        drawn = re.findall(r"<(?:path|line|text)\b", html)
        assert marks and len(drawn) > 10, (lang, fig)
        assert (
            "<figcaption>" in html
            and len(re.sub("<[^>]+>", "", html.split("<figcaption>")[1])) > 40
        )
