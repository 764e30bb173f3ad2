"""Copy detection on texts of our own: sketch, alignment, the same-event hard case, credits, families and first
publishers, the in-memory engine and bad input."""

from __future__ import annotations

import time

import numpy as np
import pytest

from newsprobe.corpus.copies import align, candidates, credits, sketch
from newsprobe.corpus.copies.detect import Record, find_families
from newsprobe.corpus.copies.families import Link, Node, build
from newsprobe.corpus.copies.relation import edits, relate
from tests.copies_texts import (
    DEBRIS,
    INTRO,
    ORIGINAL,
    OTHER,
    PARAGRAPHS,
    SAME_EVENT,
    TITLE,
    lifted,
    proxy_copy,
)

FILLER = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec "
          "romeo sierra tango uniform victor whiskey xray yankee zulu").split()


def _rel(a: str, b: str):
    return relate(align.prepare(a), align.prepare(b))


# -- sketch -------------------------------------------------------------------------------------------------------


def test_sketch_of_a_batch_is_the_sketch_of_each_text():
    texts = [ORIGINAL, "", "too short", SAME_EVENT, "Ünïcödé “quoted” words — with a dash " * 30, OTHER]
    sk = sketch.sketch(texts)
    for d, text in enumerate(texts):
        assert np.array_equal(np.unique(sk.value[sk.owner == d]), sketch.fingerprints(text))
    assert not len(sketch.fingerprints("")) and not len(sketch.fingerprints("too short"))


def test_character_offsets_of_a_batch_are_those_of_each_text():
    unicode = "Ünïcödé “quoted” words — with a dash, 東京 and emoji 🙂 " * 5
    texts = [ORIGINAL, "", unicode, "plain ascii text here", OTHER]
    w = sketch.words(texts, chars=True)
    for d, text in enumerate(texts):
        _, starts, ends = w.of(d)
        want = sketch.char_offsets(text, starts, ends)
        got = w.chars_of(d)
        assert all(np.array_equal(x, y) for x, y in zip(got, want, strict=True))
    starts, ends = w.chars_of(2)
    assert [texts[2][a:b] for a, b in zip(starts[:7], ends[:7], strict=True)] == [
        "Ünïcödé", "quoted", "words", "with", "a", "dash", "東京"]


def test_fingerprints_are_stable_across_runs_and_versions():
    """Stored indexes depend on these values: a change of the hashing must come with a new sketch.VERSION."""
    fps = sketch.fingerprints(ORIGINAL)
    assert sketch.VERSION == "winnow-w16-k5-v1"
    assert len(fps) == 33
    assert int(fps[0]) == 18171509630272149 and int(fps[-1]) == 5064603161942974025


def test_words_ignore_case_and_typographic_punctuation():
    a = sketch.fingerprints("“Jeish al-Fatah’s” command — in Idlib — said the army had broken through near Aleppo "
                            "on Monday\u00a0evening, local sources said.")
    b = sketch.fingerprints('"JEISH AL-FATAH\'S" command - in Idlib - said the army had broken through near Aleppo '
                            "on Monday evening, local sources said.")
    assert np.array_equal(a, b)


def test_a_shared_sentence_always_shares_a_fingerprint():
    rng = np.random.default_rng(3)
    shared = " ".join(rng.choice(FILLER, 20))
    for _ in range(20):
        a = " ".join(rng.choice(FILLER, 200)) + " " + shared + " " + " ".join(rng.choice(FILLER, 100))
        b = " ".join(rng.choice(FILLER, 50)) + " " + shared + " " + " ".join(rng.choice(FILLER, 300))
        assert len(np.intersect1d(sketch.fingerprints(a), sketch.fingerprints(b))) >= 1


def test_char_offsets_of_words_in_non_ascii_text():
    text = "Ünïcödé “quoted” words—dash"
    w = sketch.words([text])
    starts, ends = sketch.char_offsets(text, *w.of(0)[1:])
    assert [text[s:e] for s, e in zip(starts, ends, strict=True)] == ["Ünïcödé", "quoted", "words", "dash"]


def test_candidates_pair_texts_sharing_fingerprints_and_cap_big_groups():
    texts = [ORIGINAL, proxy_copy(), SAME_EVENT, OTHER]
    sk = sketch.sketch(texts)
    i, j, n = candidates.pairs(sk.owner, sk.value, np.arange(4))
    assert (0, 1) in set(zip(i.tolist(), j.tolist(), strict=True))
    assert (2, 3) not in set(zip(i.tolist(), j.tolist(), strict=True))
    # 60 texts holding one fingerprint: each pairs with the 3 anchors only, not 1,770 pairs.
    owner = np.repeat(np.arange(60), 2)
    value = np.tile(np.array([7, 9], dtype=np.uint64), 60)
    i, j, n = candidates.pairs(owner, value, np.arange(60)[::-1].copy())
    assert len(i) == 3 * 60 - 6 and set(np.concatenate([i, j]).tolist()) == set(range(60))
    assert {57, 58, 59} <= set(i.tolist()) | set(j.tolist())  # anchors: the smallest ranks


