"""The claim layer end to end: check-worthiness scores, quantities, links to statements."""

from __future__ import annotations

import newsprobe
from newsprobe.core.pipeline import load_nlp
from newsprobe.core.spans import doc_to_spans, write_layer
from newsprobe.layers.claims.checkworthy import load_head
from newsprobe.layers.claims.component import add_claims


def _claim_with(art, needle: str):
    hits = [s for s in art.layer("claim") if needle in s.text]
    assert hits, f"no claim containing {needle!r}"
    return hits[0]


def test_seed_numeric_claims(seed_article):
    c = _claim_with(seed_article, "3,200")
    assert c.attrs["checkworthy"] >= load_head().threshold and c.attrs["check_worthy"]
    (q,) = [q for q in c.attrs["quantities"] if q["value"] == 3200]
    assert (q["qualifier"], q["counted"], q["event"]) == ("more_than", "militants", "killed")
    # "in recent weeks": the date layer's span "recent weeks", vague, so no value
    assert (q["when"]["text"], q["when"]["value"]) == ("recent weeks", None)
    assert seed_article.text[q["when"]["start"] - 3 : q["when"]["end"]] == "in recent weeks"
    assert seed_article.text[q["start"] : q["end"]] == q["text"]
    c22 = _claim_with(seed_article, "at least 22")
    (q22,) = [q for q in c22.attrs["quantities"] if q["value"] == 22]
    assert (q22["qualifier"], q22["counted"]) == ("at_least", "militant groups")


def test_claims_are_sentences_with_scores(seed_article):
    sentences = {(s.start, s.end) for s in seed_article.layer("sentence")}
    claims = seed_article.layer("claim")
    assert claims
    for c in claims:
        assert (c.start, c.end) in sentences
        assert 0.0 <= c.attrs["checkworthy"] <= 1.0
        assert c.attrs["check_worthy"] == (c.attrs["checkworthy"] >= load_head().threshold)
        assert c.attrs["check_worthy"] or c.attrs["quantities"] or c.attrs.get("headline")
    body = [c for c in claims if not c.attrs.get("headline")]
    summary = seed_article.summary["claim"]
    assert summary["count"] == len(body) and summary["numeric"] >= 2


def test_chit_chat_is_not_a_claim():
    art = newsprobe.analyze("Thank you all for coming tonight. It is lovely to see so many friendly faces here.")
    assert art.layer("claim") == []


def test_threshold_trades_precision_for_recall():
    doc = load_nlp()("The minister thanked the volunteers. Prices rose sharply in the capital last month.")
    sents = list(doc.spans["sentence"])
    add_claims(doc, sents, [0.3, 0.6], threshold=0.5)
    assert len(doc.spans["claim"]) == 1
    add_claims(doc, sents, [0.3, 0.6], threshold=0.2)
    assert len(doc.spans["claim"]) == 2


def test_claim_links_to_the_statement_it_sits_in():
    doc = load_nlp()("Local sources said that 40 families fled the village on Sunday.")
    sent = doc.spans["sentence"][0]
    content = doc[3:11]
    write_layer(doc, "attribution", [(content, {"source": {"text": "Local sources"}, "source_type": "anonymous"})])
    add_claims(doc, [sent], [0.9], threshold=0.5)
    (claim,) = [s for s in doc_to_spans(doc) if s.layer == "claim"]
    link = claim.attrs["attribution"]
    assert link["source_type"] == "anonymous" and (link["start"], link["end"]) == (content.start_char,
                                                                                  content.end_char)
    assert claim.attrs["quantities"][0]["value"] == 40


def test_summary_counts_what_the_layer_decided():
    """The summary's check-worthy count is the layer's own decision at its threshold, not a second cut-off."""
    from newsprobe.core.model import Article
    from newsprobe.core.summary import summarize

    doc = load_nlp(["sentences"])("Prices rose here. Taxes fell there. Rents went up again.")
    sents = list(doc.spans["sentence"])
    add_claims(doc, sents, [0.55, 0.65, 0.95], threshold=0.6)
    spans = [s for s in doc_to_spans(doc) if s.layer == "claim"]
    assert [s.attrs["check_worthy"] for s in spans] == [True, True]  # 0.55 is below the threshold: not a claim
    art = Article(id="x", text=doc.text, spans=spans)
    assert summarize(art, layers={"claim"})["claim"]["checkworthy"] == 2
    add_claims(doc, sents, [0.55, 0.65, 0.95], threshold=0.5)
    spans = [s for s in doc_to_spans(doc) if s.layer == "claim"]
    assert summarize(Article(id="x", text=doc.text, spans=spans), layers={"claim"})["claim"]["checkworthy"] == 3


