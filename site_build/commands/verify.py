"""`verify`: prove every approved release is intact, in order, signed, and the one the site published."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ErrorCollector, InputError, PolicySiteError, TamperedRelease
from ..load.schema_errors import validate
from ..load.yaml_lines import parse_yaml, read_text
from ..model.release import Release
from ..model.schema import School, Signer
from ..store.git_history import git_report, reissue_words
from ..store.releases import RESTORE, chain_problems, load_json, read_release, release_dir
from ..store.signing import signature_valid


@dataclass
class VerifyReport:
    """What `verify` found: a line per release (who signed it, or a warning) and every problem."""

    count: int = 0
    lines: list[str] = field(default_factory=list)
    warned: set[str] = field(default_factory=set)  # the releases with a warning
    signed: int = 0
    errors: ErrorCollector = field(default_factory=ErrorCollector)

    @property
    def warnings(self) -> int:
        return len(self.warned)


def verify_all(root: Path, today: dt.date, site: Path | None = None, require_signatures: bool = False) -> VerifyReport:
    """Check every release: hash, chain, date, signature; then against the published site and git history."""
    report = VerifyReport()
    chains: dict[tuple[str, str], list[Release]] = {}
    school_signers: dict[str, list[Signer] | None] = {}
    for folder in sorted(p for p in (root / "schools").glob("*/releases/*") if p.is_dir()):
        slug, policy_id = folder.parent.parent.name, folder.name
        if slug not in school_signers:
            school_signers[slug] = _signers(root, slug, report.errors)
        signers = school_signers[slug]
        releases: list[Release | None] = []
        for path in sorted(folder.glob("*.json")):
            try:
                releases.append(read_release(path, root))
            except PolicySiteError as exc:
                report.errors.add(exc)
                releases.append(None)
        for problem in chain_problems(releases):
            report.errors.add(problem)
        for release in (r for r in releases if r is not None):
            report.count += 1
            _check_release(release, today, signers, require_signatures, report)
        chains[slug, policy_id] = [r for r in releases if r is not None]
    for stray in sorted((root / "schools").glob("*/releases/*/.new-*.tmp")):
        report.errors.add(InputError("an unfinished release file was left by an interrupted approval", stray.relative_to(root),
                                      hint="delete it; the approval did not happen"))
    if site is not None:
        _compare_with_site(root, site, chains, report.errors)
    history = git_report(root)
    for problem in history.problems:
        report.errors.add(problem)
    for relative, warning in history.warnings:
        report.lines.append(f"warning: {relative}: {warning}")
        report.warned.add(relative)
    report.errors.errors.sort(key=lambda error: str(error.file or ""))  # each file's problems together
    return report


def _signers(root: Path, slug: str, errors: ErrorCollector) -> list[Signer] | None:
    """The school's signers from school.yml (None when it cannot be read: that is reported once)."""
    path = root / "schools" / slug / "school.yml"
    shown = path.relative_to(root)
    if not path.is_file():
        return []
    try:
        data, lines = parse_yaml(read_text(path), shown)
        return validate(School, data, lines, shown).signers
    except PolicySiteError as exc:
        errors.add(exc)
        return None


def _check_release(release: Release, today: dt.date, signers: list[Signer] | None, require: bool,
                   report: VerifyReport) -> None:
    """Date and signature of one readable release; adds its line ('signed by ...' or warnings) to the report."""
    where, warnings = release.path, []
    if release.approved_on > today:
        report.errors.add(TamperedRelease(f"this release is dated {release.version}, after today ({today.isoformat()}): "
                                      "an approval cannot be in the future, so it is forged (or the date is wrong)",
                                      where, hint=RESTORE))
    if release.reissue:
        warnings.append(reissue_words(release.reissue.to_data()))
    if release.format == 1:
        warnings.append("not chained (format 1), so a deleted or swapped neighbour is not detected")
    signature, signed_by = release.signature, None
    if signature is None:
        if require:
            report.errors.add(InputError("this release is unsigned", where,
                                          hint="approvals must be signed: policy-site approve ... --sign KEYFILE"))
        warnings.append("unsigned")
    elif signers is not None:  # None: school.yml could not be read, and that is reported already
        signer = next((s for s in signers if s.public_key == signature.public_key), None)
        if signer is None:
            report.errors.add(InputError(f"this release is signed by a key that is not among the school's signers "
                                          f"(it says '{signature.signed_by}')", where,
                                          hint="if that person does sign approvals, add their public key under "
                                               "'signers:' in school.yml; otherwise the release is forged"))
        elif not signature_valid(signature.public_key, release.sha256, signature.value):
            report.errors.add(TamperedRelease(f"this release's signature (by {signer.name}) does not match it: it was "
                                          "changed after it was signed, or the signature is forged", where, hint=RESTORE))
        else:
            signed_by = signer.name
            report.signed += 1
    if warnings:
        report.warned.add(str(where))
        report.lines.append(f"warning: {where}: {'; '.join(warnings)}")
    elif signed_by:
        report.lines.append(f"{where}: signed by {signed_by}")


def _compare_with_site(root: Path, site: Path, chains: dict[tuple[str, str], list[Release]],
                       errors: ErrorCollector) -> None:
    """Every release the built site lists in <school>/releases.json must be on disk, unchanged."""
    manifests = sorted(site.glob("*/releases.json"))
    if not manifests:
        errors.add(InputError("no school in this folder has a releases.json", site,
                               hint="pass the folder `policy-site build` wrote (default: site)"))
    for manifest in manifests:
        slug = manifest.parent.name
        hint = "rebuild the site with `policy-site build`, or pass the right --site folder"
        try:
            data = load_json(manifest, manifest, hint=hint)
        except InputError as exc:
            errors.add(exc)
            continue
        policies = data.get("policies") if isinstance(data, dict) else None
        if not isinstance(policies, dict):
            errors.add(InputError("this is not a release manifest written by `policy-site build`", manifest, hint=hint))
            continue
        for policy_id, listed in policies.items():
            on_disk = {r.version: r for r in chains.get((slug, policy_id), [])}
            for entry in listed if isinstance(listed, list) else []:
                version, sha = (entry.get("version"), entry.get("sha256")) if isinstance(entry, dict) else (None, None)
                path = release_dir(root, slug, str(policy_id)) / f"{version}.json"
                shown = path.relative_to(root) if path.is_relative_to(root) else path
                if version not in on_disk:
                    errors.add(TamperedRelease(f"the published site lists this release (SHA-256 {str(sha)[:12]}...), but it is "
                                           "missing or unreadable here: a deleted release silently rolls the site back",
                                           shown, hint=RESTORE))
                elif on_disk[version].sha256 != sha:
                    reissue = on_disk[version].reissue
                    errors.add(TamperedRelease("this release differs from the one the published site lists "
                                           f"(SHA-256 {str(sha)[:12]}... there, {on_disk[version].sha256[:12]}... here)",
                                           shown, hint=f"it was re-issued on {reissue.on.isoformat()}, replacing that "
                                                       "one: publish the site again (`policy-site build`)"
                                           if reissue and reissue.of_sha256 == sha else RESTORE))
