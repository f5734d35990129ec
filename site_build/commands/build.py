"""Build command: load -> compose -> releases -> pages -> MkDocs, for each school, then the trust index.

Schools whose inputs have not changed since their last build are skipped (a content hash per
school), and the rest are built in worker processes that share the loaded project.
"""

from __future__ import annotations

import copyreg
import datetime as dt
import functools
import gc
import multiprocessing
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from types import MappingProxyType

from ..errors import ErrorCollector, PolicySiteError
from ..load.project import Project, load_project, school_slugs
from ..model.release import PolicyState
from ..render.pdf import PdfCache, load_layout_engine
from ..site.downloads import NO_DOWNLOADS, school_downloads
from ..site.pages import school_pages
from ..site.school_site import build_school_site
from ..site.trust_index import IndexEntry, index_entry, write_trust_index
from ..store.files import output_folder, prune_unused
from ..store.output_paths import check_cache_folder, check_output_folder
from ..store.releases import has_releases
from ..store.stamps import Stamps
from .school_policy import policy_states


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
    as_at: dt.date | None = None  # compose drafts as at this date (a preview of dated content); default: today

    @property
    def compose_date(self) -> dt.date:
        return self.as_at or self.today


@dataclass(frozen=True)
class BuildReport:
    built: list[str]
    skipped: list[str]
    index: Path | None  # the trust index, when this build wrote it


def build(root: Path, schools: list[str] | None, options: BuildOptions,
          on_school: Callable[[str], None] = lambda slug: None) -> BuildReport:
    """Build the named schools' sites (all by default), then the trust index of every school built so far."""
    check_output_folder(root, options.out, "--out")
    if options.cache:
        check_cache_folder(root, options.cache)
    with output_folder(options.out):
        return _build_locked(root, schools, options, on_school)


def _build_locked(root: Path, schools: list[str] | None, options: BuildOptions, on_school: Callable[[str], None]) -> BuildReport:
    all_slugs = school_slugs(root)
    if options.index_only:
        return BuildReport([], [], _write_index(root, all_slugs, options))
    slugs = _chosen(all_slugs, schools, options.shard, root)
    stamps = _stamps(root, options)
    hashes = {slug: stamps.school_hash(slug) for slug in slugs}  # before reading: a save during the build is seen next time
    todo = [slug for slug in slugs if options.force or not stamps.fresh(slug, hashes[slug])]
    skipped = [slug for slug in slugs if slug not in todo]
    for slug in skipped:
        on_school(slug)
    if todo:
        started = time.time()
        with _layout_process(root, todo, options) as layout:
            project = load_project(root, todo)
            states = _compose(project, options)
            for slug, entry in _build_all(project, states, options, on_school, layout):
                stamps.write(slug, asdict(entry), hashes[slug])
        if options.cache and todo == all_slugs:  # every school built: what none used is out of use
            for kind in ("pages", "pdf"):
                prune_unused(options.cache / kind, started)
    built = [slug for slug in all_slugs if (options.out / slug / "index.html").is_file()]
    index = _write_index(root, built, options) if options.shard is None else None  # None also when it was already right
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


@contextmanager
def _layout_process(root: Path, todo: list[str], options: BuildOptions) -> Iterator[ProcessPoolExecutor | None]:
    """For one school with approved policies, on several cores: a process to lay out its PDFs while MkDocs builds its
    pages, started first, so that it loads the layout engine while this one loads and composes the school."""
    if options.jobs <= 1 or len(todo) != 1 or not options.pdfs or not (options.draft or has_releases(root, todo[0])):
        yield None
        return
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        pool.submit(load_layout_engine)
        yield pool


def _build_all(project: Project, states: dict[str, list[PolicyState]], options: BuildOptions,
               on_school: Callable[[str], None], layout: ProcessPoolExecutor | None = None):
    """Build each school, in worker processes when there is more than one job (they share the loaded project)."""
    slugs = list(project.schools)
    if options.jobs <= 1 or len(slugs) <= 1:
        for slug in slugs:
            yield slug, _build_one(project, states, options, slug, layout)
            on_school(slug)
        return
    # Forked workers inherit the loaded project from the initializer's arguments: nothing is pickled per school.
    # Schools with approved policies (PDFs to lay out) go first, so no long one is left to run alone at the end.
    slugs.sort(key=lambda slug: -sum(1 for state in states[slug] if state.current) if options.pdfs else 0)
    errors = ErrorCollector()
    for start in range(0, len(slugs), SCHOOLS_PER_POOL):
        share = slugs[start:start + SCHOOLS_PER_POOL]
        with _workers(min(options.jobs, len(share)), project, states, options) as pool:
            futures = {pool.submit(_build_in_worker, slug): slug for slug in share}
            for future in as_completed(futures):
                slug = futures[future]
                try:
                    yield slug, future.result()
                except PolicySiteError as exc:
                    errors.add(exc)
                on_school(slug)
    errors.raise_if_any()


