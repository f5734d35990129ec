"""Build command: load -> compose -> releases -> pages -> MkDocs, for each school, then the trust index.

Schools whose inputs have not changed since their last build are skipped (a content hash per
school), and the rest are built in worker processes that share the loaded project.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import __version__
from ..compose.policy import compose_all
from ..errors import ErrorCollector, PolicyError, PolicyErrors
from ..load.project import Project, load_project, school_slugs
from ..model.release import PolicyState
from ..model.schema import School
from ..render.agreements import blank_agreement_pdfs
from ..render.pdf import PdfCache, html_to_pdf, policy_html
from ..site.engine import build_school_site
from ..site.pages import agreement_pdf_path, pdf_name, school_pages
from ..site.trust_index import IndexEntry, index_entry, write_trust_index
from ..store.files import output_folder, write_atomically
from ..store.output_paths import check_output_folder
from ..store.releases import read_releases, release_manifest

ENGINE_DIR = Path(__file__).parents[1]  # site_build/: a change to the engine rebuilds every school


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    today: dt.date
    draft: bool = False
    cache: Path | None = None  # laid-out PDFs and build stamps are kept here between builds
    jobs: int = 1
    force: bool = False
    shard: tuple[int, int] | None = None  # (i, n): build the i-th of n deterministic parts
    index_only: bool = False
    pdfs: bool = True  # the live preview leaves them out, to rebuild in well under a second
    site_url: str | None = None  # where the sites are published: <site_url>/<slug>/ (makes 404 pages work)


@dataclass(frozen=True)
class BuildReport:
    built: list[str]
    skipped: list[str]
    index: Path | None


def policy_states(project: Project) -> dict[str, list[PolicyState]]:
    """Compose every school's drafts and read their releases, reporting every problem at once."""
    documents = compose_all(project)
    errors = ErrorCollector()
    states: dict[str, list[PolicyState]] = {slug: [] for slug in project.schools}
    for (slug, policy_id), document in documents.items():
        try:
            states[slug].append(PolicyState(document, tuple(read_releases(project.root, slug, policy_id))))
        except (PolicyError, PolicyErrors) as exc:
            errors.add(exc)
    errors.raise_if_any()
    return states


def school_downloads(school: School, states: list[PolicyState], draft: bool, cache: PdfCache) -> dict[str, bytes]:
    """The PDFs a school's site offers: each approved policy, its blank agreements, and drafts when asked."""
    files = {"releases.json": release_manifest(states)}  # the chains' heads, for `verify --site`
    for state in states:
        pid = state.policy_id
        if state.current:
            release = state.current
            files[f"{pid}/{pdf_name(pid)}"] = html_to_pdf(policy_html(release.document, school, release), cache)
            for clause_id, pdf in blank_agreement_pdfs(release.document, school, list(state.releases), cache).items():
                files[agreement_pdf_path(clause_id)] = pdf
        if draft:
            files[f"{pid}/{pdf_name(pid, draft=True)}"] = html_to_pdf(policy_html(state.draft, school, None), cache)
    return files


def build(root: Path, schools: list[str] | None, options: BuildOptions,
          on_school: Callable[[str], None] = lambda slug: None) -> BuildReport:
    """Build the named schools' sites (all by default); a full build also writes the trust index."""
    # The build date stands in for "now" everywhere (sitemap dates, archives), so equal inputs give equal bytes.
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(int(dt.datetime.combine(options.today, dt.time(), dt.UTC).timestamp())))
    check_output_folder(root, options.out, "--out")
    with output_folder(options.out):
        return _build_locked(root, schools, options, on_school)


def _build_locked(root: Path, schools: list[str] | None, options: BuildOptions, on_school: Callable[[str], None]) -> BuildReport:
    all_slugs = school_slugs(root)
    if options.index_only:
        return BuildReport([], [], _write_index(root, all_slugs, options))
    slugs = _chosen(all_slugs, schools, options.shard, root)
    stamps = _Stamps(root, options)
    hashes = {slug: stamps.school_hash(slug) for slug in slugs}  # before reading: a save during the build is seen next time
    todo = [slug for slug in slugs if options.force or not stamps.fresh(slug, hashes[slug])]
    skipped = [slug for slug in slugs if slug not in todo]
    for slug in skipped:
        on_school(slug)
    if todo:
        project = load_project(root, todo)
        states = policy_states(project)
        for slug, entry in _build_all(project, states, options, on_school):
            stamps.write(slug, entry, hashes[slug])
    index = None
    if not schools and options.shard is None:
        index = _write_index(root, all_slugs, options) if todo or not (options.out / "index.html").exists() else None
    return BuildReport(todo, skipped, index)