def test_claim_threshold_setting_reaches_the_component():
    from newsprobe.core.settings import configure, reset

    try:
        configure(claim_threshold=0.93)
        assert load_nlp(["claims"]).get_pipe("newsprobe/claims")._threshold() == 0.93
    finally:
        reset()
    assert load_nlp(["claims"]).get_pipe("newsprobe/claims")._threshold() != 0.93


def test_report_shows_claims_with_their_numbers(seed_article):
    from rich.console import Console

    from newsprobe.core.report import print_report
    from newsprobe.layers.claims.report import describe_quantity

    q = {"value": 3200, "qualifier": "more_than", "counted": "militants", "event": "killed", "when": "in recent weeks"}
    assert describe_quantity(q) == ">3,200 militants killed (in recent weeks)"  # as stored before parts had offsets
    text = "Officials said 40 families fled Douma on Sunday."
    q = {"value": 40, "counted": "families", "event": "fled", "qualifier": "exactly",
         "when": {"start": 41, "end": 47, "text": "Sunday", "value": None}}
    assert describe_quantity(q) == "40 families fled (Sunday)"
    assert describe_quantity(q, text) == "40 families fled (on Sunday)"
    assert describe_quantity({"value": None, "low": 24, "high": 99, "counted": "civilians"}) == "24..99 civilians"
    console = Console(record=True, width=200)
    print_report(seed_article, console)
    out = console.export_text()
    assert "What is claimed" in out and ">3,200 militants killed (in recent weeks)" in out
    headline = next(c for c in seed_article.layer("claim") if c.attrs.get("headline"))
    assert f"headline: {headline.text}" in out  # scored, but a reader sees it is not a body sentence


def test_report_brackets_the_score_of_a_claim_kept_only_for_its_numbers():
    from rich.console import Console

    from newsprobe.core.model import Article, Span
    from newsprobe.layers.claims.report import section

    text = "Rents rose by 12 percent last year. Officials said 40 families fled Douma."
    spans = [Span("claim", 0, 35, "claim", text[:35], {"checkworthy": 0.21, "check_worthy": False,
                                                        "quantities": []}),
             Span("claim", 36, len(text), "claim", text[36:], {"checkworthy": 0.83, "check_worthy": True,
                                                                "quantities": []})]
    console = Console(record=True, width=120)
    console.print(section(Article(id="a1", text=text, spans=spans), spans))
    out = console.export_text()
    assert "(0.21)" in out and "0.83" in out and "(0.83)" not in out


def test_when_and_where_are_the_date_and_entity_layers_spans():
    """On one Doc a claim's `when` is a span of the date layer (with its resolved value) and its `where` a place of the
    entity layer: the claim and the layers cannot disagree."""
    text = ("Rebels said 14 fighters were killed in Deir ez-Zor province over the past 24 hours. "
            "At least 12 civilians were killed in an airstrike in Douma on Tuesday. "
            "Turkey deported 250 Syrians last month. 4,000 more were stranded in Gaziantep in March 2016. "
            "The death toll rose from 45 to 60 overnight.")
    doc = load_nlp(["sentences", "entities", "dates"]).make_doc(text)
    doc._.published = "2016-08-25"
    doc = load_nlp(["sentences", "entities", "dates"])(doc)
    add_claims(doc, list(doc.spans["sentence"]), [0.9] * len(doc.spans["sentence"]), threshold=0.5)
    spans = doc_to_spans(doc)
    dates = {(s.start, s.end, s.text): s.attrs["value"] for s in spans if s.layer == "date"}
    places = {(s.start, s.end, s.text) for s in spans if s.layer == "entity" and s.label in ("GPE", "LOC", "FAC")}
    quantities = [q for s in spans if s.layer == "claim" for q in s.attrs["quantities"]]
    whens = [q["when"] for q in quantities if q["when"]]
    assert len(whens) >= 5
    for when in whens:
        assert dates[(when["start"], when["end"], when["text"])] == when["value"]
    for q in quantities:
        if q["where"]:
            assert (q["where"]["start"], q["where"]["end"], q["where"]["text"]) in places
    by_value = {q["value"]: q for q in quantities}
    assert by_value[14]["when"]["text"] == "the past 24 hours" and by_value[14]["where"]["text"] == "Deir ez-Zor"
    assert (by_value[12]["when"]["text"], by_value[12]["when"]["value"]) == ("Tuesday", "2016-08-23")
    assert by_value[12]["where"]["text"] == "Douma"
    assert by_value[250]["where"] is None  # "Turkey deported": the actor, not where it happened
    assert by_value[250]["when"]["value"] == "2016-07-01"
    assert (by_value[4000]["where"]["text"], by_value[4000]["when"]["value"]) == ("Gaziantep", "2016-03-01")
    assert by_value[60]["when"]["text"] == "overnight"


