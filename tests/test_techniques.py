"""The technique layer: decoding, features, the shipped model on the seed article, summary, report and eval CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from newsprobe.core.model import Article, Span
from newsprobe.core.summary import summarize
from newsprobe.layers.techniques.evaluate import TECHNIQUES
from newsprobe.layers.techniques.tagger import LABEL_PRIOR, chunk_tokens, decode_si, find_techniques, span_features

from .conftest import SHARED
from .test_cli import run_cli

PTC = SHARED / "data" / "ptc"
NAME_CALLING = "Name_Calling,Labeling"


# --------------------------------------------------------------------------- pure functions


def _words(text: str) -> list[tuple[int, int]]:
    out, i = [], 0
    for w in text.split(" "):
        out.append((i, i + len(w)))
        i += len(w) + 1
    return out


def test_decode_si_runs_gaps_min_length_and_word_snapping():
    text = "aa bb cc dd ee ff gg"
    offsets = _words(text)
    probs = np.array([0.9, 0.1, 0.8, 0.7, 0.1, 0.1, 0.6])
    assert [(s, e) for s, e, _ in decode_si(probs, offsets, text, 0.5)] == [(0, 2), (6, 11), (18, 20)]
    assert [(s, e) for s, e, _ in decode_si(probs, offsets, text, 0.5, gap=1)] == [(0, 11), (18, 20)]
    assert [(s, e) for s, e, _ in decode_si(probs, offsets, text, 0.5, min_tokens=2)] == [(6, 11)]
    assert [(s, e) for s, e, _ in decode_si(probs, offsets, text, 0.5, gap=2)] == [(0, 20)]
    (start, end, score), = decode_si(probs, offsets, text, 0.5, gap=1, min_tokens=2)
    assert (start, end) == (0, 11) and score == pytest.approx(np.mean([0.9, 0.1, 0.8, 0.7]))
    # anchor: a run needs one token at threshold + anchor (0.75 here): the 0.6 run goes, the 0.8 one stays
    assert [(s, e) for s, e, _ in decode_si(probs, offsets, text, 0.5, anchor=0.25)] == [(0, 2), (6, 11)]
    assert [(s, e) for s, e, _ in decode_si(probs, offsets, text, 0.5, anchor=0.35)] == [(0, 2)]
    # a word piece in the middle of a word widens to the whole word
    assert decode_si(np.array([0.9]), [(3, 5)], "xxxyyzz", 0.5)[0][:2] == (0, 7)


def test_decode_si_spans_end_at_a_sentence_end_without_its_full_stop():
    text = "donors polarized to Republicans . These donors were upset . then"
    offsets = _words(text)
    spans = decode_si(np.full(len(offsets), 0.9), offsets, text, 0.5)
    assert [text[s:e] for s, e, _ in spans] == ["donors polarized to Republicans", "These donors were upset . then"]
    # ... also when a quotation closes after the full stop ("it endangers lives.” She said", a real AP page)
    text = "not a mere inconvenience , it endangers lives . ” She said residents lack the luxury"
    offsets = _words(text)
    spans = decode_si(np.full(len(offsets), 0.9), offsets, text, 0.5)
    assert [text[s:e] for s, e, _ in spans][0] == "not a mere inconvenience , it endangers lives . ”"
    # a full stop before a small letter ends no sentence ("U.S. officials"); a lone "." stays a span of its own
    assert [(s, e) for s, e, _ in decode_si(np.array([0.9, 0.1]), [(0, 1), (2, 6)], ". word", 0.5)] == [(0, 1)]


def test_decode_si_coverage_shrinks_as_threshold_rises():
    rng = np.random.default_rng(0)
    text = " ".join(["word"] * 300)
    offsets = _words(text)
    probs = rng.random(300)

    def covered(t: float) -> set[int]:
        found = decode_si(probs, offsets, text, t, gap=2, min_tokens=2, anchor=0.1)
        return {i for s, e, _ in found for i in range(s, e)}

    previous = None
    for t in (0.1, 0.3, 0.5, 0.7, 0.9):
        now = covered(t)
        if previous is not None:
            assert now <= previous
        previous = now


def test_span_features_count_repeats():
    text = "Stop the war. We say: stop the war! STOP THE WAR."
    f = span_features(text, 0, 12)
    assert f[0] == pytest.approx(np.log1p(2)) and f[1] == 1.0  # 3 occurrences, case-insensitive
    once = span_features("a unique phrase here", 2, 15)
    assert once[0] == 0.0 and once[1] == 0.0
    assert span_features(text, 14, 35)[5] == 0.0 and span_features('he said "stop" now', 9, 13)[5] == 1.0


def test_chunks_respect_size_and_prefer_line_starts():
    text = "\n".join("one two three four five" for _ in range(10))
    offsets = [(m, m + len(w)) for m, w in _positions(text)]
    chunks = chunk_tokens(text, offsets, 12)
    assert chunks[0] == (0, 10) and all(b - a <= 12 for a, b in chunks)
    assert [i for a, b in chunks for i in range(a, b)] == list(range(len(offsets)))


def _positions(text: str) -> list[tuple[int, str]]:
    import re

    return [(m.start(), m.group()) for m in re.finditer(r"\S+", text)]


# --------------------------------------------------------------------------- the shipped model


@pytest.fixture(scope="module")
def seed_text(seed_article) -> str:
    return seed_article.text


def _flagged(spans: list[tuple], text: str, phrase: str, technique: str) -> list[tuple]:
    hits = []
    start = text.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        hits += [x for x in spans if x[0] == technique and x[1] < end and x[2] > start]
        start = text.find(phrase, end)
    return hits


def test_seed_takfiri_terrorists_and_terrorist_groups_are_name_calling(seed_article):
    spans = [(s.label, s.start, s.end, s.attrs["score"]) for s in seed_article.layer("technique")]
    assert _flagged(spans, seed_article.text, "Takfiri terrorists", NAME_CALLING)
    assert _flagged(spans, seed_article.text, "terrorist groups", NAME_CALLING)
    takfiri = next(s for s in seed_article.layer("technique") if s.text == "Takfiri terrorists")
    assert takfiri.attrs["evidence"] == "label list" and 0.0 < takfiri.attrs["score"] <= LABEL_PRIOR


def test_label_list_proposes_and_the_technique_head_decides():
    from newsprobe.layers.techniques.tagger import LABEL_TERMS, TechniqueModel

    found = [m.group() for m in LABEL_TERMS.finditer(
        "Takfiri terrorists, the terrorist groups, mercenaries and armed gangs; terrorism and terrorist attacks.")]
    assert found == ["Takfiri terrorists", "terrorist groups", "mercenaries", "armed gangs"]
    model = TechniqueModel.load()
    enc = model.encode("The army said the Takfiri terrorists fled east after the battle.")
    spans = model.label_spans(enc)
    assert [(t, enc.text[s:e]) for t, s, e, _, _ in spans] == [(NAME_CALLING, "Takfiri terrorists")]
    probs = model.classify(enc, [(s, e) for _, s, e, _, _ in spans])[0]
    repetition = model.head.techniques.index("Repetition")
    assert spans[0][3] == pytest.approx(LABEL_PRIOR * probs.max() / (1 - probs[repetition]))
    assert model.spans(enc, labels=False) == [x for x in model.spans(enc) if x not in spans]


def test_seed_technique_spans_are_well_formed(seed_article):
    assert seed_article.layer("technique"), "no technique spans in the seed article"
    for s in seed_article.layer("technique"):
        assert s.label in TECHNIQUES
        assert 0.0 <= s.attrs["score"] <= 1.0 and 0.0 <= s.attrs["si_score"] <= 1.0
        assert s.attrs["score"] <= s.attrs["si_score"] + 1e-4
        assert s.text == seed_article.text[s.start : s.end]


def test_threshold_trades_spans_monotonically(seed_text):
    counts, covered = [], []
    for t in (0.15, 0.3, 0.45, 0.6, 0.75, 0.9):
        found = find_techniques(seed_text, threshold=t)
        counts.append(len({(s, e) for _, s, e, _, _ in found}))
        covered.append({i for _, s, e, _, _ in found for i in range(s, e)})
    assert all(a >= b for a, b in zip(counts, counts[1:], strict=False)), counts
    assert all(b <= a for a, b in zip(covered, covered[1:], strict=False))
    assert counts[0] > counts[-1]


def test_api_and_component_take_the_threshold(seed_text):
    import newsprobe

    low = newsprobe.analyze(seed_text, technique_threshold=0.2).layer("technique")
    high = newsprobe.analyze(seed_text, technique_threshold=0.95).layer("technique")
    assert len(low) > len(high)


def test_report_shows_the_techniques(seed_article):
    from rich.console import Console

    from newsprobe.core.report import render

    console = Console(record=True, width=160)
    console.print(render(seed_article))
    shown = console.export_text()
    first = seed_article.layer("technique")[0]
    assert "Propaganda techniques" in shown and first.label.replace("_", " ") in shown and first.text in shown
    assert "techniques:" in shown and "per 1,000 words" in shown
    # without colour the words of each span are still marked, each span once
    table = shown[shown.index("Propaganda techniques"):]
    flat = " ".join(table.replace("│", " ").split())
    spans = seed_article.layer("technique")
    assert flat.count("⟦") == len(spans)
    assert all(f"⟦{' '.join(s.text.split())}⟧" in flat for s in spans)


# --------------------------------------------------------------------------- summary


def test_summary_counts_rates_and_sentence_share():
    text = "One two three four. Five six seven eight. Nine ten."
    sentences = [Span("sentence", 0, 19, "sentence", text[0:19]), Span("sentence", 20, 41, "sentence", text[20:41]),
                 Span("sentence", 42, 51, "sentence", text[42:51])]
    tech = [Span("technique", 0, 3, "Loaded_Language", "One", {"score": 0.9}),
            Span("technique", 4, 13, NAME_CALLING, "two three", {"score": 0.6}),
            Span("technique", 8, 13, "Loaded_Language", "three", {"score": 0.5}),
            Span("technique", 42, 46, "Doubt", "Nine", {"score": 0.3})]
    art = Article(id="x", text=text, spans=sentences + tech)
    s = summarize(art, layers={"sentence", "technique"})["technique"]
    assert s["count"] == 4
    assert s["by_technique"] == {"Loaded_Language": 2, NAME_CALLING: 1, "Doubt": 1}
    assert s["per_1000_words"] == pytest.approx(1000 * 4 / 10)
    assert s["sentence_share"] == pytest.approx(2 / 3, abs=1e-3)
    empty = summarize(Article(id="y", text=text, spans=sentences), layers={"sentence", "technique"})["technique"]
    assert empty == {"count": 0, "by_technique": {}, "per_1000_words": 0.0, "sentence_share": 0.0,
                     "own_voice": {"count": 0, "words": 10, "per_1000_words": 0.0},
                     "quoted": {"count": 0, "words": 0, "per_1000_words": 0.0}}


def test_summary_counts_own_voice_and_quoted_apart():
    text = 'The mayor said: "These phony polls are a rigged election hoax." Critics call the mayor a crook.'
    q0 = text.index("phony polls")
    crook = text.index("crook")
    tech = [Span("technique", q0, q0 + 11, "Loaded_Language", "phony polls", {"score": 0.9, "voice": "quoted"}),
            Span("technique", crook, crook + 5, NAME_CALLING, "crook", {"score": 0.8, "voice": "own"})]
    s = summarize(Article(id="v", text=text, spans=tech), layers={"technique"})["technique"]
    assert s["own_voice"] == {"count": 1, "words": 9, "per_1000_words": pytest.approx(1000 / 9, abs=0.01)}
    assert s["quoted"] == {"count": 1, "words": 8, "per_1000_words": 125.0}


def test_no_technique_span_crosses_a_paragraph_break():
    text = "aa bb cc\n\ndd ee ff"
    offsets = [(0, 2), (3, 5), (6, 8), (10, 12), (13, 15), (16, 18)]
    probs = np.array([0.1, 0.9, 0.9, 0.9, 0.9, 0.1])
    spans = decode_si(probs, offsets, text, 0.5, gap=3)
    assert [text[s:e] for s, e, _ in spans] == ["bb cc", "dd ee"]
    # a single line break (a sentence a line, as in PTC's files) is no paragraph break
    one = text.replace("\n\n", " \n")
    assert [one[s:e] for s, e, _ in decode_si(probs, offsets, one, 0.5, gap=3)] == ["bb cc \ndd ee"]


def test_voice_says_whether_a_span_is_quoted():
    from newsprobe.core.quotes import quoted_regions, voice

    text = ('He called it “a rigged election” and ‘phony polls’. We don’t agree.\n'
            '"An unclosed quote runs to the end of its paragraph\nbut not into the next.')
    assert voice(text, text.index("rigged"), text.index("rigged") + 15) == "quoted"
    assert voice(text, text.index("phony"), text.index("phony") + 11) == "quoted"
    assert voice(text, text.index("agree"), text.index("agree") + 5) == "own"
    assert voice(text, text.index("unclosed"), text.index("unclosed") + 8) == "quoted"
    assert voice(text, text.index("but not"), text.index("but not") + 7) == "own"
    assert [text[s:e] for s, e in quoted_regions(text)][:2] == ["a rigged election", "phony polls"]


@pytest.mark.parametrize(("span", "appeal"), [
    ("Americans", False), ("a country's", False), ("national", False),
    ("our great nation", True), ("real Americans must stand up", True), ("Make America great again!", True),
])
def test_flag_waving_needs_an_appeal(span, appeal):
    from newsprobe.layers.techniques.tagger import APPEAL

    assert bool(APPEAL.search(span)) is appeal


def test_seed_flag_waving_spans_carry_an_appeal(seed_article):
    from newsprobe.layers.techniques.tagger import APPEAL

    for sp in seed_article.layer("technique"):
        assert "\n\n" not in sp.text
        assert sp.attrs["voice"] in {"own", "quoted"}
        if sp.label == "Flag-Waving":
            assert APPEAL.search(sp.text), sp.text


# --------------------------------------------------------------------------- eval CLI


@pytest.fixture(scope="module")
def tiny_ptc(tmp_path_factory):
    d = tmp_path_factory.mktemp("ptc")
    arts = d / "articles"
    arts.mkdir()
    one = ("The Takfiri terrorists and their treacherous backers attacked again.\n"
           "Officials said the talks would resume on Monday.\n")
    two = "Make our country great again! Make our country great again!\nThe weather was mild.\n"
    (arts / "article111.txt").write_text(one, encoding="utf-8")
    (arts / "article222.txt").write_text(two, encoding="utf-8")
    (d / "si.labels").write_text("111\t4\t22\n111\t41\t51\n222\t0\t29\n", encoding="utf-8")
    (d / "tc.labels").write_text(f"111\t{NAME_CALLING}\t4\t22\n111\tLoaded_Language\t41\t51\n222\tSlogans\t0\t29\n"
                                 "222\tRepetition\t30\t59\n", encoding="utf-8")
    return d


def test_eval_cli_prints_semeval_json(tiny_ptc):
    res = run_cli("eval", "techniques", "--articles", str(tiny_ptc / "articles"),
                  "--si-gold", str(tiny_ptc / "si.labels"), "--tc-gold", str(tiny_ptc / "tc.labels"))
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out) == {"si", "tc"}
    assert set(out["si"]) == {"precision", "recall", "f1"}
    assert all(0.0 <= v <= 1.0 for v in out["si"].values())
    assert out["si"]["recall"] > 0  # "Takfiri terrorists" at least is found
    assert 0.0 <= out["tc"]["micro_f1"] <= 1.0 and out["tc"]["gold"] == 4
    assert set(TECHNIQUES) <= set(out["tc"]["per_technique"])
    assert set(out["tc"]["per_technique"][NAME_CALLING]) == {"precision", "recall", "f1", "support"}

    only_si = json.loads(run_cli("eval", "techniques", "--articles", str(tiny_ptc / "articles"),
                                 "--si-gold", str(tiny_ptc / "si.labels")).stdout)
    assert set(only_si) == {"si"}


def test_eval_cli_bad_paths_are_one_line_errors(tiny_ptc, tmp_path):
    missing = run_cli("eval", "techniques", "--articles", str(tmp_path / "nope"), "--si-gold",
                      str(tiny_ptc / "si.labels"))
    assert missing.returncode == 2 and "error:" in missing.stderr and "Traceback" not in missing.stderr
    bad = tmp_path / "bad.labels"
    bad.write_text("111\tonly-two\n", encoding="utf-8")
    res = run_cli("eval", "techniques", "--articles", str(tiny_ptc / "articles"), "--tc-gold", str(bad))
    assert res.returncode == 2 and "bad.labels:1" in res.stderr and "Traceback" not in res.stderr
    nothing = run_cli("eval", "techniques", "--articles", str(tiny_ptc / "articles"))
    assert nothing.returncode == 2 and "Traceback" not in nothing.stderr


@pytest.mark.skipif(not (PTC / "dev-articles").is_dir(), reason="PTC data not found next to the repo")
def test_dev_floor_on_a_slice(tmp_path):
    """A quick floor on 15 PTC dev articles, so a broken export or decoding shows up (full figures: bench)."""
    from newsprobe.layers.techniques.evaluate import evaluate_ptc, read_si, read_tc

    arts = tmp_path / "articles"
    arts.mkdir()
    ids = sorted(p.name[7:-4] for p in (PTC / "dev-articles").glob("article*.txt"))[:15]
    for i in ids:
        (arts / f"article{i}.txt").write_bytes((PTC / "dev-articles" / f"article{i}.txt").read_bytes())
    si = read_si(PTC / "dev-task-si.labels")
    (tmp_path / "si").write_text("".join(f"{i}\t{s}\t{e}\n" for i in ids for s, e in si.get(i, ())))
    (tmp_path / "tc").write_text("".join(f"{i}\t{t}\t{s}\t{e}\n" for i, t, s, e in read_tc(
        PTC / "dev-task-flc-tc.labels") if i in ids))
    result = evaluate_ptc(arts, si_gold=tmp_path / "si", tc_gold=tmp_path / "tc")
    assert result["si"]["f1"] >= 0.30, result["si"]
    assert result["tc"]["micro_f1"] >= 0.45, result["tc"]["micro_f1"]
