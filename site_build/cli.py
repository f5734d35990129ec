"""The `policy-site` command line: parses options, calls the command's module, prints what it returns.

Every error reaches the user through `reports_errors`: one clear message per problem, exit status 1.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from .errors import InputError, PolicySiteError
from .model.vocabulary import PHASES, RELEASE_KIND_HELP, RELEASE_KINDS, ROLES

err = Console(stderr=True, highlight=False, soft_wrap=True)
console = Console(highlight=False, soft_wrap=True)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our errors into one clear message and exit status 1; Ctrl-C into status 130."""
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PolicySiteError as exc:
            errors = exc.problems
            for error in errors:
                err.print("[bold red]error:[/] ", end="")
                err.print(str(error), markup=False, soft_wrap=True, emoji=False)
            if len(errors) > 1:
                err.print(f"[red]{len(errors)} problems found; nothing was written.[/]")
            sys.exit(1)
        except KeyboardInterrupt:
            err.print("stopped: the previous site and releases are unchanged.")
            sys.exit(130)
        except Exception as exc:  # a bug in policy-site, not in the user's files
            if os.environ.get("POLICY_SITE_DEBUG"):
                raise
            err.print("internal error: ", end="")
            err.print(f"{type(exc).__name__}: {exc}", markup=False)
            err.print("This is a bug in policy-site. Run again with POLICY_SITE_DEBUG=1 to see the details and report them.")
            sys.exit(2)
    return wrapper


def parse_date(value: str, option: str) -> dt.date:
    """Accept 2024-04-24 or 24/04/2024 (as a school office writes it)."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise InputError(f"{option} {value!r} is not a date I can read", hint="write it as 2024-04-24 or 24/04/2024")


def parse_approval_date(value: str) -> tuple[dt.date, str]:
    """--on: a day, or for an old approval whose day nobody recorded a month (2018-01, 01/2018, January 2018).

    Returns the date (the 1st, for a month) and its precision, "day" or "month"."""
    for pattern in ("%Y-%m", "%m/%Y", "%B %Y"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).date(), "month"
        except ValueError:
            continue
    try:
        return parse_date(value, "--on"), "day"
    except InputError:
        raise InputError(f"--on {value!r} is not a date I can read",
                         hint="write it as 2024-04-24 or 24/04/2024; if only the month is known, as 2018-01") from None


AS_AT_HELP = "Compose the drafts as at this date, to preview dated content (default: today)."


def as_at(value: str | None) -> dt.date | None:
    """--as-at DATE, or None (compose as at today)."""
    return parse_date(value, "--as-at") if value else None


def today(value: str | None) -> dt.date:
    """--today DATE, or today."""
    return parse_date(value, "--today") if value else dt.date.today()


def project_root(ctx: click.Context) -> Path:
    root: Path = ctx.obj["root"]
    if not (root / "clauses").is_dir() or not (root / "schools").is_dir():
        raise InputError("this is not a policy-site project (no clauses/ and schools/ folders here)", root,
                          hint="run the command in the project's top folder, or pass --project DIR")
    return root


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=".", envvar="POLICY_SITE_PROJECT",
              help="The project folder (default: the current folder).")
@click.version_option(package_name="policy-site")
@click.pass_context
def main(ctx: click.Context, project: Path) -> None:
    """Compose shared policy clauses and school facts into versioned policy sites."""
    ctx.obj = {"root": project.resolve()}


@main.command()
@click.argument("schools", nargs=-1)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default="site", show_default=True,
              help="Where the sites are written (a relative path is inside the project folder).")
@click.option("--draft", is_flag=True, help="Also publish each policy's draft, bannered 'Draft: not approved'.")
@click.option("--today", "today_text", metavar="DATE", help="Judge review dates as of this date (default: today).")
@click.option("--as-at", "as_at_text", metavar="DATE", help=AS_AT_HELP + " Implies --draft.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=min(os.cpu_count() or 1, 4), show_default="cores, up to 4",
              help="Schools built at once.")
@click.option("--force", is_flag=True, help="Rebuild every school, even those whose inputs have not changed.")
@click.option("--shard", metavar="I/N", help="Build only the I-th of N equal parts of the schools (for many machines).")
@click.option("--index-only", is_flag=True, help="Only write the trust index (after sharded builds).")
@click.option("--site-url", metavar="URL", help="Where the sites will be published, e.g. https://policies.example.org/ "
              "(each school at URL/<school>/); makes the 'page not found' page work there.")
@click.pass_context
@reports_errors
def build(ctx: click.Context, schools: tuple[str, ...], out: Path, draft: bool, today_text: str | None,
          as_at_text: str | None, jobs: int, force: bool, shard: str | None, index_only: bool, site_url: str | None) -> None:
    """Build the sites of SCHOOLS (default: every school, plus the trust index)."""
    from .commands.build import BuildOptions
    from .commands.build import build as build_sites
    from .load.project import school_slugs

    root = project_root(ctx)
    options = BuildOptions(out=out if out.is_absolute() else root / out,
                           today=today(today_text), draft=draft or bool(as_at_text), as_at=as_at(as_at_text),
                           cache=Path(os.environ.get("POLICY_SITE_CACHE") or root / ".cache"), jobs=jobs, force=force,
                           shard=parse_shard(shard), index_only=index_only, site_url=site_url)
    total = len(schools) or len(school_slugs(root))
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  console=err, transient=True) as progress:
        task = progress.add_task("building sites", total=total)
        report = build_sites(root, list(schools), options,
                             on_school=lambda slug: progress.update(task, advance=1, description=f"{slug}"))
    for slug in report.built:
        console.print(f"built {shown(options.out / slug)}", markup=False)
    if report.skipped:
        console.print(f"up to date: {len(report.skipped)} school(s) unchanged since their last build (--force rebuilds them)")
    if report.index:
        console.print(f"wrote {shown(report.index)}", markup=False)
    elif index_only:
        console.print(f"up to date: {shown(options.out / 'index.html')}", markup=False)


def shown(path: Path) -> Path:
    """A path as short as it can be said from the current folder: relative inside it, absolute outside."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def parse_shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise InputError(f"--shard {text!r} should look like 1/4") from None
    if not 1 <= index <= count:
        raise InputError(f"--shard {text!r}: the part must be between 1 and {count}")
    return index, count