def test_schema_pins_a_quantitys_when_and_where(seed_article, validator):
    import copy

    data = seed_article.to_dict()
    assert validator.is_valid(data)
    claim = next(i for i, s in enumerate(data["spans"]) if s["layer"] == "claim" and s["attrs"]["quantities"])
    for field, bad in (("when", "in recent weeks"), ("where", {"text": "Aleppo"}), ("qualifier", "roughly")):
        broken = copy.deepcopy(data)
        broken["spans"][claim]["attrs"]["quantities"][0][field] = bad
        assert not validator.is_valid(broken), field


def test_headline_is_scored_but_flagged_and_left_out_of_the_shares():
    """The title line is kept as a claim with `headline: true` even when it scores low, and the summary's counts and
    check-worthy share are over the body's sentences only."""
    from newsprobe.core.model import Article
    from newsprobe.core.summary import summarize

    text = "Bread Prices Soar in the Capital\n\nPrices rose here. Taxes fell there. The mayor thanked everyone."
    nlp = load_nlp(["sentences"])
    doc = nlp.make_doc(text)
    doc._.title = "Bread prices soar in the capital"
    doc = nlp(doc)
    sents = list(doc.spans["sentence"])
    assert sents[0].text.startswith("Bread Prices Soar")
    add_claims(doc, sents, [0.2, 0.9, 0.7, 0.1], threshold=0.5)
    spans = [s for s in doc_to_spans(doc) if s.layer == "claim"]
    assert [(s.attrs.get("headline", False), s.attrs["check_worthy"]) for s in spans] == [
        (True, False), (False, True), (False, True)]
    art = Article(id="x", text=text, title="Bread prices soar in the capital",
                  spans=spans + [s for s in doc_to_spans(doc) if s.layer == "sentence"])
    summary = summarize(art, layers={"claim", "sentence"})["claim"]
    assert (summary["count"], summary["checkworthy"], summary["sentences"]) == (2, 2, 3)
    assert summary["checkworthy_share"] == round(2 / 3, 3) and summary["headline_checkworthy"] is False


def test_no_headline_without_a_matching_title():
    """A first line that is not the title (or no title at all) is body text: nothing is flagged."""
    nlp = load_nlp(["sentences"])
    for title in (None, "Something else entirely"):
        doc = nlp.make_doc("Prices rose here.\n\nTaxes fell there.")
        doc._.title = title
        doc = nlp(doc)
        add_claims(doc, list(doc.spans["sentence"]), [0.9, 0.9], threshold=0.5)
        assert not any(s.attrs.get("headline") for s in doc_to_spans(doc) if s.layer == "claim")


def test_seed_headline_is_flagged(seed_article):
    (head,) = [s for s in seed_article.layer("claim") if s.attrs.get("headline")]
    assert head.start == 0 and seed_article.title and head.text.strip() in seed_article.title
    assert seed_article.summary["claim"]["count"] == len(seed_article.layer("claim")) - 1


def _column_width(out: str, header: str) -> int:
    """The width of the column whose header starts with `header`, from the table's header row."""
    row = next(line for line in out.splitlines() if f"┃ {header}" in line)
    cells = row.split("┃")
    return len(next(c for c in cells if c.strip().startswith(header)))


def test_report_is_readable_at_80_columns(seed_article):
    """At 80 columns the claims table keeps the sentence readable (its id on a line of its own under it, whole, so it
    can be copied into `newsprobe corroborate`) and "Who says what" keeps the statement readable."""
    from rich.console import Console

    from newsprobe.core.report import print_report

    console = Console(record=True, width=80)
    print_report(seed_article, console)
    out = console.export_text()
    assert max(len(line) for line in out.splitlines()) <= 80
    for claim in seed_article.layer("claim"):
        assert f"{seed_article.id}:{claim.start}-{claim.end}" in out  # on one line, not cut
    assert _column_width(out, "claim") >= 45 and _column_width(out, "statement") >= 38
