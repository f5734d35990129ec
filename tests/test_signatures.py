"""Who has signed: recording a filled-in register or form export, then `status --signatures` after new releases."""

from __future__ import annotations

from pathlib import Path

from conftest import assert_clean_failure, run_cli

SLUG, POLICY, BOARD = "chellaston-infant", "acceptable-use", "Local Governing Board"
WIDE = {"COLUMNS": "400"}


def record(root: Path, name: str, text: str):
    (root / name).write_text(text, encoding="utf-8")
    return run_cli("agreements", SLUG, "--record", name, cwd=root)


def still_to_sign(root: Path) -> list[str]:
    result = run_cli("status", "--signatures", cwd=root, env=WIDE)
    assert result.code == 0, result.text
    lines = result.out.splitlines()
    return lines[lines.index("Signatures still needed:") + 1:] if "Signatures still needed:" in lines else []


def approve(root: Path, on: str, kind: str, old: str, new: str) -> None:
    clause = root / "overrides" / SLUG / "internet-access.md"
    text = clause.read_text(encoding="utf-8")
    clause.write_text(text.replace(old, new) if old else f"{text}\n{new}\n", encoding="utf-8")
    result = run_cli("approve", SLUG, POLICY, "--on", on, "--by", BOARD, "--note", new, "--kind", kind, cwd=root)
    assert result.code == 0, result.text


def test_an_update_asks_again_only_those_who_signed_before_and_a_correction_asks_nobody(project: Path):
    # a register filled in by hand (version named) and a form export (signed on a date: the version then in force)
    first = record(project, "register.csv", "name,role,policy,version\nAnn Lee,staff,acceptable-use,2021-10-18\n"
                                            "Dev Patel,Teacher,acceptable-use,2021-10-18\n")
    assert first.code == 0, first.text
    assert f"kept as schools/{SLUG}/signatures/" in first.out
    form = record(project, "form.csv", "Name,Role,Policy,Completion time\n"
                                       "Cara Nwosu,staff,ICT and internet acceptable use policy,03/11/2021 09:12\n")
    assert form.code == 0, form.text
    assert still_to_sign(project) == []

    approve(project, "2026-11-20", "update", "", "Staff report lost devices the same day.")
    record(project, "late.csv", "name,role,policy,date\nann lee,staff,acceptable-use,2026-11-23\n")
    [line] = still_to_sign(project)
    assert "version 2026-11-20 (update)" in line and line.endswith("2 staff not yet signed: Cara Nwosu, Dev Patel"), line

    approve(project, "2026-11-25", "correction", "devices the same", "devices on the same")
    [after] = still_to_sign(project)
    assert after == line  # a correction asks nobody new to sign, and asks for the update it corrects


def test_a_record_is_kept_as_it_was_and_never_overwritten(project: Path):
    text = "name,role,policy,version\nAnn Lee,staff,acceptable-use,2021-10-18\n"
    assert record(project, "signed.csv", text).code == 0
    again = record(project, "signed.csv", text)
    assert again.code == 0 and "recorded already" in again.out
    other = record(project, "signed.csv", text + "Ben Ode,staff,acceptable-use,2021-10-18\n")
    assert other.code == 0, other.text
    kept = sorted((project / "schools" / SLUG / "signatures").iterdir())
    assert sorted(path.read_text(encoding="utf-8") for path in kept) == [text, text + "Ben Ode,staff,acceptable-use,2021-10-18\n"]


def test_a_bad_record_names_each_row_and_keeps_nothing(project: Path):
    result = record(project, "bad.csv", "name,role,policy,date\nAnn Lee,staff,phones,02/11/2021\n"
                                        "Ben Ode,staff,acceptable-use,31/02/2021\nCy Rees,staff,acceptable-use,01/01/2019\n"
                                        "Di Moss,staff,acceptable-use,\n")
    assert_clean_failure(result, "bad.csv:2:", "policy 'phones' the school does not have", "bad.csv:3:",
                         "date '31/02/2021' that cannot be read", "bad.csv:4:", "before any version was in force",
                         "bad.csv:5:", "neither which version was signed nor when")
    assert not (project / "schools" / SLUG / "signatures").exists()


def pdf_pages(path: Path) -> list[str]:
    import unicodedata

    from pypdf import PdfReader
    return [" ".join(unicodedata.normalize("NFKC", page.extract_text()).split()) for page in PdfReader(path).pages]


def test_the_read_and_understood_pack_lists_each_persons_policies_and_refuses_roles_that_have_none(project: Path):
    (project / "roster.csv").write_text("name,role\nAnn Lee,staff\nGil Ross,Governor\n", encoding="utf-8")
    result = run_cli("agreements", SLUG, "--acknowledge", "--roster", "roster.csv", "-o", "ack.pdf", cwd=project)
    assert result.code == 0, result.text
    pages = pdf_pages(project / "ack.pdf")
    sheets = {page.split("Name: ")[1].split(" Role")[0]: page for page in pages if "Name: " in page}
    assert set(sheets) == {"Ann Lee", "Gil Ross"}
    for sheet in sheets.values():
        assert "ICT and internet acceptable use policy 2021-10-18 (update) 18 October 2021" in sheet
        assert "I have read and understood each policy listed above" in sheet
    assert "Signing register" in pages[-1] and "Ann Lee" in pages[-1] and "Gil Ross" in pages[-1]
    (project / "roster.csv").write_text("name,role\nKai Moss,pupil\n", encoding="utf-8")
    refused = run_cli("agreements", SLUG, "--acknowledge", "--roster", "roster.csv", "-o", "ack2.pdf", cwd=project)
    assert_clean_failure(refused, "roster.csv:2:", "Kai Moss", "no policy asks pupils to acknowledge it")
    assert not (project / "ack2.pdf").exists()


def test_blank_acknowledgement_sheets_use_the_schools_own_board_word(project: Path):
    result = run_cli("agreements", SLUG, "--acknowledge", "-o", "blank.pdf", cwd=project)
    assert result.code == 0, result.text
    roles = [page.split("Role: ")[1].split()[0] for page in pdf_pages(project / "blank.pdf") if "Role: " in page]
    assert roles == ["Staff", "Governor", "Volunteer"]  # Chellaston's board members are governors, not trustees


def test_a_signature_record_linked_from_outside_its_folder_is_refused(project: Path):
    folder = project / "schools" / SLUG / "signatures"
    folder.mkdir()
    (project / "outside.csv").write_text("name,role,policy,version\nAnn Lee,staff,acceptable-use,2021-10-18\n", encoding="utf-8")
    (folder / "linked.csv").symlink_to(project / "outside.csv")
    result = run_cli("status", "--signatures", cwd=project)
    assert_clean_failure(result, f"schools/{SLUG}/signatures/linked.csv", "a link to a place outside its folder")


def test_status_says_when_no_signature_has_been_recorded(project: Path):
    result = run_cli("status", "--signatures", cwd=project, env=WIDE)
    assert result.code == 0, result.text
    assert "Signatures: none recorded yet" in result.out and "--record FILE.csv" in result.out
