"""Forged releases and hostile loaded files, through the real CLI: verify names each one, nothing crashes."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import assert_clean_failure, copy_project, run_cli, scaffold

from site_build.model.release import release_hash
from site_build.store.signing import load_private_key, public_key_text, sign_hash

SLUG = "new-academy"
POLICY = "acceptable-use"
SIGNER = "Mrs J Smith, Clerk to Governors"
TODAY = "2026-11-29"  # every test judges dates as of this day, so none depends on the clock
MEMORY_MB = 512  # `policy-site check` on the example project peaks at about 77 MB of address space
VERSIONS = ["2024-09-10", "2025-09-10", "2026-09-10"]


def change_clause(root: Path, clause: str, old: str, new: str) -> None:
    path = root / "clauses" / f"{clause}.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="module")
def chain_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose new school has three chained releases: the first two signed, the last one not."""
    base = tmp_path_factory.mktemp("chain")
    root = copy_project(base / "project")
    assert scaffold(root, SLUG, "--name", "New Academy").code == 0
    keys = base / "keys"
    keys.mkdir()
    public = run_cli("keygen", "--out", str(keys / "clerk.pem"), cwd=root).out.strip()
    assert run_cli("keygen", "--out", str(keys / "stranger.pem"), cwd=root).code == 0
    with (root / "schools" / SLUG / "school.yml").open("a") as school:
        school.write(f'signers:\n  - name: "{SIGNER}"\n    public_key: "{public}"\n')
    sign = ["--sign", str(keys / "clerk.pem")]
    for version, extra, change in zip(VERSIONS, (sign, sign, []), (None, ("printers", "printer", "multifunction device"),
                                                                   ("facebook-cheat-sheet", "Facebook", "Facebook (and Instagram)")), strict=True):
        if change:
            change_clause(root, *change)
        result = run_cli("approve", "--by", "Governing Board", SLUG, POLICY, "--on", version, "--note", f"Approved {version}", *extra, cwd=root)
        assert result.code == 0, result.text
    return base


@pytest.fixture
def chained(chain_base: Path, tmp_path: Path) -> Path:
    """A fresh copy of the chained project (its keys sit beside it, in keys/)."""
    shutil.copytree(chain_base, tmp_path / "copy")
    return tmp_path / "copy" / "project"


def release_path(root: Path, version: str, slug: str = SLUG) -> Path:
    return root / "schools" / slug / "releases" / POLICY / f"{version}.json"


def shown(version: str, slug: str = SLUG) -> str:
    return f"schools/{slug}/releases/{POLICY}/{version}.json"


def load(root: Path, version: str) -> dict:
    return json.loads(release_path(root, version).read_text())


def save(root: Path, version: str, data: dict, rehash: bool = True) -> None:
    """Write a release as a forger would: with its SHA-256 recomputed, so the hash alone proves nothing."""
    if rehash:
        data = {**data, "sha256": release_hash(data)}
    release_path(root, version).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def redate(data: dict, version: str) -> dict:
    return {**data, "version": version, "approved_on": version, "next_review": str(int(version[:4]) + 1) + version[4:]}


def verify(root: Path, *extra: str):
    return run_cli("verify", "--today", TODAY, *extra, cwd=root)


def test_an_intact_chain_verifies_and_says_who_signed(chained: Path):
    first, second, third = (load(chained, v) for v in VERSIONS)
    assert first["format"] == 2 and first["previous_sha256"] is None
    assert second["previous_sha256"] == first["sha256"] and third["previous_sha256"] == second["sha256"]
    assert second["signature"]["signed_by"] == SIGNER and "signature" not in third
    result = verify(chained)
    assert result.code == 0, result.text
    assert f"{shown(VERSIONS[0])}: signed by {SIGNER}" in result.out
    assert f"warning: {shown(VERSIONS[2])}: unsigned" in result.out
    assert_clean_failure(verify(chained, "--require-signatures"), shown(VERSIONS[2]), "unsigned")


def test_an_edited_release_with_a_recomputed_hash_is_named(chained: Path):
    data = load(chained, VERSIONS[1])
    data["document"]["clauses"][0]["text"] += "\n\nStaff may share their passwords."
    save(chained, VERSIONS[1], data)
    result = verify(chained)
    assert_clean_failure(result, shown(VERSIONS[1]), "signature (by Mrs J Smith", "does not match",
                         shown(VERSIONS[2]), f"{VERSIONS[1]}.json was altered or replaced")
    assert run_cli("build", SLUG, cwd=chained).code == 1  # a broken chain is never published


