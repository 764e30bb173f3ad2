"""Regenerate `phoenix_aliases.tsv`, the seed alias table derived from the Phoenix/PETRARCH2 actor dictionaries (MIT,
Open Event Data Alliance; the licence's notice heads the table, copied from the dictionaries' LICENSE).

    python -m newsprobe.corpus.actors.seed_build ../shared/data/lexicons/phoenix_actors

Phoenix lists, per actor, the strings an event coder should code as that actor; that is wider than "other names of
the same actor" (a group's leader is listed under the group, a town under its country). We keep only rows that name
the same thing: from the non-state armed groups file, a group's other names that look like names of a group (an
organisation word, an acronym, a shared word or a transliteration of the name); from the countries file, people with
their other spellings (titles cut, the family name shared). Countries and places are left out: the gazetteer of the
entity layer has them. The output has the format of a user alias file (see docs/actors.md).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from newsprobe.corpus.actors.names import TITLES, person_name, skeleton

OUT = Path(__file__).with_name("phoenix_aliases.tsv")
ORG_WORDS = frozenset(
    """army front brigade brigades battalion battalions movement organization organisation group groups party council
    committee union liberation forces force militia league alliance coalition association
    federation cells commandos fighters mujahideen mujahidin martyrs guards revolutionary harakat jamaat jemaah jaish
    jabhat hizb tanzim""".split()
)
GENERIC = frozenset("organization organisation group movement party front army".split())
# "al-Qaeda linked Abu Sayyaf", "al-Qaida offshoot": coding patterns for related actors, not other names.
RELATION_WORDS = frozenset(
    "linked affiliated affiliate offshoot operatives operative members member supporters splinter wing inspired "
    "backed allied faction cell cells leader leaders chief spokesman".split()
)
_SMALL = frozenset("of the and for in on at to a an by with from".split())


def words_of(raw: str) -> list[str]:
    return [w for w in raw.strip().strip("_").replace("_", " ").split() if w]


def display(raw: str) -> str:
    """ "AL-QAEDA_IN_THE_ARABIAN_PENINSULA" -> "al-Qaeda in the Arabian Peninsula"; acronyms stay upper case."""
    out = []
    for i, w in enumerate(words_of(raw)):
        lower = w.lower()
        if (i and lower in _SMALL) or lower in ("al", "el"):
            out.append(lower)
        elif w.startswith("(") or (len(w) <= 5 and not re.search(r"[AEIOU]", w[1:]) and w.isalpha() and len(w) > 1):
            out.append(w)
        else:
            parts = lower.split("-")
            out.append("-".join(p if p in ("al", "el") else p.capitalize() for p in parts))
    return " ".join(out)


def _entries(path: Path):
    """(name line, [alias lines], codes) per entry of a PETRARCH dictionary."""
    name, aliases, codes = None, [], []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        body = line.split("#", 1)[0].rstrip()
        if not body.strip():
            continue
        if body.startswith("+"):
            if name is not None:
                aliases += [a for a in body.split("+") if a.strip()]
        elif body.startswith(("\t", " ", "[")):
            codes += re.findall(r"\[([^\]]*)\]", body)
        else:
            if name is not None:
                yield name, aliases, codes
            head = re.split(r"\s+\[", body.strip(), maxsplit=1)
            name, aliases, codes = head[0], [], re.findall(r"\[([^\]]*)\]", body)
    if name is not None:
        yield name, aliases, codes


def _acronyms(raw: str) -> tuple[str, list[str]]:
    """ "ISLAMIC_ARMY_OF_ADEN_(IAA)_" -> ("ISLAMIC_ARMY_OF_ADEN", ["IAA"])."""
    found = re.findall(r"\(([A-Z0-9-]{2,8})\)", raw)
    return re.sub(r"_?\([^)]*\)_?", "_", raw).strip("_"), found


def _initials(name: str) -> str:
    return "".join(p[0] for w in words_of(name) for p in w.lower().split("-") if p)


def _is_acronym_of(short: str, name: str) -> bool:
    """ "AQAP" of "al-Qaeda in the Arabian Peninsula": its letters, in order, among the initials of the name's words."""
    letters, initials = short.lower(), _initials(name)
    if not letters or letters[0] != initials[:1] and letters[0] != _initials(name.replace("AL-", ""))[:1]:
        return False
    it = iter(initials)
    return all(ch in it for ch in letters)


def _group_alias_ok(alias: str, name: str) -> bool:
    a, n = [w.lower() for w in words_of(alias)], [w.lower() for w in words_of(name)]
    if not a or (len(a) == 1 and a[0] in GENERIC) or set(a) & RELATION_WORDS:
        return False
    if len(a) == 1 and alias.strip("_").isupper() and 2 <= len(a[0]) <= 7 and "-" not in a[0]:
        return _is_acronym_of(a[0], name) or _consonants(a[0]) in {_consonants(w.split("-")[-1]) for w in n}
    if set(a) & ORG_WORDS or any(w.split("-")[-1] in ORG_WORDS for w in a):
        return True
    folded = {_consonants(w.split("-")[-1]) for w in n if w not in _SMALL}
    return any(_consonants(w.split("-")[-1]) in folded for w in a if w not in _SMALL)


