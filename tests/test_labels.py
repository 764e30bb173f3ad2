"""The labels layer (what a text calls each actor it names) on texts we wrote and on the seed, and the issue's
"done when" end to end: the seed plus our texts in a store, one actor under every name, its labels per outlet."""

from __future__ import annotations

import pytest

import newsprobe
from newsprobe.layers.labels import label_key

from .actors_texts import ARTICLES


def labels(text: str) -> list[tuple[str, str, str]]:
    art = newsprobe.analyze(text, layers="labels")
    return [(s.text, s.label, s.attrs["actor"]) for s in art.layer("label")]


@pytest.mark.parametrize(("text", "expected"), [
    ("The Saudi-backed Jaish al-Fatah attacked the town.", ("Saudi-backed", "modifier", "Jaish al-Fatah")),
    ("Jaish al-Fatah militants attacked the town.", ("militants", "modifier", "Jaish al-Fatah")),
    ("Officials said Jaish al-Fatah, a coalition of Islamist groups, had withdrawn.",
     ("coalition of Islamist groups", "appositive", "Jaish al-Fatah")),
    ("The ministry said Jaish al-Fatah is a terrorist organisation.",
     ("terrorist organisation", "predicate", "Jaish al-Fatah")),
    ("Witnesses said the rebels who joined Jaish al-Fatah left their posts.", ("rebels", "member", "Jaish al-Fatah")),
    ("Residents said Jaish al-Fatah shelled the market on Monday. The militant group denied it.",
     ("militant group", "reference", "Jaish al-Fatah")),
    ("Democratic front-runner Hillary Clinton spoke in Ohio.", ("Democratic front-runner", "modifier",
                                                                "Hillary Clinton")),
    ("Hillary Clinton spoke first. He added, “Crooked Hillary has once again been proven to be a liar.”",
     ("Crooked", "modifier", "Hillary Clinton")),
])
def test_constructions(text, expected):
    assert expected in labels(text)


@pytest.mark.parametrize("text", [
    "Jaish al-Fatah Fighters Take Hill\n\nThe town fell on Monday, residents said.",  # a headline: not parsed
    "Jaish al-Fatah shelled the town. The government forces answered with air strikes.",  # the other side
    "He said he could not allow Hillary Clinton to become president.",  # a wish, not a label
    "The Jaish al-Fatah leadership met in Idlib.",  # a part of the group, not what it is
    "Officials said Jaish al-Fatah is not a terrorist group.",  # denied, not given
    "If Donald Trump were a woman, would you vote for her?",  # supposed, not said
])
def test_no_label_where_there_is_none(text):
    assert labels(text) == []


def test_seed_labels(seed_path):
    found = labels(seed_path.read_text(encoding="utf-8"))
    ours = {(t, kind) for t, kind, actor in found if actor == "Jaish al-Fatah"}
    assert ("terrorist groups", "member") in ours and ("militant groups", "member") in ours
    assert ("non-Syrian mercenaries", "predicate") in ours  # "field commanders of Jeish al-Fatah are ..."
    assert not any(t == "Coalition" for t, _, _ in found)  # the headline
    art = newsprobe.analyze(seed_path.read_text(encoding="utf-8"), layers="labels")
    for s in art.layer("label"):
        assert art.text[s.start:s.end] == s.text and s.attrs["key"] == label_key(s.text)
        target = s.attrs["target"]
        assert art.text[target["start"]:target["end"]] == target["text"]
        assert 0 < s.attrs["score"] <= 1


def test_label_keys():
    assert label_key("The terrorist groups") == label_key("terrorist group") == "terrorist group"
    assert label_key("a coalition of Islamist groups") == "coalition of islamist groups"
    assert label_key("militias") == "militia" and label_key("“mercenaries”") == "mercenary"


def test_done_when_seed_and_our_texts(tmp_path, seed_path):
    """Issue 13: "Jeish al-Fatah", "Jaish al-Fatah" and "Army of Conquest" are one actor, found by each name; the
    framing table shows "terrorist groups", "militants", "mercenaries" for it."""
    from newsprobe.core.model import Document
    from newsprobe.corpus import search_also
    from newsprobe.corpus.actors.figures import framing
    from newsprobe.corpus.actors.index import ensure, resolve_one
    from newsprobe.io.prepare import prepare
    from newsprobe.io.search import Filters, search
    from newsprobe.io.store import Store
    from newsprobe.layers import LAYERS

    docs = [Document(source=str(seed_path), text=seed_path.read_text(encoding="utf-8"), outlet="seed.example",
                     published="2016-08-25")]
    docs += [Document(source=f"ours-{i}", **a) for i, a in enumerate(ARTICLES)]
    nlp = newsprobe.core.pipeline.load_nlp(["entities", "labels"])
    arts = list(newsprobe.core.pipeline.analyse([prepare(d) for d in docs], nlp=nlp))
    assert {s.layer for a in arts for s in a.spans} >= {LAYERS.get("labels").span_layer, "entity"}
    with Store(tmp_path / "news.db") as store:
        store.add_many(arts)
        db = store.connection
        ensure(db)
        actor = resolve_one(db, "Jeish al-Fatah")
        assert {resolve_one(db, n).id for n in ("Jaish al-Fatah", "Army of Conquest", "Jaysh al-Fath")} == {actor.id}
        for name in ("Jeish al-Fatah", "Jaish al-Fatah", "Army of Conquest"):
            _, also = search_also(db, name)
            total, _hits = search(db, Filters(q=name, also=also), 10)
            assert total == 4, name  # the seed and the three texts about the coalition
        table = framing(db, actor)
    keys = {lab["key"] for o in table["outlets"] for lab in o["labels"]}
    assert {"terrorist group", "militant", "mercenary"} <= keys
    by_outlet = {o["outlet"]: {lab["key"] for lab in o["labels"]} for o in table["outlets"]}
    assert "terrorist group" in by_outlet["seed.example"] and "mercenary" in by_outlet["daily.example"]
    assert "militant" in by_outlet["agency.example"]