@main.command()
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.pass_context
@reports_errors
def check(ctx: click.Context, strict: bool) -> None:
    """Validate every school, clause and outline; report every problem at once.

    Warns of each school.yml setting that holds back a model update, and of each clause a school drops or replaces
    that was the only one meeting a statutory requirement of the guidance register (with --strict, these fail)."""
    from .commands.check import check as check_project

    summary = check_project(project_root(ctx))
    for warning in summary.warnings:
        err.print("[bold yellow]warning:[/] ", end="")
        err.print(str(warning), markup=False, soft_wrap=True, emoji=False)
    count = len(summary.warnings)
    warned = f"{count} warning{'s' if count != 1 else ''}"
    if strict and count:
        err.print(f"error: {warned}, and --strict treats warnings as problems", markup=False)
        sys.exit(1)
    console.print(f"ok: {summary.schools} schools, {summary.policies} policies, {summary.clauses} shared clauses, "
                  "no problems found" + (f"; {warned}" if count else ""))


@main.command("new-school")
@click.argument("slug")
@click.option("--name", help="The school's full name (default: from the slug).")
@click.option("--phase", type=click.Choice(PHASES), help="The school's phase (default: primary, or the --like school's).")
@click.option("--like", metavar="SCHOOL", help="Start from this school's choices: its policies, governance, roles and "
              "responsibilities, and its own clauses (its facts are left for you to give).")
@click.pass_context
@reports_errors
def new_school(ctx: click.Context, slug: str, name: str | None, phase: str | None, like: str | None) -> None:
    """Scaffold schools/SLUG/school.yml, with a <<placeholder>> for each fact to give."""
    from .commands.new_school import new_school as scaffold

    for path in scaffold(project_root(ctx), slug, name, phase, like):
        console.print(f"created {path}", markup=False)
    console.print(f"next: replace every <<...>> in schools/{slug}/school.yml (`policy-site check` lists them), "
                  f"then run `policy-site serve {slug}`", markup=False)