def _chosen(all_slugs: list[str], schools: list[str] | None, shard: tuple[int, int] | None, root: Path) -> list[str]:
    if schools:
        unknown = [s for s in schools if s not in all_slugs]
        if unknown:
            load_project(root, unknown)  # raises the usual "there is no school" error with suggestions
        return list(dict.fromkeys(schools))
    if shard:
        index, count = shard
        return [slug for position, slug in enumerate(all_slugs) if position % count == index - 1]
    return all_slugs


_WORKER: dict = {}


def _build_all(project: Project, states: dict[str, list[PolicyState]], options: BuildOptions,
               on_school: Callable[[str], None]):
    """Build each school, in worker processes when there is more than one job (they share the loaded project)."""
    slugs = list(project.schools)
    if options.jobs <= 1 or len(slugs) <= 1:
        for slug in slugs:
            yield slug, _build_one(project, states, options, slug)
            on_school(slug)
        return
    _WORKER.update(project=project, states=states, options=options)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(options.jobs, len(slugs)), mp_context=context) as pool:
        futures = {pool.submit(_build_in_worker, slug): slug for slug in slugs}
        errors = ErrorCollector()
        for future in as_completed(futures):
            slug = futures[future]
            try:
                yield slug, future.result()
            except (PolicyError, PolicyErrors) as exc:
                errors.add(exc)
            on_school(slug)
        errors.raise_if_any()


def _build_in_worker(slug: str) -> IndexEntry:
    return _build_one(_WORKER["project"], _WORKER["states"], _WORKER["options"], slug)


def _build_one(project: Project, states: dict[str, list[PolicyState]], options: BuildOptions, slug: str) -> IndexEntry:
    school = project.schools[slug]
    pages = school_pages(school, states[slug], options.today, options.draft, options.pdfs)
    files = school_downloads(school.school, states[slug], options.draft, PdfCache(_cache(options, "pdf"))) if options.pdfs else {}
    build_school_site(project, school, pages, files, options.out, options.site_url)
    return index_entry(slug, school.school.name, states[slug], options.today)


def _cache(options: BuildOptions, kind: str) -> Path | None:
    return options.cache / kind if options.cache else None


def _write_index(root: Path, slugs: list[str], options: BuildOptions) -> Path:
    """The trust index from each school's last build stamp (schools never built are built first)."""
    stamps = _Stamps(root, options)
    missing = [slug for slug in slugs if stamps.entry(slug) is None]
    if missing:
        project = load_project(root, missing)
        states = policy_states(project)
        for slug in missing:
            stamps.write(slug, index_entry(slug, project.schools[slug].school.name, states[slug], options.today), "")
    return write_trust_index(options.out, [stamps.entry(slug) for slug in slugs])  # type: ignore[misc]


class _Stamps:
    """Per school: the hash of everything its site is built from, and its line in the trust index."""

    def __init__(self, root: Path, options: BuildOptions):
        self.root, self.options = root, options
        out_key = hashlib.sha256(str(options.out.resolve()).encode()).hexdigest()[:16]
        self.folder = (options.cache or root / ".cache") / "stamps" / out_key
        self.shared = _hash_paths(
            [root / "mkdocs.yml", *sorted((root / "clauses").glob("*.md")), *sorted((root / "policies_src").glob("*.yml")),
             *sorted(p for p in ENGINE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)],
            root, extra=f"{__version__}|{options.today}|{options.draft}|{options.pdfs}|{options.site_url}")

    def school_hash(self, slug: str) -> str:
        paths = [p for folder in (self.root / "schools" / slug, self.root / "overrides" / slug) if folder.is_dir()
                 for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")]
        return _hash_paths(paths, self.root, extra=self.shared)

    def fresh(self, slug: str, inputs_hash: str) -> bool:
        stamp = self._read(slug)
        return bool(stamp) and stamp.get("hash") == inputs_hash and (self.options.out / slug / "index.html").is_file()

    def entry(self, slug: str) -> IndexEntry | None:
        stamp = self._read(slug)
        return IndexEntry(**stamp["entry"]) if stamp else None

    def write(self, slug: str, entry: IndexEntry, inputs_hash: str) -> None:
        """Record a school's index line and the hash of the inputs its site was built from ("" if not built)."""
        data = {"hash": inputs_hash, "entry": asdict(entry)}
        write_atomically(self.folder / f"{slug}.json", json.dumps(data).encode("utf-8"))

    def _read(self, slug: str) -> dict | None:
        try:
            return json.loads((self.folder / f"{slug}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


def _hash_paths(paths: list[Path], root: Path, extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for path in paths:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
