"""The project's fixed vocabularies, each defined once: the schema, the CLI's choices and hints use these."""

from __future__ import annotations

from typing import Literal, get_args

Phase = Literal["nursery", "infant", "junior", "primary", "secondary", "all-through", "special"]
PHASES: tuple[str, ...] = get_args(Phase)

# What a policy calls the children it teaches, by phase: (one, many, many's). A nursery has children, not pupils.
PUPIL_WORDS: dict[str, tuple[str, str, str]] = {"nursery": ("child", "children", "children's")}
PUPIL_WORDS_DEFAULT = ("pupil", "pupils", "pupils'")

# Who signs an agreement. Labels and plurals are how sheets, errors and hints name them.
Role = Literal["staff", "governor", "trustee", "volunteer", "visitor", "parent", "carer", "pupil"]
ROLES: tuple[str, ...] = get_args(Role)
ROLE_LABELS = {role: role.capitalize() for role in ROLES}
ROLE_PLURALS = {role: role if role == "staff" else f"{role}s" for role in ROLES}
# What a roster's role column may say for each role, besides the role and its plural.
ROLE_SYNONYMS = {"staff": ("staff member", "teacher", "teachers"), "parent": ("parent/carer", "parents and carers")}

# Which pupils' sheet a pupil signs: by age, or the easy-read sheet a roster's 'agreement' column asks for.
AgeGroup = Literal["eyfs-ks1", "ks2", "ks3-4", "sixth-form", "easy-read"]
AGE_GROUPS: dict[str, str] = {"eyfs-ks1": "early years and key stage 1", "ks2": "key stage 2",
                              "ks3-4": "key stages 3 and 4", "sixth-form": "sixth form", "easy-read": "easy read"}

ReleaseKind = Literal["edition", "update", "correction"]
RELEASE_KINDS: tuple[str, ...] = get_args(ReleaseKind)
RELEASE_KIND_HELP = "correction: a typo fix, no new signatures; update or edition: everyone signs again."
