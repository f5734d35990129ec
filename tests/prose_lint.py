"""A prose lint for composed policies: faults a reader notices and a template can easily make.

Each rule is a plain function over text (or over a composed Document) that returns Findings, each naming the
section (its number and clause id) and the offending words. `lint_document` runs every rule over one policy.

The rules:

- doubled_words: the same word twice in a row ("the the"); "had had" and "that that" are allowed.
- articles: "a" before a vowel sound ("a hour", "a SEN", "a MFA", "a 11-year-old") and "an" before a consonant
  sound ("an university", "an one-off", "an DSL"). Sound, not spelling: "a university", "a one-off", "a UK school",
  "an hour", "an SEN", "an MFA". An abbreviation in capitals is read letter by letter ("an MFA", "a DSL") unless it
  is said as a word (PIN, SEND, SIM, NATO, SENCO, VPN is letters); a number by how it is said ("an 8", "an 11").
- unjoined_lists: a list of three or more short items without "and" or "or" before the last ("pupils, staff,
  governors."), and two or more parallel clauses strung together with only commas ("explains when X, how Y.").
- number_agreement: the numeral 1 with a plural noun ("1 rules for school staff").
- role_names: one name for each role within a document. A role (policies_src/roles.yml, and the school's
  `roles:`) is named by its title, by its title with its short form in brackets ("the designated safeguarding lead
  (DSL)"), or, once that has introduced it, by its short form alone ("the DSL"). A role the school has retitled must
  not appear under the model's title or short form, and a short form must not appear before it is introduced.
- pupil_words: in a setting without pupils (phase nursery) the children are called children: no "pupil", "pupils",
  "student" or "students" anywhere in its text or headings (adults training there, "students on placement" and
  "student teachers", are not pupils).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    rule: str
    where: str  # "4.2 sanctions": the section number and clause id
    text: str  # the offending words, with a little context

    def __str__(self) -> str:
        return f"{self.rule}: {self.where}: {self.text}"


# --- reading composed Markdown as plain prose -------------------------------------------------------------------

def plain_text(markdown: str) -> str:
    """Markdown as a reader sees it: links reduced to their words, emphasis and code marks removed."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)  # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"\*\*|__|(?<!\w)\*|\*(?!\w)", "", text)
    text = re.sub(r"<https?://[^>]*>|https?://\S+", "", text)
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", text)


def lines_of(markdown: str) -> list[str]:
    """Each paragraph or list item as one line of plain text (a list item without its bullet or number)."""
    lines = []
    for line in plain_text(markdown).splitlines():
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line).strip()
        if line:
            lines.append(line)
    return lines


def sentences_of(line: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;:])\s+(?=[A-Z\"'(])", line) if s]


def _context(text: str, start: int, end: int, width: int = 30) -> str:
    left, right = max(0, start - width), min(len(text), end + width)
    return ("..." if left else "") + text[left:right] + ("..." if right < len(text) else "")


# --- the rules, over one piece of text ----------------------------------------------------------------------------

ALLOWED_DOUBLES = {"had", "that"}


def doubled_words(text: str) -> list[str]:
    """'the the', 'to to': the same word twice in a row (case-insensitive)."""
    found = []
    for line in lines_of(text):
        for match in re.finditer(r"\b(\w+)\s+(\1)\b", line, flags=re.IGNORECASE):
            if match.group(1).lower() not in ALLOWED_DOUBLES and not match.group(1).isdigit():
                found.append(_context(line, match.start(), match.end()))
    return found


# letters whose names start with a vowel sound: "an F", "an MFA", "an SEN"
VOWEL_LETTERS = set("AEFHILMNORSX")
# abbreviations said as words, not letter by letter
SAID_AS_WORDS = {"PIN", "SEND", "SENCO", "SENDCO", "SIM", "NATO", "OFSTED", "UNESCO", "UNICEF", "WIFI", "GIF", "JPEG",
                 "LAN", "RAM", "ROM", "CAMHS", "EHCP", "IT", "ICT", "UK", "US", "URL", "USB", "UKCIS", "UKSIC"}
