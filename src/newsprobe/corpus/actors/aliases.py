"""Alias tables: the user's file (always wins), the entity layer's own table, the seed derived from Phoenix.

Format (docs/actors.md), one actor a line, `#` starts a comment line:

    canonical name<TAB>type<TAB>other name|other name|...

`type` is PERSON, ORG, NORP, GPE, LOC, FAC, EVENT or empty (any type). Listing a name alone on its line keeps it apart
from everything ("Trump<TAB>PERSON" stops a bare "Trump" from being attached to any one Trump).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from newsprobe.core.errors import NewsprobeError
from newsprobe.corpus.actors.names import org_keys, person_name
from newsprobe.layers.entities import alias_rows, name_key

TYPES = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "EVENT"})
ORIGINS = ("user", "entities", "phoenix")  # in order of precedence


@dataclass(frozen=True)
class AliasRow:
    canonical: str
    label: str | None  # None: names of any type
    names: tuple[str, ...]  # the canonical name first
    origin: str
    where: str  # file:line, for messages


def parse_aliases(text: str, source: str, origin: str = "user") -> list[AliasRow]:
    """Rows of an alias file; a malformed line is a NewsprobeError naming the file and line."""
    rows: list[AliasRow] = []
    owner: dict[tuple[str | None, str], str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{source}:{n}"
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) > 3 or not parts[0]:
            raise NewsprobeError(
                f"{where}: expected 'canonical<TAB>type<TAB>alias|alias' (tab-separated), got {line.strip()[:80]!r}"
            )
        label = (parts[1] if len(parts) > 1 else "").upper() or None
        if label is not None and label not in TYPES:
            raise NewsprobeError(f"{where}: unknown type {parts[1]!r}; use one of {', '.join(sorted(TYPES))} or none")
        names = tuple(dict.fromkeys([parts[0], *(a.strip() for a in (parts[2] if len(parts) > 2 else "").split("|"))]))
        names = tuple(a for a in names if a)
        for name in names:
            key = (label, name_key(name))
            if key in owner and origin == "user":
                raise NewsprobeError(f"{where}: {name!r} is already listed at {owner[key]}")
            owner.setdefault(key, where)
        rows.append(AliasRow(parts[0], label, names, origin, where))
    return rows


def read_alias_file(path: Path) -> str:
    """The text of a user alias file, with a clear error when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NewsprobeError(f"{path}: no such alias file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise NewsprobeError(f"{path}: cannot read the alias file: {exc}") from None


@cache
def builtin_rows() -> tuple[AliasRow, ...]:
    """The entity layer's table, then the Phoenix-derived seed."""
    rows = [AliasRow(c, lab, (c, *names), "entities", "entities/aliases.tsv") for c, lab, names in alias_rows()]
    seed = resources.files("newsprobe.corpus.actors").joinpath("phoenix_aliases.tsv").read_text(encoding="utf-8")
    rows += parse_aliases(seed, "phoenix_aliases.tsv", origin="phoenix")
    return tuple(rows)


def digest(user_text: str) -> str:
    """What the index depends on besides the store: the user's aliases and the built-in tables."""
    h = hashlib.sha256(user_text.encode("utf-8"))
    for row in builtin_rows():
        h.update("\x1f".join([row.canonical, row.label or "", *row.names]).encode("utf-8"))
    return h.hexdigest()[:16]


def match_keys(name: str, label: str | None) -> list[str]:
    """The keys under which a name is looked up in an alias book, surest first."""
    keys = [f"k:{name_key(name)}"]
    if label in (None, "PERSON"):
        p = person_name(name)
        if p is not None and p.full and not p.first_initial:
            keys.append(f"p:{p.first}|{''.join(p.middles)}|{p.last}|{p.suffix}")
    if label in (None, "ORG", "NORP"):
        loose = org_keys(name)[1]
        if loose and len(loose) >= 6:
            keys.append(f"o:{loose}")
    return keys


class AliasBook:
    """Name -> the alias row that claims it: the user's rows first, then the entity layer's, then the seed."""

    def __init__(self, rows: list[AliasRow]) -> None:
        order = {o: i for i, o in enumerate(ORIGINS)}
        self.rows = sorted(rows, key=lambda r: order.get(r.origin, len(order)))
        self._by_key: dict[tuple[str | None, str], AliasRow] = {}
        for row in self.rows:
            for name in row.names:
                for key in match_keys(name, row.label):
                    self._by_key.setdefault((row.label, key), row)

    def find(self, name: str, label: str) -> AliasRow | None:
        """The row a name of this type belongs to (a row without a type matches any), or None."""
        best: AliasRow | None = None
        for key in match_keys(name, label):
            for lab in (label, None):
                row = self._by_key.get((lab, key))
                if row is not None and (best is None or ORIGINS.index(row.origin) < ORIGINS.index(best.origin)):
                    best = row
            if best is not None and best.origin == "user":
                break
        return best


def book(user_text: str = "", source: str = "aliases") -> AliasBook:
    """The alias book for a user file's text (built once per text and process: the seed alone has 1,400 rows)."""
    return _book(user_text, source)


@cache
def _book(user_text: str, source: str) -> AliasBook:
    return AliasBook([*parse_aliases(user_text, source), *builtin_rows()])
