"""Layer `entities`: people, organisations and places, spelling variants merged under one canonical name.

Besides the registry entry, three small functions let analyses across articles (`corpus/actors`) merge names the way
this layer does without reaching into its modules: `name_key`, `display_name` and `alias_rows`. They import the
lexicon module on first call, so importing this package stays cheap.
"""

from __future__ import annotations

from newsprobe.core.registry import Layer

LAYER = Layer(
    name="entities",
    span_layer="entity",
    component="newsprobe.layers.entities.component",
    factory="newsprobe/entities",
    highlight="newsprobe.layers.entities.report:style",
    summary="newsprobe.layers.entities.summary:summarize",
    summary_line="newsprobe.layers.entities.summary:line",
    report="newsprobe.layers.entities.report:section",
)


def name_key(name: str) -> str:
    """The key under which this layer merges spellings of one name: case, apostrophes, brackets, a leading "the",
    al-/Al-/el- and common transliterations of Arabic name words do not matter ("Jeish Al-Fatah" and "Jaish
    al-Fatah" share a key)."""
    from newsprobe.layers.entities.gazetteer import norm_key

    return norm_key(name)


def display_name(name: str, label: str) -> str:
    """The readable canonical spelling this layer gives a name of that label (a person keeps his apostrophes, an
    organisation gets the standard transliteration of its first words)."""
    from newsprobe.layers.entities.gazetteer import display_actor, display_person

    return display_person(name) if label == "PERSON" else display_actor(name)


def alias_rows() -> list[tuple[str, str, list[str]]]:
    """The layer's own alias table (`aliases.tsv`) as (canonical, label, other names) rows."""
    from newsprobe.layers.entities.gazetteer import read_alias_rows

    return read_alias_rows()
