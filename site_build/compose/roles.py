"""Who does what: a school's roles and responsibilities, and the phrases clauses name them by (pure).

Shared clauses never name a post. They name a duty, `{{ who("manages-access") }}`, and the school's
roles.yml entries decide who carries it, in the school's own words: "the ICT Lead and the School
Business Manager (SBM)". `does("manages-access", "manages", "manage")` makes the verb agree.
`who(duty, "or")` is for sentences where any one of them will do ("ask the headteacher or the ICT Technician");
roles joined by "or" take the singular verb, written as is. `contact(duty)` adds each role's email as a link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import Markup

from ..errors import ErrorCollector, InputError
from ..load.project import RolesSource, SchoolSource
from ..load.suggest import did_you_mean
from ..load.yaml_lines import line_of
from ..model.schema import SchoolRole
from .markdown_rules import literal_markdown

JOINERS = ("and", "or")
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")


@dataclass(frozen=True)
class Duties:
    """A school's duties resolved: for each responsibility, the roles (in the school's words) that carry it."""

    roles: Mapping[str, SchoolRole]
    carriers: Mapping[str, tuple[str, ...]]  # duty -> role ids

    def phrase(self, duty: str, joiner: str = "and") -> str:
        """'the ICT Lead and the School Business Manager (SBM)' (Markdown-escaped)."""
        return join_words([role_phrase(self.roles[role]) for role in self._carriers(duty)], joiner)

    def contact(self, duty: str, joiner: str = "and") -> str:
        """'the IT support team (Mark Faulkner, [its email](mailto:...))': the phrase with each role's email."""
        return join_words([role_phrase(self.roles[role], email=True) for role in self._carriers(duty)], joiner)

    def plural(self, duty: str) -> bool:
        return len(self._carriers(duty)) > 1

    def _carriers(self, duty: str) -> tuple[str, ...]:
        if duty not in self.carriers:
            raise InputError(f"there is no responsibility '{duty}'",
                             hint=_suggest(duty, self.carriers) + " Responsibilities are listed in policies_src/roles.yml.")
        return self.carriers[duty]


def resolve_duties(school: SchoolSource, library: RolesSource) -> Duties:
    """The model's roles and duties with the school's own on top; every unknown name is reported at its line."""
    model = library.library
    roles = {**model.roles, **school.facts.roles}
    carriers = {duty: tuple(r.roles) for duty, r in model.responsibilities.items()}
    errors = ErrorCollector()
    for duty, chosen in school.facts.responsibilities.items():
        line = line_of(school.lines, ("responsibilities", duty))
        if duty not in carriers:
            errors.add(InputError(f"there is no responsibility '{duty}'", school.path, line,
                                  hint=_suggest(duty, carriers) + " Responsibilities are listed in policies_src/roles.yml."))
            continue
        if not chosen:
            errors.add(InputError(f"the responsibility '{duty}' needs at least one role", school.path, line,
                                  hint=f"the model gives it to: {', '.join(carriers[duty])}"))
            continue
        for index, role in enumerate(chosen):
            if role not in roles:
                errors.add(InputError(f"the responsibility '{duty}' names a role '{role}' that the school does not have",
                                      school.path, line_of(school.lines, ("responsibilities", duty, index)) or line,
                                      hint=_suggest(role, roles) + " Add the role under 'roles:' with its title."))
        carriers[duty] = tuple(chosen)
    errors.raise_if_any()
    return Duties(roles, carriers)


def role_phrase(role: SchoolRole, email: bool = False) -> str:
    """One role as a clause names it: 'the headteacher (Mrs L Galley)', 'the designated safeguarding lead (DSL)';
    with `email`, its email address too, as a mailto link."""
    extra = [literal_markdown(part) for part in (role.short, role.name) if part]
    if email and role.email:
        extra.append(email_link(role.email))
    words = ("the " if role.article else "") + literal_markdown(role.title)
    return f"{words} ({', '.join(extra)})" if extra else words


def email_link(address: str) -> str:
    """An email address as a mailto link; shown as plain text if it is not an email address."""
    text = literal_markdown(address)
    if not EMAIL.fullmatch(address):
        return text
    return f"[{text}](mailto:{quote(address, safe='@')})"


def join_words(parts: list[str], joiner: str = "and") -> str:
    """'A', 'A and B', 'A, B and C' (or 'A, B or C')."""
    if joiner not in JOINERS:
        raise InputError(f"roles are joined with 'and' or 'or', not '{str(joiner)[:40]}'",
                         hint='write who("duty") or who("duty", "or")')
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {joiner} " + parts[-1]


def template_helpers(duties: Duties) -> dict[str, Callable[..., Markup]]:
    """The functions clause templates name people by: who(duty, joiner), Who(duty, joiner), does(duty, one, many)
    and contact(duty, joiner); joiner is "and" (the default) or "or"."""
    def who(duty: str, joiner: str = "and") -> Markup:
        return Markup(duties.phrase(duty, joiner))

    def who_capital(duty: str, joiner: str = "and") -> Markup:
        text = duties.phrase(duty, joiner)
        return Markup(text[:1].upper() + text[1:])

    def contact(duty: str, joiner: str = "and") -> Markup:
        return Markup(duties.contact(duty, joiner))

    def does(duty: str, one: str, many: str) -> Markup:
        return Markup(literal_markdown(many if duties.plural(duty) else one))

    return {"who": who, "Who": who_capital, "does": does, "contact": contact}


def _suggest(name: str, known: Mapping[str, object]) -> str:
    return did_you_mean(name, known, f"known: {', '.join(sorted(known))}.")