# said as words, but starting with a vowel sound
SAID_AS_WORDS_VOWEL = {"OFSTED", "EHCP", "IT", "ICT"}
# spelt with a vowel, said with a consonant sound ("a university", "a one-off", "a European")
CONSONANT_SOUND = re.compile(r"^(?:uni(?!n|mp)|use|usu|usa|uti|ura|ure|uro|eu|ewe|one\b|one-|once|ubiq)", re.IGNORECASE)
# spelt with a consonant, said with a vowel sound ("an hour", "an honest")
VOWEL_SOUND = re.compile(r"^(?:hour|honest|honour|honor|heir)", re.IGNORECASE)


def _starts_with_vowel_sound(word: str) -> bool | None:
    """Whether a word is said starting with a vowel sound; None when the word gives no clear answer."""
    word = word.strip("\"'“”‘’(")
    if not word:
        return None
    if word[0].isdigit():
        number = re.match(r"\d+", word).group()  # type: ignore[union-attr]
        return number.startswith("8") or number in ("11", "18") or (len(number) in (5, 6) and number[:2] in ("11", "18"))
    letters = re.match(r"[A-Za-z]+", word)
    if not letters:
        return None
    head = letters.group()
    if len(head) >= 2 and head.isupper():  # an abbreviation: "an MFA", "a DSL", "a PIN"
        if head in SAID_AS_WORDS:
            return head in SAID_AS_WORDS_VOWEL
        return head[0] in VOWEL_LETTERS
    if VOWEL_SOUND.match(word):
        return True
    if CONSONANT_SOUND.match(word):
        return False
    return head[0].lower() in "aeiou"


def articles(text: str) -> list[str]:
    """'a' before a vowel sound, or 'an' before a consonant sound."""
    found = []
    for line in lines_of(text):
        for match in re.finditer(r"(?<![\w'’.-])(a|an|A|An)\s+([\w\"“‘'(][\w'’-]*)", line):
            article, word = match.group(1).lower(), match.group(2)
            vowel = _starts_with_vowel_sound(word)
            if vowel is None:
                continue
            if (article == "a" and vowel) or (article == "an" and not vowel):
                found.append(_context(line, match.start(), match.end()))
    return found


JOINS = re.compile(r"^(?:and|or|nor|but|then|so|yet|as well as|either|plus)\b|\b(?:and|or|nor)$", re.IGNORECASE)
CLAUSE_STARTERS = ("when", "how", "what", "where", "why")


def unjoined_lists(text: str) -> list[str]:
    """A series of three or more short items, or two or more parallel wh-clauses, without 'and' or 'or'."""
    found = []
    for line in lines_of(text):
        for sentence in sentences_of(line):
            body = re.sub(r"\s*\([^()]*\)", "", sentence).rstrip(".!?;:").strip()  # asides in brackets are not the list
            if "," not in body:
                continue
            parts = [p.strip() for p in body.split(",")]
            # "X, Y, Z" ending the sentence: the last two parts short (1 to 4 words), plain and not joined
            tail = parts[-2:]
            if (len(parts) >= 3 and parts[-3]
                    and all(1 <= len(p.split()) <= 4 for p in tail)
                    and not any(JOINS.search(p) or re.search(r"\b(?:and|or)\b", p) for p in tail)
                    and all(re.fullmatch(r"[\w'’() /-]+", p) for p in tail)
                    and not any(p.split()[0].lower() in ("for", "such", "including", "e.g", "i.e", "which", "who",
                                                         "where", "when", "if", "unless", "because", "as", "so",
                                                         "but", "then", "too", "please", "not")
                                for p in tail)):
                found.append(sentence)
                continue
            # "explains when X, how Y.": clauses of the same kind strung together by commas alone
            starters = [p.split()[0].lower() if p.split() else "" for p in parts[1:]]
            if (len(parts) >= 2 and starters and starters[-1] in CLAUSE_STARTERS
                    and re.search(rf"\b(?:{'|'.join(CLAUSE_STARTERS)})\b", parts[0], flags=re.IGNORECASE)
                    and all(s in CLAUSE_STARTERS for s in starters)):
                found.append(sentence)
    return found


SINGULAR_ENDINGS = ("ss", "us", "is", "ics", "news", "series", "species")


