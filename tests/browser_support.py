"""Helpers for the browser tests: serve a built site on localhost, launch Debian's Chromium, run axe-core."""

from __future__ import annotations

import functools
import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin

TESTS = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = TESTS / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = TESTS / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe's best practices too: every landmark named and unique, dialogs named, headings in order...
AXE_TAGS = [*WCAG_TAGS, "best-practice"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Anything but the local test server and files: the sites must not fetch from the internet.
EXTERNAL = re.compile(r"^(?!file:|data:|blob:|about:|https?://127\.0\.0\.1[:/]).+", re.IGNORECASE)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_requirements() -> list[str]:
    """What the browser tests need and this machine lacks (`make test` installs all of it)."""
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"{CHROMIUM} (Debian package chromium)")
    if not AXE.is_file():
        missing.append(f"{AXE.relative_to(TESTS.parent)} (npm package axe-core)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install -e '.[test]')")
    return missing


AXE_URL_PATH = "/__tests__/axe.min.js"


class _SiteHandler(SimpleHTTPRequestHandler):
    """Static files, quietly; a missing page gets the 404.html of the nearest folder above it that has one, as a web
    host would serve a school's own page for a site published in a folder (/<school>/...) or at the root.

    axe-core is served too (at AXE_URL_PATH, outside any site), so Chromium caches its compiled code
    across pages instead of parsing half a megabyte of script for each one.
    """

    def translate_path(self, path: str) -> str:
        if path.split("?")[0] == AXE_URL_PATH:
            return str(AXE)
        return super().translate_path(path)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        root = Path(self.directory).resolve()
        folder = Path(self.translate_path(self.path)).resolve().parent
        while folder != root and root in folder.parents and not (folder / "404.html").is_file():
            folder = folder.parent
        page = folder / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) in a thread; yields the base URL ending in '/'."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SiteHandler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve {folder.name}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def run_axe(page, name: str) -> dict:
    """Run axe-core in `page` at WCAG 2.2 A/AA and its best practices; save a summary under tests/artifacts/axe/."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        if page.url.startswith("http://127.0.0.1"):
            page.add_script_tag(url=urljoin(page.url, AXE_URL_PATH))
        else:
            page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                           AXE_TAGS)
    report = {
        "page": name,
        "url": result["url"],
        "axe": result["testEngine"]["version"],
        "tags": AXE_TAGS,
        "violations": [{"id": v["id"], "impact": v["impact"], "help": v["help"], "helpUrl": v["helpUrl"],
                        "nodes": [{"target": n["target"], "summary": n["failureSummary"]} for n in v["nodes"]]}
                       for v in result["violations"]],
        "rules_passed": sorted(r["id"] for r in result["passes"]),
        "rules_incomplete": sorted(r["id"] for r in result["incomplete"]),
    }
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def describe_violations(report: dict) -> str:
    lines = [f"axe found {len(report['violations'])} violation(s) on {report['page']} ({report['url']}):"]
    for violation in report["violations"]:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)