def test_candidate_pairs_counted_in_ranges_are_the_pairs_counted_at_once():
    """A small budget counts the pair keys of each range of first texts alone (what bounds the stage's memory at a
    million articles): the same pairs, counts and order, with groups of every size and big ones."""
    rng = np.random.default_rng(4)
    n = 400
    owner = np.repeat(np.arange(n), 30)
    value = rng.integers(0, 3000, len(owner)).astype(np.uint64)  # many shared values, groups of 1 to 60+
    value[::97] = 5  # one big group
    rank = rng.permutation(n)
    whole = candidates.pairs(owner, value, rank)
    assert len(whole[0]) > 1000 and candidates._pair_parts(candidates._Groups(owner, value, rank), n, 10**9) == [(0, n)]
    total = candidates._Groups(owner, value, rank).estimate()
    for budget in (1, total // 3, total // 2):
        parts = candidates._pair_parts(candidates._Groups(owner, value, rank), n, budget)
        assert len(parts) > 1
        got = candidates.pairs(owner, value, rank, budget=budget)
        assert all(np.array_equal(x, y) for x, y in zip(got, whole, strict=True))


# -- alignment ----------------------------------------------------------------------------------------------------


def test_proxy_copy_is_a_copy_with_its_edits():
    copy = proxy_copy()
    rel = _rel(ORIGINAL, copy)
    assert rel["kind"] == "copy" and rel["cover"][0] > 0.8 and rel["cover"][1] > 0.7
    found = {e["edit"]: e for e in edits(rel, "a", (TITLE, "Terror of the floods"))}
    assert {"title changed", "intro added", "debris added", "paragraphs dropped", "paragraphs reordered",
            "words swapped"} <= set(found)
    assert found["intro added"]["at"][0] == 0 and copy[slice(*found["intro added"]["at"])] == INTRO
    assert {"from": "residents", "to": "inhabitants"} in found["words swapped"]["examples"]
    debris = {copy[s:e] for s, e in found["debris added"]["at"]}
    assert set(DEBRIS) == debris
    assert ORIGINAL[slice(*found["paragraphs dropped"]["at"][0])] == PARAGRAPHS[-1]
    # Every passage is the same text on both sides, but for the swapped word.
    for p in rel["passages"]:
        a, b = ORIGINAL[slice(*p["a"])], copy[slice(*p["b"])]
        assert a.replace("residents", "inhabitants") == b


def test_reordered_paragraphs_are_each_aligned():
    order = [4, 0, 6, 2, 7, 1, 5, 3]
    shuffled = "\n\n".join(PARAGRAPHS[i] for i in order)
    rel = _rel(ORIGINAL, shuffled)
    assert rel["kind"] == "copy" and rel["cover"][0] > 0.97 and rel["cover"][1] > 0.97
    assert rel["reordered"] >= 3
    starts = sorted(p["a"][0] for p in rel["passages"])
    assert all(ORIGINAL[s:].startswith(tuple(p.lstrip("“") for p in PARAGRAPHS)) for s in starts)


def test_light_rewording_inside_a_passage_stays_one_copy():
    reworded = (ORIGINAL.replace("said on Tuesday", "stated on Tuesday").replace("rescue teams", "rescuers")
                .replace("distributed", "handed out").replace("warned", "cautioned"))
    rel = _rel(ORIGINAL, reworded)
    assert rel["kind"] == "copy" and rel["cover"][1] > 0.95
    assert rel["swapped"] >= 4


def test_independent_report_of_the_same_event_is_not_a_copy():
    """Same governor, river, dam, towns, figures (4,300 families, 1,900 people, twelve villages), the same quotation:
    written independently, so no relation."""
    assert _rel(ORIGINAL, SAME_EVENT) is None
    c = align.compare(align.prepare(ORIGINAL), align.prepare(SAME_EVENT))
    assert c.kind is None and all(p.quote for p in c.passages)  # the only long shared run is the quotation


def test_unrelated_texts_are_not_related():
    assert _rel(ORIGINAL, OTHER) is None


def test_lifted_paragraphs_are_a_partial_copy_with_sentence_exact_boundaries():
    text, start, end = lifted()
    rel = _rel(ORIGINAL, text)
    assert rel["kind"] == "partial"
    (p,) = rel["passages"]
    assert abs(p["b"][0] - start) <= 1 and abs(p["b"][1] - end) <= 2
    assert ORIGINAL[slice(*p["a"])] == text[slice(*p["b"])]


# -- credits ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "name"), [
    ("Levant Wire reported on Tuesday.", "Levant Wire"),
    ("The figure is rising, according to Levant Wire.", "Levant Wire"),
    ("Source: levantwire.example", "levantwire.example"),
    ("This article first appeared on Levant Wire News.", "Levant Wire News"),
    ("HAMA (Levant Wire) - Flooding...", "Levant Wire"),
])
def test_credit_phrases(phrase, name):
    found = credits.find_credits(phrase)
    assert [c.name for c in found][:1] == [name]
    assert name in phrase[found[0].start: found[0].end]