# Workers are replaced after this many schools: what each copied of the parent's memory (every object it touched
# is copied, page by page) and its caches go with it, so a build of 1,000 schools needs no more memory than 100.
SCHOOLS_PER_POOL = 100


MIN_SCHOOLS_PER_JOB = 4  # composing fewer schools than this in a worker saves less than starting it costs


def _compose(project: Project, options: BuildOptions) -> dict[str, list[PolicyState]]:
    """Every school's policies, composed in worker processes when there are several jobs, each a share of the schools.

    Every problem in every school is still reported before any site is written."""
    slugs = list(project.schools)
    jobs = min(options.jobs, len(slugs) // MIN_SCHOOLS_PER_JOB)
    if jobs <= 1:
        return policy_states(project, options.compose_date, reasons=options.draft)
    composed: dict[str, list[PolicyState]] = {}
    errors = ErrorCollector()
    with _workers(jobs, project, {}, options) as pool:
        for future in [pool.submit(_compose_in_worker, slugs[index::jobs]) for index in range(jobs)]:
            try:
                composed.update(future.result())
            except PolicySiteError as exc:
                errors.add(exc)
    errors.raise_if_any()
    return {slug: composed[slug] for slug in slugs}


def _compose_in_worker(slugs: list[str]) -> dict[str, list[PolicyState]]:
    project, options = _WORKER["project"], _WORKER["options"]
    share = replace(project, schools={slug: project.schools[slug] for slug in slugs})
    return policy_states(share, options.compose_date, reasons=options.draft)


def _mapping_proxy(data: dict) -> MappingProxyType:
    return MappingProxyType(data)


copyreg.pickle(MappingProxyType, lambda proxy: (_mapping_proxy, (dict(proxy),)))  # composed documents hold them


_WORKER: dict = {}  # set in each worker process only


@contextmanager
def _workers(count: int, project: Project, states: dict[str, list[PolicyState]], options: BuildOptions) -> Iterator[ProcessPoolExecutor]:
    """Forked worker processes that share this one's loaded project and composed policies, page for page.

    The garbage collector's hold on those objects is frozen first: a collection in a worker would otherwise write to
    every object it inherited, and so copy every page of them (for 1,000 schools, hundreds of megabytes a worker)."""
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_start_worker, initargs=(project, states, options)) as pool:
            yield pool
    finally:
        gc.unfreeze()


def _start_worker(project: Project, states: dict[str, list[PolicyState]], options: BuildOptions) -> None:
    _WORKER.update(project=project, states=states, options=options)


def _build_in_worker(slug: str) -> IndexEntry:
    return _build_one(_WORKER["project"], _WORKER["states"], _WORKER["options"], slug)


def _build_one(project: Project, states: dict[str, list[PolicyState]], options: BuildOptions, slug: str,
               layout: ProcessPoolExecutor | None = None) -> IndexEntry:
    """One school's site; with a `layout` process, its PDFs are laid out there while MkDocs builds its pages."""
    school = project.schools[slug]
    pages = school_pages(school, states[slug], options.today, options.draft, options.pdfs, options.as_at)
    downloads = school_downloads(school.facts, states[slug], options.draft, options.compose_date) if options.pdfs else NO_DOWNLOADS
    cache = PdfCache(_cache(options, "pdf"))
    site = functools.partial(build_school_site, project, school, pages, downloads.names, out=options.out,
                             site_url=options.site_url, today=options.today, rendered=_cache(options, "pages"))
    if layout is not None and downloads.documents:
        site(files=layout.submit(downloads.files, cache).result)
    else:
        site(files=lambda: downloads.files(cache))
    return index_entry(slug, school.facts.name, states[slug], options.today)


def _cache(options: BuildOptions, kind: str) -> Path | None:
    return options.cache / kind if options.cache else None


def _write_index(root: Path, slugs: list[str], options: BuildOptions) -> Path | None:
    """The trust index of `slugs` from each school's last build stamp (None if it already says that).

    A school without a stamp gets its index line from its sources."""
    stamps = _stamps(root, options)
    missing = [slug for slug in slugs if IndexEntry.from_data(stamps.entry(slug)) is None]
    if missing:
        project = load_project(root, missing)
        states = policy_states(project, options.compose_date)
        for slug in missing:
            stamps.write(slug, asdict(index_entry(slug, project.schools[slug].facts.name, states[slug], options.today)), "")
    entries = [IndexEntry.from_data(stamps.entry(slug)) for slug in slugs]
    return write_trust_index(options.out, [entry for entry in entries if entry is not None])


def _stamps(root: Path, options: BuildOptions) -> Stamps:
    settings = f"{options.today}|{options.compose_date}|{options.draft}|{options.pdfs}|{options.site_url}"
    return Stamps(root, options.out, options.cache or root / ".cache", settings)