def number_agreement(text: str) -> list[str]:
    """'1 rules': the numeral 1 with a plural noun."""
    found = []
    for line in lines_of(text):
        for match in re.finditer(r"(?<![\d.,:/-])\b1\s+([a-z]+s)\b", line):
            word = match.group(1)
            if not word.endswith(SINGULAR_ENDINGS):
                found.append(_context(line, match.start(), match.end()))
    return found


# adults training with the school ("students on placement", "student teachers") are not pupils
PUPIL_WORDS = re.compile(r"\b(?:pupils?|students?)(?:['’]s?)?\b(?! on placement| teachers?\b)", re.IGNORECASE)


def pupil_words(text: str) -> list[str]:
    """'pupil', 'pupils', 'student', 'students' (and their possessives): for a setting that has no pupils."""
    found = []
    for line in lines_of(text):
        found += [_context(line, m.start(), m.end()) for m in PUPIL_WORDS.finditer(line)]
    return found


# --- one name for each role, over a whole document ---------------------------------------------------------------

@dataclass(frozen=True)
class RoleName:
    """A role's names: the title (and short form) the school uses, and the model's, where the school changed them."""

    id: str
    title: str
    short: str | None
    model_title: str | None = None
    model_short: str | None = None


def role_names_of(school_roles: Mapping[str, Any], model_roles: Mapping[str, Any]) -> list[RoleName]:
    """Each role a school's policy can name, from resolved roles (title, short) and the model's roles."""
    names = []
    for role_id, role in school_roles.items():
        model = model_roles.get(role_id)
        names.append(RoleName(role_id, role.title, role.short,
                              model.title if model is not None else None, model.short if model is not None else None))
    return names


def _title_pattern(title: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(title)}(?![\w-])", re.IGNORECASE)


def _short_pattern(short: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(short)}(?![\w-])")


def role_names(sections: Iterable[tuple[str, str]], roles: Iterable[RoleName]) -> list[tuple[str, str]]:
    """(where, words) for each other name of a role: the model's title or short form of a role the school has
    retitled, or a short form used before the document introduces it as 'title (SHORT)'."""
    sections = [(where, " ".join(lines_of(text))) for where, text in sections]
    found = []
    roles = list(roles)
    titles = {r.title.lower() for r in roles}
    for role in roles:
        others = []
        if role.model_title and role.model_title.lower() != role.title.lower() and role.model_title.lower() not in titles:
            others.append(_title_pattern(role.model_title))
        if role.model_short and role.model_short != role.short:
            others.append(_short_pattern(role.model_short))
        introduced = False
        intro = re.compile(rf"{re.escape(role.title)} \({re.escape(role.short)}\b", re.IGNORECASE) if role.short else None
        for where, text in sections:
            # the school's own longer title may contain the model's ("headteacher" in "Deputy Headteacher")
            inside = [m.span() for t in titles if t != (role.model_title or "").lower() for m in _title_pattern(t).finditer(text)]
            for pattern in others:
                for match in pattern.finditer(text):
                    if not any(start <= match.start() < end for start, end in inside):
                        found.append((where, _context(text, match.start(), match.end())))
            if role.short and intro:
                first_intro = intro.search(text)
                for match in _short_pattern(role.short).finditer(text):
                    if introduced or (first_intro and first_intro.start() < match.start()):
                        break
                    found.append((where, _context(text, match.start(), match.end())))
                    break
                if first_intro:
                    introduced = True
    return found


# --- a whole composed policy ---------------------------------------------------------------------------------------

TEXT_RULES = {"doubled_words": doubled_words, "articles": articles, "unjoined_lists": unjoined_lists,
              "number_agreement": number_agreement}


def lint_document(document: Any, phase: str, roles: Iterable[RoleName] = ()) -> list[Finding]:
    """Every finding of every rule in a composed Document (its headings and text) for a school of a phase."""
    findings = []
    sections = [(f"{c.number} {c.id}", f"{c.title}\n\n{c.text}") for c in document.clauses]
    for where, text in sections:
        for rule, check in TEXT_RULES.items():
            findings += [Finding(rule, where, words) for words in check(text)]
        if phase == "nursery":
            findings += [Finding("pupil_words", where, words) for words in pupil_words(text)]
    findings += [Finding("role_names", where, words) for where, words in role_names(sections, roles)]
    return findings