def test_no_credit_in_anonymous_sourcing():
    assert credits.find_credits("According to local sources, the army advanced. Officials said so on Monday.") == []


def test_credited_names_match_outlets_by_name_domain_or_initials():
    keys = credits.outlet_keys("levantwire.example")
    assert credits.names_outlet("Levant Wire", keys) and credits.names_outlet("levantwire.example", keys)
    fars = credits.outlet_keys("Fars News Agency")
    assert credits.names_outlet("FNA", fars) and credits.names_outlet("Fars", fars)
    assert not credits.names_outlet("Reuters", fars)


# -- families -----------------------------------------------------------------------------------------------------


def _family(records: list[Record]):
    found, _ = find_families(records)
    return found


def test_first_publisher_by_date_with_credited_and_uncredited_copies():
    recs = [
        Record("b", proxy_copy("Levant Wire reported the figures."), outlet="proxy.example",
               published="2024-03-06T09:00:00"),
        Record("a", ORIGINAL, outlet="levantwire.example", published="2024-03-05T08:30:00", title=TITLE),
        Record("c", proxy_copy(), outlet="mirror.example", published="2024-03-05T14:00:00"),
        Record("x", SAME_EVENT, outlet="other.example", published="2024-03-05T10:00:00"),
    ]
    (fam,) = _family(recs)
    assert fam["first"]["id"] == "a" and fam["basis"] == "date" and fam["confidence"] >= 0.9
    kinds = {m["id"]: (m["kind"], m["credited"]) for m in fam["members"]}
    assert kinds == {"a": ("original", None), "b": ("copy", True), "c": ("copy", False)}
    assert any(e["kind"] == "credit" and e["member"] == "b" for e in fam["evidence"])


def test_tie_on_the_day_is_broken_by_credit_and_a_true_tie_is_shown_as_such():
    recs = [Record("a", ORIGINAL, outlet="levantwire.example", published="2024-03-05"),
            Record("b", proxy_copy("according to Levant Wire"), outlet="proxy.example", published="2024-03-05")]
    (fam,) = _family(recs)
    assert fam["first"]["id"] == "a" and fam["basis"] == "date tie, credit"
    tie = [Record("a", ORIGINAL, outlet="one.example", published="2024-03-05"),
           Record("b", ORIGINAL, outlet="two.example", published="2024-03-05")]
    (fam,) = _family(tie)
    assert fam["first"] is None and fam["basis"] == "tie" and fam["tied"] == ["a", "b"]
    assert all(m.get("first_candidate") for m in fam["members"])


def test_no_dates_identical_texts_under_two_outlets():
    (fam,) = _family([Record("a", ORIGINAL, outlet="one.example"), Record("b", ORIGINAL, outlet="two.example")])
    assert fam["first"] is None and fam["basis"] == "unknown"
    assert {m["kind"] for m in fam["members"]} == {"copy"}
    assert any(e["kind"] == "missing dates" for e in fam["evidence"])


def test_no_dates_but_structure_points_at_the_original():
    recs = [Record("a", ORIGINAL), Record("b", proxy_copy()), Record("c", proxy_copy().replace("flood", "deluge"))]
    (fam,) = _family(recs)
    assert fam["first"]["id"] == "a" and fam["basis"] == "structure" and fam["confidence"] <= 0.5


def test_a_partial_copy_is_an_edge_not_a_merge():
    text, _, _ = lifted()
    second_source = OTHER  # `text` also holds most of OTHER: it is a copy of OTHER and lifts from ORIGINAL
    recs = [Record("orig", ORIGINAL, published="2024-03-05"), Record("copy", proxy_copy(), published="2024-03-06"),
            Record("lift", text, published="2024-03-07"), Record("other", second_source, published="2024-03-01")]
    found = _family(recs)
    by_first = {f["first"]["id"]: f for f in found}
    assert set(by_first) == {"orig", "other"}
    members = {m["id"]: m["kind"] for m in by_first["orig"]["members"]}
    assert members == {"orig": "original", "copy": "copy", "lift": "partial"}
    assert {m["id"] for m in by_first["other"]["members"]} == {"other", "lift"}


