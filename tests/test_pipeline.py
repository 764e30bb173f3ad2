"""End to end on the seed: what a fact-checker would check first."""

from __future__ import annotations

import json

import pytest

import newsprobe
from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import Article


def _body_paragraphs(raw: str) -> list[str]:
    # The seed's body: the lines long enough to be paragraphs (the debris lines are all short).
    return [line.strip() for line in raw.splitlines() if len(line.split()) > 12]


def test_seed_metadata_and_debris(seed_article, seed_path):
    art = seed_article
    assert art.title == "Militant Groups in Aleppo Ready to Leave Jeish Al-Fatah Coalition"
    assert art.section == "Syria"
    assert art.language == "en"
    removed = {r.text.strip(): r.reason for r in art.removed}
    assert "13950601000829_Test_PhotoI" in removed
    assert "Back to top button" in removed
    assert all(reason for reason in removed.values())
    assert "Back to top" not in art.text and "PhotoI" not in art.text


def test_seed_body_paragraphs_intact(seed_article, seed_path):
    paras = _body_paragraphs(seed_path.read_text(encoding="utf-8"))
    assert len(paras) == 8
    # Nine paragraphs in all: the title line, then the eight body paragraphs, each byte for byte.
    assert seed_article.text.split("\n\n") == [seed_article.title, *paras]


def test_seed_entities(seed_article):
    ents = seed_article.layer("entity")
    by_text: dict[str, set[str]] = {}
    for s in ents:
        by_text.setdefault(s.text, set()).add(s.label)
    assert by_text["Aleppo"] == {"GPE"}
    assert by_text["Idlib"] == {"GPE"}
    assert by_text["Jeish al-Fatah"] == {"ORG"}
    assert by_text["Abdullah al-Moheisini"] == {"PERSON"}
    canon = {s.attrs["canonical"] for s in ents if s.text.lower().startswith("jeish al-fatah")}
    assert len(canon) == 1  # every spelling of the coalition is one actor


def test_spans_point_into_text(seed_article):
    art = seed_article
    assert {"sentence", "entity", "date"} <= {s.layer for s in art.spans}
    for s in art.spans:
        assert art.text[s.start : s.end] == s.text
        assert s.text == s.text.strip()


def test_json_matches_schema_and_roundtrips(seed_article, validator):
    data = json.loads(seed_article.to_json())
    assert data["schema"] == "newsprobe/1"
    errors = sorted(validator.iter_errors(data), key=str)
    assert not errors, errors[0]
    assert Article.from_dict(data) == seed_article


def test_schema_rejects_broken_output(seed_article, validator):
    data = seed_article.to_dict()
    data["spans"][0].pop("start")
    assert not validator.is_valid(data)


def test_dataframe_of_spans(seed_article):
    df = seed_article.spans_df()
    assert list(df.columns[:3]) == ["article_id", "layer", "start"]
    assert len(df) == len(seed_article.spans)
    assert set(df[df.layer == "entity"].label) >= {"GPE", "ORG", "PERSON"}


def test_relative_date_resolved_only_with_publication_date(seed_path):
    undated = newsprobe.analyze(seed_path)
    monday = [s for s in undated.layer("date") if s.text.endswith("Monday")]
    assert monday and monday[0].attrs["resolved"] is False and monday[0].attrs["value"] is None
    dated = newsprobe.analyze(seed_path, published="2016-08-25")  # a Thursday
    monday = [s for s in dated.layer("date") if s.text.endswith("Monday")]
    assert monday[0].attrs["value"] == "2016-08-22" and monday[0].attrs["resolved"] is True
    assert dated.id == undated.id  # metadata does not change the content id


def test_analyze_plain_text():
    art = newsprobe.analyze(
        "Officials in Homs said on Friday that the road to Palmyra had reopened.", published="2017-03-15"
    )
    assert any(s.label == "GPE" and s.text == "Homs" for s in art.layer("entity"))
    friday = [s for s in art.layer("date") if "Friday" in s.text]
    assert friday and friday[0].attrs["value"] == "2017-03-10"


def test_analyze_bad_path_is_a_clear_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(NewsprobeError, match="empty.txt"):
        newsprobe.analyze(empty)


def test_layers_at_the_same_offsets_keep_their_own_attrs():
    from newsprobe.core.pipeline import load_nlp
    from newsprobe.core.spans import doc_to_spans, write_layer

    doc = load_nlp()("Sources in Aleppo said so.")
    span = doc[2:3]
    write_layer(doc, "first", [(span, {"who": "first"})])
    write_layer(doc, "second", [(doc[2:3], {"who": "second"})])
    got = {s.layer: s.attrs for s in doc_to_spans(doc) if s.layer in ("first", "second")}
    assert got == {"first": {"who": "first"}, "second": {"who": "second"}}


def test_summary_covers_the_layers_that_ran():
    from newsprobe.core.pipeline import CORE, analyse, load_nlp

    core_only = next(analyse([Article(id="0" * 16, text="Officials in Homs said so on Monday.")], nlp=load_nlp(CORE)))
    assert {"sentence", "entity", "date"} <= set(core_only.summary) and "claim" not in core_only.summary
    full = newsprobe.analyze("Thank you all for coming tonight.")
    assert full.summary["claim"]["count"] == 0  # ran, found nothing: said, not left out


def test_a_sentence_the_parser_starts_with_a_comma_joins_the_one_before():
    import newsprobe
    from newsprobe.layers.sentences.component import NO_START

    text = ("There already was a blackout on the worst attack in years.\n\n"
            "58 dead, hundreds wounded, the savagery of the attack is unspeakable, and still the authorities know "
            "nothing.\n\nPolice said on Monday they had no suspect. The FBI declined to comment.")
    art = newsprobe.analyze(text, layers=["sentences"])
    sents = [s.text for s in art.layer("sentence")]
    assert all(s[:1] not in NO_START for s in sents), sents
    assert sents[1].startswith("58 dead, hundreds wounded,") and sents[1].endswith("know nothing.")  # one, not two
    assert sents[0] == "There already was a blackout on the worst attack in years."  # a paragraph break stays
    assert sents[-2:] == ["Police said on Monday they had no suspect.", "The FBI declined to comment."]


def test_a_headline_the_parser_cuts_without_punctuation_is_one_sentence_but_quotes_keep_their_cut():
    import newsprobe

    text = "Flood Aid Isn’t The Only Reason Voters Back The Mayor.\n\nThe mayor spoke on Monday."
    sents = [s.text for s in newsprobe.analyze(text, layers=["sentences"]).layer("sentence")]
    assert sents == ["Flood Aid Isn’t The Only Reason Voters Back The Mayor.", "The mayor spoke on Monday."]
    # the parser leaves an opening '' at the end of the sentence before: joining there would merge two quotations
    text = "He said it was over. ''It's anti-reform,'' said Mr. Smith. ''It won't work.''"
    assert len(newsprobe.analyze(text, layers=["sentences"]).layer("sentence")) == 3