@main.command()
@click.argument("school")
@click.option("--port", default=8000, show_default=True)
@click.option("--draft/--no-draft", default=True, show_default=True, help="Show the draft beside the approved version.")
@click.option("--as-at", "as_at_text", metavar="DATE", help=AS_AT_HELP)
@click.pass_context
@reports_errors
def serve(ctx: click.Context, school: str, port: int, draft: bool, as_at_text: str | None) -> None:
    """Live preview of SCHOOL's site: saving a clause or school.yml rebuilds it."""
    from .commands.serve import serve as serve_preview

    serve_preview(project_root(ctx), school, port, draft, log=err.print, as_at=as_at(as_at_text))


@main.command()
@click.argument("school")
@click.argument("policy")
@click.option("--on", "on_text", required=True, metavar="DATE",
              help="The date the board approved it (2024-04-24), or only its month when the day is not known (2018-01).")
@click.option("--by", "by", required=True, help="Who approved it: the school's approver for the policy (its board), or a "
              "committee the board has delegated it to (recorded in school.yml).")
@click.option("--note", required=True, help="What changed, for the change log.")
@click.option("--kind", type=click.Choice(RELEASE_KINDS), default="update", show_default=True, help=RELEASE_KIND_HELP)
@click.option("--reaffirm", is_flag=True, help="Record a review that changed nothing.")
@click.option("--meeting", "meeting_text", metavar="DATE", help="The date of the meeting that approved it (default: --on).")
@click.option("--minute", metavar="REF", help="The minute that records the decision, e.g. \"LGB 2026/14\".")
@click.option("--effective", "effective_text", metavar="DATE", help="The day it takes effect (default: --on).")
@click.option("--expect", metavar="FINGERPRINT", help="The fingerprint of the draft that was circulated: refuse if the draft "
              "has changed since.")
@click.option("--sign", "sign", type=click.Path(dir_okay=False, path_type=Path), metavar="KEYFILE",
              help="Sign the release with this private key (from `policy-site keygen`; listed in school.yml `signers:`).")
@click.option("--reissue", metavar="WHY", help="Replace the committed release of this date, deleted here on purpose; "
              "the new one records which it replaces, and why (verify shows it).")
@click.pass_context
@reports_errors
def approve(ctx: click.Context, school: str, policy: str, on_text: str, by: str, note: str, kind: str, reaffirm: bool,
            meeting_text: str | None, minute: str | None, effective_text: str | None, expect: str | None,
            sign: Path | None, reissue: str | None) -> None:
    """Freeze SCHOOL's draft of POLICY as an approved release."""
    from .commands.approve import Decision
    from .commands.approve import approve as approve_policy
    from .model.release import format_date

    on, precision = parse_approval_date(on_text)
    meeting = parse_date(meeting_text, "--meeting") if meeting_text else None
    effective = parse_date(effective_text, "--effective") if effective_text else None
    decision = Decision(on, by, note, kind, reaffirm, precision, meeting, minute, effective, expect)
    release, path = approve_policy(project_root(ctx), school, policy, decision, sign, reissue)
    console.print(f"approved {release.document.title} for {release.document.school_name}: version {release.label}",
                  markup=False)
    console.print(f"text fingerprint: {release.document.fingerprint}", markup=False)
    if release.reissue:
        console.print(f"re-issued: replaces the committed release with SHA-256 {release.reissue.of_sha256[:12]}...",
                      markup=False)
    if release.signature:
        console.print(f"signed by {release.signature.signed_by}", markup=False)
    console.print(f"next review: {format_date(release.next_review)}\nwrote {path}", markup=False)