def test_same_outlet_repeating_a_passage_is_not_a_family():
    text, _, _ = lifted()
    assert _family([Record("a", ORIGINAL, outlet="same.example"), Record("b", text, outlet="same.example")]) == []


def test_build_on_hand_made_links_keeps_family_ids_stable():
    a, b = align.prepare(ORIGINAL), align.prepare(proxy_copy())
    rel = relate(a, b)
    nodes = {1: Node(1, "zzz", published="2024-01-02"), 2: Node(2, "aaa", published="2024-01-03")}
    (fam,) = build(nodes, [Link(1, 2, rel)])
    assert fam["family"] == "aaa" and fam["first"]["id"] == "zzz"
    copy = next(m for m in fam["members"] if m["id"] == "aaa")
    assert copy["relative_to"] == "zzz" and copy["passages"][0]["start"] >= 0


# -- bad input ----------------------------------------------------------------------------------------------------


def test_empty_and_single_corpora():
    assert find_families([])[0] == []
    assert find_families([Record("a", ORIGINAL)])[0] == []
    assert find_families([Record("a", ""), Record("b", "   ")])[0] == []


def test_a_two_megabyte_article_is_handled_quickly():
    rng = np.random.default_rng(1)
    vocab = np.array([f"w{i}" for i in range(5000)])
    big = " ".join(rng.choice(vocab, 330_000))[:2_000_000]
    assert len(big) >= 1_900_000
    t0 = time.perf_counter()
    found, stats = find_families([Record("big", big + "\n\n" + ORIGINAL), Record("a", ORIGINAL)])
    assert time.perf_counter() - t0 < 60
    (fam,) = found
    assert {m["id"] for m in fam["members"]} == {"big", "a"}
    assert next(m for m in fam["members"] if m["id"] != fam["members"][0]["id"])["kind"] in ("partial", "copy")


def test_families_do_not_depend_on_keys_or_link_order():
    """A Spark job numbers articles its own way and finds links in any order: the families must not change."""
    import json
    import random

    texts = [ORIGINAL, proxy_copy(), proxy_copy("according to Levant Wire"), lifted()[0], OTHER]
    prepared = [align.prepare(t) for t in texts]
    links = []
    for x in range(len(texts)):
        for y in range(x + 1, len(texts)):
            if (rel := relate(prepared[x], prepared[y])) is not None:
                links.append((x, y, rel))
    ids = ["m1", "k2", "z3", "a4", "q5"]
    results = set()
    for seed in range(4):
        keys = random.Random(seed).sample(range(100, 200), len(texts))
        nodes = {keys[i]: Node(keys[i], ids[i], published=None) for i in range(len(texts))}
        order = links[:]
        random.Random(seed).shuffle(order)
        built = build(nodes, [Link(keys[x], keys[y], rel) for x, y, rel in order])
        results.add(json.dumps(built, sort_keys=True))
    assert len(results) == 1


def test_worker_processes_give_the_same_families():
    import json

    recs = [Record("a", ORIGINAL, published="2024-03-05"), Record("b", proxy_copy(), published="2024-03-06"),
            Record("c", lifted()[0], published="2024-03-07"), Record("d", OTHER), Record("e", SAME_EVENT)]
    one, _ = find_families(recs, jobs=1)
    two, _ = find_families(recs, jobs=2)
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True) and len(one) == 2