def test_swapped_releases_are_named(chained: Path):
    first, second = load(chained, VERSIONS[0]), load(chained, VERSIONS[1])
    save(chained, VERSIONS[0], redate(second, VERSIONS[0]))
    save(chained, VERSIONS[1], redate(first, VERSIONS[1]))
    result = verify(chained)
    assert_clean_failure(result, shown(VERSIONS[0]), "missing: a release before it was deleted",
                         shown(VERSIONS[1]), "claims to be the policy's first approval", "swapped",
                         "signature (by Mrs J Smith", shown(VERSIONS[2]))


def test_a_forged_future_release_is_named(chained: Path):
    head = load(chained, VERSIONS[2])
    forged = redate({**head, "previous_sha256": head["sha256"], "note": "Passwords may be shared"}, "2027-01-05")
    save(chained, "2027-01-05", forged)
    result = verify(chained)
    assert_clean_failure(result, shown("2027-01-05"), f"after today ({TODAY})")
    assert result.err.count("error:") == 1


def test_an_inserted_release_is_named(chained: Path):
    first = load(chained, VERSIONS[0])
    save(chained, "2025-01-01", redate({**first, "previous_sha256": first["sha256"]}, "2025-01-01"))
    result = verify(chained)
    assert_clean_failure(result, shown(VERSIONS[1]), "approved after 2024-09-10.json",
                         "the release before it here is 2025-01-01.json")


def test_a_deleted_middle_release_is_named(chained: Path):
    release_path(chained, VERSIONS[1]).unlink()
    assert_clean_failure(verify(chained), shown(VERSIONS[2]), "is not here", "a release between them was deleted")


def test_a_duplicate_key_is_an_error(chained: Path):
    path = release_path(chained, VERSIONS[1])
    path.write_text(path.read_text().replace("{", '{\n  "note": "Nothing changed",', 1))
    assert_clean_failure(verify(chained), shown(VERSIONS[1]), "the key 'note' appears twice")


@pytest.mark.parametrize("content, message", [
    ("[" * 200_000 + "]" * 200_000, "nested far too deeply"),
    ('{"a":' * 40 + "1" + "}" * 40, "nested more than 32 levels"),
    (" " * (21 * 2**20) + "{}", "larger than 20 MB"),
])
def test_absurd_release_files_are_clear_errors(chained: Path, content: str, message: str):
    release_path(chained, VERSIONS[0]).write_text(content)
    result = run_cli("verify", "--today", TODAY, cwd=chained, memory_mb=MEMORY_MB, timeout=60)
    assert_clean_failure(result, shown(VERSIONS[0]), message)


def test_signatures_by_unknown_or_wrong_keys_are_named(chained: Path):
    keys = chained.parent / "keys"
    stranger = load_private_key(keys / "stranger.pem")
    clerk = load_private_key(keys / "clerk.pem")
    head = load(chained, VERSIONS[2])
    head["signature"] = {"public_key": public_key_text(stranger.public_key()), "signed_by": SIGNER,
                         "value": sign_hash(stranger, head["sha256"])}
    save(chained, VERSIONS[2], head, rehash=False)
    middle = load(chained, VERSIONS[1])
    middle["signature"]["value"] = sign_hash(clerk, head["sha256"])  # the clerk's key, but another release's signature
    save(chained, VERSIONS[1], middle, rehash=False)
    result = verify(chained)
    assert_clean_failure(result, shown(VERSIONS[2]), "not among the school's signers",
                         shown(VERSIONS[1]), "does not match")
    refused = run_cli("approve", "--by", "Governing Board", SLUG, POLICY, "--on", "2026-10-01", "--note", "x", "--reaffirm",
                      "--sign", str(keys / "stranger.pem"), cwd=chained)
    assert_clean_failure(refused, f"schools/{SLUG}/school.yml", "not among the school's signers", "ed25519:")


