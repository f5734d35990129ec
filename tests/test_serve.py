"""`policy-site serve`: the live preview rebuilds when a clause or the school's YAML is saved."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from conftest import CLI, edit_school

SLUG = "tudhoe-moor-nursery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
    except OSError:
        return None


def wait_for(url: str, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if page and text in page:
            return True
        time.sleep(0.1)
    return False


def test_saving_a_clause_or_the_school_file_updates_the_preview(project: Path):
    port = free_port()
    proc = subprocess.Popen([str(CLI), "serve", SLUG, "--port", str(port)], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        draft = f"http://127.0.0.1:{port}/acceptable-use/draft.html"
        assert wait_for(draft, "Draft: not approved", 60), "the preview never came up"
        clause = project / "clauses" / "printers.md"
        clause.write_text(clause.read_text() + "\nShred misprints the same day.\n")
        assert wait_for(draft, "Shred misprints the same day.", 15)
        school = project / "schools" / SLUG / "school.yml"
        edit_school(project, SLUG, lambda data: data.update(name="Tudhoe Moor Nursery School and Centre"))
        assert wait_for(f"http://127.0.0.1:{port}/index.html", "Tudhoe Moor Nursery School and Centre", 15)
        school.write_text(school.read_text() + "\nnot: [valid\n")
        time.sleep(2)
        assert "Tudhoe Moor Nursery School and Centre" in (fetch(f"http://127.0.0.1:{port}/index.html") or "")
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    assert "not rebuilt" in output and "not valid YAML" in output and "Traceback" not in output