def test_documents_read_directly_give_the_families_of_their_records():
    """`families FILE` makes each document's record in the worker that sketches it: the same records as
    `records_from_documents` (empty texts skipped, a repeat dropped, the same text under a second outlet kept under
    its publication id), so the same families, with one worker or two."""
    import json

    from newsprobe.core.model import Document
    from newsprobe.corpus.copies.detect import find_families_in_documents, records_from_documents

    docs = [Document(source="x", text=ORIGINAL, outlet="Levant Wire", published="5 March 2024"),
            Document(source="x", text="   "),
            Document(source="x", text=proxy_copy(), url="https://proxy.example/a", published="2024-03-06"),
            Document(source="x", text=ORIGINAL, outlet="levant wire"),  # a repeat: dropped
            Document(source="x", text=ORIGINAL, outlet="Other Outlet"),  # another publication of the same text
            Document(source="x", text=OTHER), Document(source="x", text=lifted()[0], outlet="Daily Paper")]
    docs += [Document(source="x", text=f"{OTHER} {w} {ORIGINAL[:400]}") for w in FILLER[:6]]
    for n, doc in enumerate(docs):
        doc.source = f"feed.jsonl:{n + 1}"
    want, want_stats = find_families(list(records_from_documents(iter(docs))))
    assert want and want_stats.texts == len(docs) - 2
    # every member names the item it was read from (a text file has no URL, and its id is a hash)
    by_source = {d.source: d for d in docs}
    members = [m for f in want for m in f["members"]]
    assert all(m["source"] in by_source for m in members)
    wire = next(m for m in members if m["outlet"] == "Levant Wire")
    assert wire["source"] == "feed.jsonl:1"
    assert next(m for m in members if m["url"] == "https://proxy.example/a")["source"] == "feed.jsonl:3"
    for jobs in (1, 2):
        for batch in (3, 256):
            import newsprobe.corpus.copies.detect as detect

            old, detect.BATCH = detect.BATCH, batch
            try:
                got, stats = find_families_in_documents(iter(docs), jobs=jobs)
            finally:
                detect.BATCH = old
            assert json.dumps(got, sort_keys=True) == json.dumps(want, sort_keys=True)
            assert stats.texts == want_stats.texts and stats.fingerprints == want_stats.fingerprints


def test_the_leading_punctuation_of_a_segment_is_found_as_the_whole_search_finds_it():
    """relation._leading bounds a search that used to scan the text from its start: same answer on every text."""
    import random

    from newsprobe.corpus.copies.relation import _LEADING, _leading

    rng = random.Random(1)
    alphabet = ["a", "b", " ", "\n", ".", "“", "-", "_", "é", "\u00a0", "*", "1"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        end = rng.randint(0, len(text))
        for window in (1, 3, 64):
            assert _leading(text, end, window) == len(_LEADING.search(text, 0, end).group())


def test_datelines_are_found_at_line_starts_as_the_whole_search_finds_them():
    import random

    from newsprobe.corpus.copies.credits import _DATELINE, _datelines

    pieces = ["BEIRUT (SANA) - ", "DAMASCUS, Syria (AP) — ", "(Reuters) -", "\n", "\n\n", " ", "word ", "X",
              "ALEPPO (Fars)\n\n- ", "LONDON (BBC)", " -", "Text (Not A Dateline) - here. ", "AB (C", ")"]
    rng = random.Random(2)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        want = [(m.start(), m.end(), m.group("name")) for m in _DATELINE.finditer(text)]
        assert [(m.start(), m.end(), m.group("name")) for m in _datelines(text)] == want
    assert [m.group("name") for m in _datelines("BEIRUT (SANA) - The army said.\nHAMA (AP) - More.")] == ["SANA", "AP"]


def _note_corpus(takers: int, outlet: str | None = None) -> list[Record]:
    """Unrelated texts that all end with the same long editor's note (and a source text with it too)."""
    rng = np.random.default_rng(7)
    vocab = np.array([f"w{i}" for i in range(4000)])
    note = ("Editor's note: the candidate has repeatedly incited political violence and is a serial liar, a rampant "
            "xenophobe, racist, misogynist and birther who has repeatedly pledged to ban all Muslims from entering "
            "the country, the desk said in a statement that runs below every article it publishes on the race.")
    texts = [" ".join(rng.choice(vocab, 400)) + ".\n\n" + note for _ in range(takers + 1)]
    return [Record(f"t{i}", t, outlet=outlet, published=f"2016-08-{10 + i:02d}") for i, t in enumerate(texts)]


def test_a_passage_many_texts_share_is_said_as_such():
    """An outlet's standing editor's note read without outlets makes partial copies of one text; the family says
    that its partial members hold the same passage and that the outlets are unknown. Two takers are no pattern; with
    the outlets known (one outlet), the same-outlet rule leaves no family at all."""
    found, _ = find_families(_note_corpus(4))
    shared = [e for f in found for e in f["evidence"] if e["kind"] == "shared passage"]
    assert len(shared) == 1 and len(shared[0]["members"]) >= 3 and "outlets of" in shared[0]["detail"]
    source = next(m for f in found for m in f["members"] if m["id"] == shared[0]["member"])
    lo, hi = shared[0]["at"]
    assert 0 < lo < hi and source["id"] == "t0"
    found, _ = find_families(_note_corpus(2))
    assert found and not [e for f in found for e in f["evidence"] if e["kind"] == "shared passage"]
    assert find_families(_note_corpus(4, outlet="huff.example"))[0] == []