@main.command()
@click.option("--today", "today_text", metavar="DATE", help="A release dated after this is forged (default: today).")
@click.option("--site", "site", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Also compare with the releases this built site published (its <school>/releases.json).")
@click.option("--require-signatures", is_flag=True, help="An unsigned release is an error, not a warning.")
@click.pass_context
@reports_errors
def verify(ctx: click.Context, today_text: str | None, site: Path | None, require_signatures: bool) -> None:
    """Prove that every approved release is intact, in order, signed, and the one published."""
    from .commands.verify import verify_all

    report = verify_all(project_root(ctx), today(today_text), site, require_signatures)
    for line in report.lines:
        console.print(line, markup=False)
    report.errors.raise_if_any()
    compared = ", as published" if site else ""
    console.print(f"ok: all {report.count} releases are intact{compared}; {report.signed} signed"
                  + (f"; {report.warnings} with a warning" if report.warnings else ""))


@main.command()
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the private key (kept by you, outside the project; never overwritten).")
@click.pass_context
@reports_errors
def keygen(ctx: click.Context, out: Path) -> None:
    """Create a signing key for approvals; prints the public key to add to school.yml `signers:`."""
    from .commands.keygen import keygen as make_key

    public = make_key(out, ctx.obj["root"])
    err.print(f"wrote the private key to {out} (readable only by you; keep it safe, never commit it)", markup=False)
    err.print("add this to school.yml under 'signers:', with your name and role:", markup=False)
    console.print(public, markup=False)


@main.command()
@click.option("--today", "today_text", metavar="DATE", help="Judge review dates as of this date (default: today).")
@click.option("--within", default=60, show_default=True, help="Flag reviews due within this many days.")
@click.option("--ics", type=click.Path(dir_okay=False, path_type=Path), help="Also write the review dates as an iCalendar file.")
@click.option("--remind-days", type=click.IntRange(0, 366), default=14, show_default=True, metavar="N",
              help="In the iCalendar file, a reminder this many days before each review.")
@click.option("--site-url", metavar="URL", help="Where the sites are published (as for build): each calendar event "
              "links to the policy's page, and to its draft's page when one awaits approval.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the table as a CSV file.")
@click.option("--pending", is_flag=True, help="List each draft's changes from its approved version, clause by clause, "
              "with whose change each is (the shared model's or the school's) and why.")
@click.option("--signatures", is_flag=True, help="List who signed an earlier version of a policy but not the version they "
              "must sign now (from the records kept by `agreements --record`; a correction needs no new signature).")
@click.pass_context
@reports_errors
def status(ctx: click.Context, today_text: str | None, within: int, ics: Path | None, remind_days: int, site_url: str | None,
           csv_path: Path | None, pending: bool, signatures: bool) -> None:
    """Review dashboard: every school and policy, its version, when it is due and whether its draft has changed."""
    from .commands.status import awaiting_line, checked_site_url, dashboard, pending_lines, pinned_lines, policy_matrix, review_table, signature_lines
    from .render.review_feeds import review_csv, review_ics
    from .store.files import write_atomically
    from .store.output_paths import check_output_file

    root = project_root(ctx)
    ics = ics and check_output_file(root, ics, "--ics")
    csv_path = csv_path and check_output_file(root, csv_path, "--csv")
    url = checked_site_url(site_url) if site_url else None
    written = build_time() if ics else None  # DTSTAMP: when the file is written (SOURCE_DATE_EPOCH, if set)
    day = today(today_text)
    board = dashboard(root, day, within, signatures)
    console.print(review_table(board.rows))
    console.print(policy_matrix(board.rows))
    console.print(awaiting_line(board.rows), markup=False, highlight=False)
    for line in pinned_lines(board.pinned) + (signature_lines(board) if signatures else []):
        console.print(line, markup=False, highlight=False)
    if pending:
        for line in pending_lines(board.rows):
            console.print(line, markup=False, highlight=False)
    if ics and written:
        write_atomically(ics, review_ics(board.rows, day, written, remind_days, url))
        console.print(f"wrote {shown(ics)}", markup=False)
    if csv_path:
        write_atomically(csv_path, review_csv(board.rows))
        console.print(f"wrote {shown(csv_path)}", markup=False)


@main.command()
@click.argument("school")
@click.option("--policy", metavar="POLICY", help="The policy whose agreements to print (default: the school's first).")
@click.option("--role", type=click.Choice(ROLES, case_sensitive=False), help="Only this role.")
@click.option("--roster", type=click.Path(dir_okay=False, path_type=Path), help="CSV with a header row: name, role, and "
              "optional class, year, child columns. Without it: a blank sheet per role.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="The PDF to write.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=min(os.cpu_count() or 1, 4), show_default="cores, up to 4",
              help="Parts of the pack laid out at once.")
@click.option("--large-print", is_flag=True, help="Large type on every sheet and the register (adults 16 pt, pupils 20 pt).")
@click.option("--acknowledge", is_flag=True, help="Print the annual 'read and understood' pack instead: each person's "
              "sheet lists every approved policy their role acknowledges, with its version, then the register.")
@click.option("--record", "record", type=click.Path(dir_okay=False, exists=True, path_type=Path), metavar="CSV",
              help="Record who signed, from a filled-in register or a form export (columns: name, role, policy, and "
                   "version or date); a copy is kept in schools/SCHOOL/signatures/. Prints nothing.")
@click.pass_context
@reports_errors
def agreements(ctx: click.Context, school: str, policy: str | None, role: str | None, roster: Path | None,
               output: Path | None, jobs: int, large_print: bool, acknowledge: bool, record: Path | None) -> None:
    """Print SCHOOL's agreement pack: a sheet per person from --roster, or a blank sheet per role; or --record who signed."""
    from .commands.agreements import acknowledgements, record_signatures
    from .commands.agreements import agreements as print_pack
    from .store.output_paths import check_output_file

    root = project_root(ctx)
    if record is not None:
        recorded = record_signatures(root, school, record, dt.date.today())
        where = f"kept as {shown(recorded.kept_as)}" if recorded.kept_as else "that file was recorded already; nothing new kept"
        console.print(f"recorded {recorded.signatures} signature(s) for {school}: {where}", markup=False)
        return
    if output is None:
        raise InputError("give the PDF to write: -o FILE.pdf")
    output = check_output_file(root, output, "-o")
    role = role.lower() if role else None
    report = (acknowledgements(root, school, role, roster, output, jobs, large_print) if acknowledge
              else print_pack(root, school, policy, role, roster, output, jobs, large_print))
    if report.roster_note:
        console.print(report.roster_note, markup=False)
    console.print(f"wrote {output}: {report.sheets} sheet(s)" + (" and a signing register" if roster else ""), markup=False)


@main.command()
@click.argument("school")
@click.argument("policy")
@click.option("--from", "from_version", metavar="VERSION", help="Compare from this release (default: the last one).")
@click.option("--to", "to_version", metavar="VERSION|draft", default="draft", show_default=True)
@click.option("--against", metavar="SCHOOL|model", help="Compare with another school's current version, or the shared model.")
@click.option("--format", "fmt", type=click.Choice(["term", "json", "html", "pdf", "docx"]), default="term", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file (needed for pdf, docx).")
@click.option("--as-at", "as_at_text", metavar="DATE", help=AS_AT_HELP)
@click.pass_context
@reports_errors
def diff(ctx: click.Context, school: str, policy: str, from_version: str | None, to_version: str, against: str | None,
         fmt: str, output: Path | None, as_at_text: str | None) -> None:
    """A clause-by-clause redline of SCHOOL's POLICY between two versions."""
    from .commands.diff import FILE_FORMATS
    from .commands.diff import diff as redline
    from .render.redline import redline_terminal
    from .store.files import write_atomically
    from .store.output_paths import check_output_file

    root = project_root(ctx)
    output = output and check_output_file(root, output, "-o")
    if fmt in FILE_FORMATS and output is None:
        raise InputError(f"a {fmt} redline is a file: give -o FILE.{fmt}")
    if fmt == "term" and output:
        raise InputError("the terminal format cannot be written to a file", output, hint="use --format html or json")
    changes = redline(root, school, policy, from_version, to_version, against, as_at(as_at_text))
    if fmt == "term":
        for block in redline_terminal(changes.changes, f"{changes.heading}\n{changes.subtitle}", markers=not console.is_terminal):
            console.print(block)
        return
    data = changes.render(fmt, build_time())
    if output:
        write_atomically(output, data)
        console.print(f"wrote {output}", markup=False)
    else:
        console.out(data.decode("utf-8"), highlight=False)


def build_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH for reproducible files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise InputError(f"SOURCE_DATE_EPOCH={epoch[:40]!r} is not a time I can use",
                         hint="set it to whole seconds since 1970, e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)") from None


if __name__ == "__main__":
    main()