def test_old_format_releases_are_read_but_named_unchained(chained: Path):
    originals = {v: load(chained, v) for v in VERSIONS}
    for version, data in originals.items():
        old = {k: v for k, v in data.items() if k not in ("previous_sha256", "signature", "letterhead", "sources", "meeting", "effective")}
        save(chained, version, {**old, "format": 1})
    result = verify(chained)
    assert result.code == 0, result.text
    assert f"warning: {shown(VERSIONS[0])}: not chained (format 1)" in result.out
    for version in VERSIONS[:2]:
        save(chained, version, originals[version], rehash=False)
    assert_clean_failure(verify(chained), shown(VERSIONS[2]), "old-format (unchained) release after chained ones")


def test_a_deleted_newest_release_is_named_against_the_published_site(chained: Path):
    school = "tudhoe-moor-nursery"
    newest = sorted(release_path(chained, "x", school).parent.glob("*.json"))[-1]
    assert run_cli("build", school, "--today", TODAY, cwd=chained).code == 0
    manifest = json.loads((chained / "site" / school / "releases.json").read_text())
    assert manifest["policies"][POLICY][-1] == {"version": newest.stem, "sha256": json.loads(newest.read_text())["sha256"]}
    assert verify(chained, "--site", "site").code == 0
    data = {**json.loads(newest.read_text()), "note": "Rewritten"}
    newest.write_text(json.dumps({**data, "sha256": release_hash(data)}))
    assert_clean_failure(verify(chained, "--site", "site"), shown(newest.stem, school),
                         "differs from the one the published site lists")
    newest.unlink()
    assert verify(chained).code == 0  # without the site (or git) a deleted newest release cannot be seen
    assert_clean_failure(verify(chained, "--site", "site"), shown(newest.stem, school), "missing",
                         "silently rolls the site back")


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_deleted_or_edited_newest_release_is_named_against_git_history(chained: Path):
    git(chained, "init", "-q")
    git(chained, "add", "schools")
    git(chained, "commit", "-q", "-m", "releases")
    assert verify(chained).code == 0
    head = load(chained, VERSIONS[2])
    save(chained, VERSIONS[2], {**head, "note": "Passwords may be shared"})
    assert_clean_failure(verify(chained), shown(VERSIONS[2]), "differs from the one committed in")
    git(chained, "rm", "-qf", "--", shown(VERSIONS[2]))
    git(chained, "commit", "-q", "-m", "roll back")  # even a committed deletion is seen: history keeps the release
    assert_clean_failure(verify(chained), shown(VERSIONS[2]), "committed in", "missing here")


def test_keygen_writes_a_private_key_once_and_never_into_the_project(chained: Path):
    key = chained.parent / "keys" / "new.pem"
    result = run_cli("keygen", "--out", str(key), cwd=chained)
    assert result.code == 0 and result.out.startswith("ed25519:") and "school.yml" in result.err
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert_clean_failure(run_cli("keygen", "--out", str(key), cwd=chained), "never overwritten")
    assert_clean_failure(run_cli("keygen", "--out", "key.pem", cwd=chained), "must not be kept in the project")
    assert not (chained / "key.pem").exists()


# Loading limits: YAML files that would expand, nest or weigh without bound.

LAUGHS = "lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 10))


@pytest.mark.parametrize("where", ["schools/tudhoe-moor-nursery/school.yml", "policies_src/acceptable-use.yml",
                                   "clauses/printers.md"])
@pytest.mark.parametrize("attack, message", [
    (LAUGHS, "expands to more than 100,000 values"),
    ("deep: " + "[" * 200_000 + "]" * 200_000 + "\n", "nested far too deeply"),
    ("deep: &d [*d]\n", "an alias refers to itself"),
    ("deep:\n" + "".join("  " * i + "- \n" for i in range(1, 80)), "nested more than 64 levels"),
    ("padding: '" + "x" * (2 * 2**20) + "'\n", "larger than 2 MB"),
])
def test_hostile_yaml_fails_fast_in_bounded_memory(project: Path, where: str, attack: str, message: str):
    path = project / where
    text = path.read_text()
    if where.endswith(".md"):
        path.write_text(text.replace("---\n", "---\n" + attack, 1))
    else:
        path.write_text(attack + text)
    result = run_cli("check", cwd=project, memory_mb=MEMORY_MB, timeout=60)
    assert_clean_failure(result, where, message)