def _consonants(word: str) -> str:
    """Within one Phoenix entry, looser than the corpus test: the consonants alone ("Hizballah" = "Hezbollah")."""
    s = skeleton(word)
    return s[:1] + "".join(c for c in s[1:] if c not in "aiu")


def groups(path: Path) -> list[tuple[str, str, list[str]]]:
    rows = []
    for raw, aliases, _codes in _entries(path):
        name, acr = _acronyms(raw)
        kept = list(acr)
        for alias in aliases:
            alias, more = _acronyms(alias)
            kept += more
            if _group_alias_ok(alias, name):
                kept.append(display(alias) if not alias.strip("_").isupper() or len(words_of(alias)) > 1
                            else alias.strip("_"))
        names = list(dict.fromkeys(k for k in kept if k and k.lower() != display(name).lower()))
        if names:
            rows.append((display(name), "ORG", names))
    return rows


def people(path: Path) -> list[tuple[str, str, list[str]]]:
    """People of the countries file: entries whose codes carry a role and a date range (GOV, ELI, MIL ...)."""
    rows = []
    for raw, aliases, codes in _entries(path):
        if not codes or not any(re.search(r"\d{6}|>\d|<\d", c) for c in codes) or not aliases:
            continue
        name = display(raw)
        base = person_name(name)
        if base is None or not base.full or len(words_of(raw)) > 5:
            continue
        kept = []
        for alias in aliases:
            other = person_name(display(alias))
            if other is None or not other.full or other.last != base.last:
                continue
            stripped = _strip_roles(display(alias))
            again = person_name(stripped)
            if again is not None and again.full and len(stripped.split()) >= 2:
                kept.append(stripped)
        names = list(dict.fromkeys(k for k in kept if k and k != name and len(k.split()) >= 2))
        if names:
            rows.append((name, "PERSON", names))
    return rows


def _strip_roles(name: str) -> str:
    """ "Israeli Prime Minister Benjamin Netanyahu" -> "Benjamin Netanyahu"."""
    words = name.split()
    while len(words) > 2 and (
        words[0].lower() in _ROLE_WORDS | TITLES or words[0].lower().rstrip(".") in _ROLE_WORDS | TITLES
        or re.search(r"(?:i|ian|ese|ish)$", words[0].lower())
    ):
        words = words[1:]
    return " ".join(words)


_ROLE_WORDS = frozenset(
    "president prime minister vice foreign defense interior russian american syrian iranian former secretary "
    "general gen leader king queen prince chairman premier".split()
)


def build(folder: Path) -> str:
    rows = groups(folder / "Phoenix.MilNonState.actors.txt") + people(folder / "Phoenix.Countries.actors.txt")
    # a name listed under two actors names neither for sure ("Islamic Jihad" under Hezbollah and another group)
    owners: dict[str, set[str]] = {}
    for canonical, label, names in rows:
        for n in [canonical, *names]:
            owners.setdefault(f"{label}\t{n.lower()}", set()).add(canonical)
    shared = {k for k, v in owners.items() if len(v) > 1}
    rows = [(c, lab, [n for n in names if f"{lab}\t{n.lower()}" not in shared]) for c, lab, names in rows
            if f"{lab}\t{c.lower()}" not in shared]  # "George Bush": the father's row, and the son's alias
    seen: set[str] = set()
    # The MIT licence asks that its notice go with substantial portions: it heads the table as comment lines.
    notice = (folder / "LICENSE").read_text(encoding="utf-8").strip().splitlines()
    lines = [
        "# Derived from the Phoenix/PETRARCH2 actor dictionaries (Open Event Data Alliance), under this licence:",
        *[f"# {line}".rstrip() for line in notice],
        "# Regenerate: python -m newsprobe.corpus.actors.seed_build PHOENIX_FOLDER",
        "# canonical<TAB>label<TAB>other names separated by |",
    ]
    for canonical, label, names in rows:
        key = f"{label}\t{skeleton(canonical)}"
        if key in seen or not names:
            continue
        seen.add(key)
        clean = [n.replace("|", " ").replace("\t", " ") for n in names]
        lines.append(f"{canonical}\t{label}\t{'|'.join(clean)}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        sys.exit("usage: python -m newsprobe.corpus.actors.seed_build PHOENIX_FOLDER")
    text = build(Path(args[0]))
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - 3} actors)")


if __name__ == "__main__":
    main()
