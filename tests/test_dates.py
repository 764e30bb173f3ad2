"""The date layer: relative dates anchored on the publication date, absolute dates parsed, vague ones
flagged."""

from __future__ import annotations

from datetime import date

import pytest

import newsprobe.core.spans  # noqa: F401  (registers the factories)
from newsprobe.layers.dates.component import parse_date, parse_published

THURSDAY = "2016-08-25"  # the seed's publication day


def dates(nlp, text: str, published: str | None = THURSDAY) -> dict[str, dict]:
    doc = nlp.make_doc(text)
    doc._.published = published
    doc = nlp(doc)
    return {sp.text: sp._.attrs for sp in doc.spans["date"]}


@pytest.mark.parametrize(
    "text, expression, value",
    [
        ("Local sources said Monday that the road was closed.", "Monday", "2016-08-22"),
        ("Opposition sources confirmed on Sunday that the talks had failed.", "Sunday", "2016-08-21"),
        ("The convoy left the city yesterday.", "yesterday", "2016-08-24"),
        (
            "Officials spoke to reporters on Thursday.",
            "Thursday",
            "2016-08-25",
        ),  # publication weekday = that day
        ("The two delegations will meet on Monday.", "Monday", "2016-08-29"),  # looks forward
        ("The fighting should ease by Saturday, he said.", "Saturday", "2016-08-27"),  # a modal looks forward
        ("The convoy could have left on Monday.", "Monday", "2016-08-22"),  # ... unless perfect
    ],
)
def test_relative_dates_resolved(nlp, text, expression, value):
    attrs = dates(nlp, text)[expression]
    assert attrs["value"] == value
    assert attrs["relative"] is True and attrs["resolved"] is True
    assert attrs["anchor"] == THURSDAY and attrs["granularity"] == "day"


def test_relative_dates_unresolved_without_publication_date(nlp):
    attrs = dates(nlp, "Local sources said Monday that the road was closed.", published=None)["Monday"]
    assert attrs == {"value": None, "granularity": None, "relative": True, "resolved": False, "anchor": None}


def test_published_datetime_is_accepted(nlp):
    attrs = dates(nlp, "The convoy left the city yesterday.", published="2016-08-25T23:10:00+04:30")[
        "yesterday"
    ]
    assert attrs["value"] == "2016-08-24"
    assert parse_published("2016-08-25T23:10:00Z") == date(2016, 8, 25)
    assert parse_published("not a date") is None


@pytest.mark.parametrize(
    "text, expression",
    [
        ("The talks began on 29 August 2016.", "29 August 2016"),
        ("The deal was signed on August 29, 2016.", "August 29, 2016"),
        ("The report is dated 2016-08-29.", "2016-08-29"),
    ],
)
def test_absolute_dates(nlp, text, expression):
    for published in (THURSDAY, None):
        attrs = dates(nlp, text, published)[expression]
        assert attrs == {
            "value": "2016-08-29",
            "granularity": "day",
            "relative": False,
            "resolved": True,
            "anchor": None,
        }


def test_day_month_without_year_takes_publication_year(nlp):
    attrs = dates(nlp, "The ceasefire ended on 3 August.")["3 August"]
    assert attrs["value"] == "2016-08-03" and attrs["relative"] is True and attrs["anchor"] == THURSDAY
    assert dates(nlp, "The ceasefire ended on 3 August.", published=None)["3 August"]["value"] is None


def test_vague_dates(nlp):
    attrs = dates(nlp, "More than 3,200 militants have been killed in recent weeks.")["recent weeks"]
    assert attrs == {"value": None, "granularity": None, "relative": True, "resolved": False, "anchor": None}


ANCHOR = date(2016, 8, 25)


@pytest.mark.parametrize(
    "text, value, granularity",
    [
        ("last Friday", "2016-08-19", "day"),
        ("last Thursday", "2016-08-18", "day"),  # "last" is strictly before
        ("next Friday", "2016-08-26", "day"),
        ("Monday night", "2016-08-22", "day"),
        ("two days ago", "2016-08-23", "day"),
        ("last week", "2016-08-15", "week"),  # the Monday that week began
        ("this year", "2016-01-01", "year"),
        ("Aug. 29", "2016-08-29", "day"),
        ("the 3rd of August", "2016-08-03", "day"),
        ("December", "2015-12-01", "month"),  # a past month after the publication month: the year before
        ("August 2015", "2015-08-01", "month"),
        ("2016", "2016-01-01", "year"),
        ("29/08/2016", "2016-08-29", "day"),
        ("03/04/2016", None, None),  # day and month order unknown
        ("the past few days", None, None),
        ("three years", None, None),
        ("the mid-17th century", "1600-01-01", "century"),  # absolute, as "the 1990s" is
        ("the 21st century", "2000-01-01", "century"),
        ("mid-century", None, None),  # of which century: relative, unresolved
    ],
)
def test_parser(text, value, granularity):
    attrs = parse_date(text, ANCHOR)
    assert (attrs["value"], attrs["granularity"]) == (value, granularity)
    assert attrs["resolved"] is (value is not None)


