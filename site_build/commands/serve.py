"""`serve`: build one school's site (with its draft) and rebuild it whenever a source file is saved."""

from __future__ import annotations

import datetime as dt
import signal
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import PolicySiteError
from ..site.mkdocs_adapter import serve_folder
from .build import BuildOptions, build


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(root: Path, slug: str, port: int, draft: bool, log: Callable[[str], None], as_at: dt.date | None = None) -> None:
    """Serve on localhost; a save that breaks the build is reported and the last good site stays up.

    The preview leaves out the PDFs (laying them out takes seconds); `build` makes them.
    """
    signal.signal(signal.SIGTERM, _stop)  # so a terminated preview still removes its temporary folder
    with tempfile.TemporaryDirectory(prefix="policy-site-preview-") as temp:
        out = Path(temp)
        options = BuildOptions(out=out, today=dt.date.today(), draft=draft, cache=out / ".cache", pdfs=False,
                               as_at=as_at)
        build(root, [slug], options)  # the first build must work: errors go to the user as usual

        def rebuild() -> None:
            try:
                build(root, [slug], options)
                log(f"rebuilt {slug}")
            except PolicySiteError as exc:
                log(f"[red]not rebuilt:[/] {exc}")

        watched = [root / f for f in ("clauses", "policies_src", f"schools/{slug}", f"overrides/{slug}", "mkdocs.yml")]
        log(f"previewing {slug} at http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        serve_folder(out / slug, port, [path for path in watched if path.exists()], rebuild)