def test_durations_are_not_relative():
    assert parse_date("three years", ANCHOR)["relative"] is False
    assert parse_date("2016", ANCHOR)["relative"] is False
    assert parse_date("last week", ANCHOR)["relative"] is True


@pytest.mark.parametrize(
    "text, expression",
    [
        ("In Deir ez-Zor province, 14 fighters were killed over the past 24 hours.", "the past 24 hours"),
        ("The death toll rose from 45 to 60 overnight.", "overnight"),
        ("More than 500 people have died in Yemen since the start of the war.", "since the start of the war"),
    ],
)
def test_time_phrases_ner_misses_are_dates_too(nlp, text, expression):
    """The shared grammar's time phrases that spaCy calls TIME or misses: vague, relative, and in the layer (so a
    claim's `when` can point at them), without the "over" in front."""
    attrs = dates(nlp, text)[expression]
    assert attrs["relative"] is True and attrs["value"] is None


def test_counts_labelled_date_by_ner_are_not_dates(nlp):
    assert list(dates(nlp, "Forty migrants died at sea this week.")) == ["this week"]
    assert "Between 5" not in dates(nlp, "Between 5 and 10 soldiers were captured near Homs.")
    assert not dates(nlp, "The generals cited her years as secretary of state.")
    assert "tomorrow" not in dates(nlp, "The refugees still hope for a brighter tomorrow.")
    assert "West 23rd" not in dates(nlp, "The bomb went off in front of 131 West 23rd Street.")


def test_possessive_dates_resolve():
    assert parse_date("last week's", ANCHOR)["value"] == "2016-08-15"


def test_a_stretch_up_to_publication_is_relative():
    for text in ("the past 24 hours", "over the last three years", "the next few days"):
        assert parse_date(text, ANCHOR) == {"value": None, "granularity": None, "relative": True, "resolved": False,
                                            "anchor": None}, text
    assert parse_date("eighteen months ago", ANCHOR)["value"] == "2015-02-01"  # number words up to 99


def test_the_report_does_not_call_a_length_of_time_absolute():
    from newsprobe.layers.dates.report import how

    assert how(parse_date("two weeks")) == how(parse_date("nearly a month")) == "no date: a length of time, or unclear"
    assert how(parse_date("29 August 2016")) == "absolute"
    assert how(parse_date("Monday")) == "relative, unresolved"
    assert how(parse_date("Monday", anchor=date(2016, 8, 31))) == "relative, resolved"


@pytest.mark.parametrize(
    "text, expression, value",
    [
        # a real page of 2019-11-18 had "set to expire in February" as February 2019
        ("The licence, which is now set to expire in February, was extended.", "February", "2017-02-01"),
        ("The licence expired in February.", "February", "2016-02-01"),
        ("The new rules will take effect on March 1.", "March 1", "2017-03-01"),
        ("The new rules took effect on March 1.", "March 1", "2016-03-01"),
        # an infinitive looks forward from a present verb, not from a past one
        ("The council plans to vote on the rules in March.", "March", "2017-03-01"),
        ("I tried to enter the country on May 16 but was caught.", "May 16", "2016-05-16"),
        ("The licence was set to expire in February.", "February", "2016-02-01"),
    ],
)
def test_a_month_or_day_the_sentence_looks_forward_to_is_the_next_one(nlp, text, expression, value):
    assert dates(nlp, text)[expression]["value"] == value


def test_model_numbers_and_tallies_are_no_years(nlp):
    """A tech page had "the RTX 2060" and "a total score of 2072" as the years 2060 and 2072."""
    found = dates(nlp, "The GTX 1660 is close to the RTX 2060 in speed, and the old design earned a total score "
                       "of 2072.")
    assert not any(v["value"] for v in found.values()), found
    assert dates(nlp, "OBAMA WITH FARRAKHAN IN 2005")["2005"]["value"] == "2005-01-01"
    assert dates(nlp, "Turnout in the EU 2019 elections rose.")["2019"]["value"] == "2019-01-01"
