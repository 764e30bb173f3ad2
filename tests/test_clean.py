"""Tests for newsprobe.io.clean: debris goes with a reason, prose stays byte for byte, nothing is lost."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from newsprobe.io.clean import (
    COPYRIGHT,
    DATELINE,
    FORM,
    MEDIA_ID,
    NAVIGATION,
    PHOTO_CREDIT,
    READING_TIME,
    RELATED_BLOCK,
    RELATED_LINK,
    REPEATED,
    SECTION,
    URL_ONLY,
    Cleaned,
    LineStats,
    clean_text,
    normalize_line,
)

SEED = Path("/work/shared/seed/000_c72b67134be14b5c.txt")
SEED_TITLE = "Militant Groups in Aleppo Ready to Leave Jeish Al-Fatah Coalition"

# A made-up page in our own words, with the debris a scraper typically carries along.
PAGE = """\
World
Floods Force Thousands From Homes in River Valley
Tuesday, 14 May 2024 09:30 GMT
By Mara Quill
Share | Tweet | Email
IMG_4821.jpg
Photo: Regional Press Service
Heavy rain over three days pushed the river above its banks on Tuesday, forcing some 4,000 residents \
to leave their homes, officials said.
Share on Facebook
Emergency crews used boats to reach villages cut off by the water, and the regional governor asked \
the army for help.
“We have never seen the water rise this fast,” said a farmer.
Residents were asked to share photos of damaged roads and to print the list of shelters posted by the council.
https://example.com/floods/live
Related news
Bridge Closed After Storm Damage
Farmers Count Losses as Fields Stay Under Water
Weather service warns of more rain later this week
The weather service said more rain was expected on Thursday, although not as heavy as earlier in the week.
© 2024 Example Daily News. All rights reserved.
Facebook Twitter WhatsApp Telegram
"""

PLAIN = "The council met on Monday and agreed to repair the bridge before winter, the mayor said."
CRLF = (
    "Budget Talks Stall Again\r\n\r\nNegotiators left the room without a deal late on Friday, and both sides "
    "said they would return next week.\r\n\xa0\r\nRead more\r\n"
)
SINGLE_NEWLINES = (
    "Port Reopens After Strike\n"
    "Dock workers returned to the harbour on Wednesday after a two-week strike over pay ended in a deal.\n"
    "The union said members had accepted a raise of four percent spread over two years.\n"
    "Print\n"
)


def _paragraphs(c: Cleaned) -> list[str]:
    return c.text.split("\n\n") if c.text else []


def _reasons(c: Cleaned) -> dict[str, str]:
    return {r.text: r.reason for r in c.removed}


def _strip(line: str) -> str:
    return line.strip().strip("\u200b\ufeff").strip()


def _assert_nothing_lost(raw: str, c: Cleaned) -> None:
    """Every non-blank input line is exactly one kept paragraph or one removed entry with its line number."""
    lines = re.split(r"\r\n|\r|\n", raw)
    nonblank = [_strip(ln) for ln in lines if _strip(ln)]
    paragraphs = _paragraphs(c)
    assert len(paragraphs) + len(c.removed) == len(nonblank)
    assert sorted(paragraphs + [r.text for r in c.removed]) == sorted(nonblank)
    for r in c.removed:
        assert _strip(lines[r.line - 1]) == r.text
        assert r.reason


@pytest.mark.skipif(not SEED.exists(), reason="seed article not available")
def test_seed_article() -> None:
    raw = SEED.read_text(encoding="utf-8")
    c = clean_text(raw)
    assert c.section == "Syria"
    assert c.title == SEED_TITLE
    assert c.text.startswith(SEED_TITLE + "\n\n")
    assert [(r.text, r.reason, r.line) for r in c.removed] == [
        ("Syria", SECTION, 1),
        ("13950601000829_Test_PhotoI", MEDIA_ID, 5),
        ("Back to top button", NAVIGATION, 25),
    ]
    body = [ln for ln in raw.splitlines() if len(ln.split()) >= 12]
    assert len(body) == 8  # the seed has eight body paragraphs; with the title, nine paragraphs in all
    paragraphs = _paragraphs(c)
    assert len(paragraphs) == 9
    assert paragraphs[1:] == body  # byte-identical, in order, nothing in between
    for paragraph in body:
        assert paragraph in c.text
    _assert_nothing_lost(raw, c)


@pytest.mark.skipif(not SEED.exists(), reason="seed article not available")
def test_seed_with_metadata_title_is_not_duplicated() -> None:
    c = clean_text(SEED.read_text(encoding="utf-8"), title=SEED_TITLE + " | Example Agency", section="Syria")
    assert c.text.count(SEED_TITLE) == 1
    assert c.text.startswith(SEED_TITLE + "\n\n")
    assert c.title == SEED_TITLE + " | Example Agency"
    assert _reasons(c)["Syria"] == SECTION


def test_made_up_page() -> None:
    c = clean_text(PAGE)
    reasons = _reasons(c)
    assert c.section == "World"
    assert c.title == "Floods Force Thousands From Homes in River Valley"
    assert c.dateline == "Tuesday, 14 May 2024 09:30 GMT"
    assert reasons["Tuesday, 14 May 2024 09:30 GMT"] == DATELINE
    assert reasons["Share | Tweet | Email"] == NAVIGATION
    assert reasons["Share on Facebook"] == NAVIGATION
    assert reasons["Facebook Twitter WhatsApp Telegram"] == NAVIGATION
    assert reasons["IMG_4821.jpg"] == MEDIA_ID
    assert "Photo: Regional Press Service" in reasons
    assert reasons["https://example.com/floods/live"] == URL_ONLY
    assert reasons["© 2024 Example Daily News. All rights reserved."] == COPYRIGHT
    for line in (
        "Related news",
        "Bridge Closed After Storm Damage",
        "Farmers Count Losses as Fields Stay Under Water",
        "Weather service warns of more rain later this week",
    ):
        assert reasons[line] == RELATED_BLOCK
    paragraphs = _paragraphs(c)
    assert "By Mara Quill" in paragraphs  # bylines are kept for the attribution layer
    assert "“We have never seen the water rise this fast,” said a farmer." in paragraphs
    assert paragraphs[-1].startswith("The weather service said")  # the block ends at body text
    _assert_nothing_lost(PAGE, c)


def test_body_with_widget_words_is_kept() -> None:
    body = [
        "Residents were asked to share photos of damaged roads and to print the list of shelters.",
        "Share prices fell.",
        "“Print it all,” the editor told the night desk before the deadline passed.",
        "Copyright law was the subject of a long debate in parliament this spring.",
    ]
    raw = "\n\n".join(body + ["Share", "Print"])
    c = clean_text(raw)
    assert _paragraphs(c) == body
    assert [r.text for r in c.removed] == ["Share", "Print"]


def test_an_embedded_poll_is_removed_with_its_question_and_options() -> None:
    """A poll plugin's block (our own wording, the shape a quarter of the PTC articles carry): its opening and
    form lines mark it, and the question and options between them go with it; prose about opting out stays."""
    before = "The council voted on Tuesday to close the river crossing for two weeks, officials said."
    after = "Traders said the closure would raise the price of flour in the eastern districts by a third."
    poll = ["Take our poll - story continues below", "Should the crossing stay closed?",
            "Should the crossing stay closed?", "* Yes, until the floods pass.", "No, the markets need it open.",
            "Maybe?", "Email This field is for validation purposes and should be left unchanged.",
            "Completing this poll grants you access to Levant Wire updates free of charge.",
            "You may opt out at anytime.", "You also agree to this site's Privacy Policy and Terms of Use."]
    prose = "You can opt out at any time, the bank told customers in a letter about its new privacy policy."
    c = clean_text("\n\n".join([before, *poll, after, prose]))
    assert _paragraphs(c) == [before, after, prose]
    assert [(r.text, r.reason) for r in c.removed] == [(line, FORM) for line in poll]
    # a scraper that joined the opening and the question on one line
    joined = [f"{poll[0]} {poll[1]}", *poll[2:]]
    c = clean_text("\n\n".join([before, *joined, after]))
    assert _paragraphs(c) == [before, after] and [r.text for r in c.removed] == joined


def test_a_newsletter_box_and_an_agency_photo_credit_are_removed() -> None:
    body = ["The council met on Monday and voted to close the crossing for two weeks, officials said.",
            "Voters can sign up for alerts about polling places, the county said on Monday.",
            "If you are not on our list, you can still sign up at the town hall before the vote."]
    debris = ["Sign up for the Levant Briefing and get the day's news, every morning, in your inbox.",
              "Email Sign Up By signing up you agree to receive email newsletters or alerts from Levant Wire",
              "Sign Up Thank you for signing up!", "Subscribe Today!",
              "Rana Haddad/The Daily Courier via AP"]
    c = clean_text("\n\n".join([body[0], *debris[:2], body[1], *debris[2:], body[2]]))
    assert _paragraphs(c) == body
    assert [r.text for r in c.removed] == debris


def test_a_poll_opening_without_its_form_takes_only_itself() -> None:
    """Without the form lines that close a poll, or with a paragraph before them, the lines after "Take our poll"
    are the article's."""
    para = ("The ministry said the new rules would apply to every crossing in the province from the first of "
            "next month, and that traders had been told.")
    short = "Should the crossing stay closed?"
    c = clean_text("\n\n".join(["Take our poll", short, para, "You may opt out at anytime."]))
    assert _paragraphs(c) == [short, para]
    assert [r.text for r in c.removed] == ["Take our poll", "You may opt out at anytime."]


def test_plain_paragraph_has_no_title_or_section() -> None:
    c = clean_text(PLAIN)
    assert (c.text, c.title, c.section, c.removed) == (PLAIN, None, None, [])


@pytest.mark.parametrize("first, title", [
    # some sites (and PolNeAR's files) end a headline in title case with a full stop
    ("Gold Star Mom Corners Obama On Iraq War Funding.", True),
    ("Obama Sees 'Personal Insult' if Voters Don't Rally for Clinton.", True),
    ("Obama on Climate Change: The Trends Are 'Terrifying.'", True),
    # a lede full of names is a sentence: its verb is lower-case
    ("President Barack Obama met Vladimir Putin in Moscow on Monday.", False),
    ("Clinton calls the plan a crazy system during a campaign stop.", False),
    ("Fire Destroys Depot...", False),
])
def test_title_case_line_ending_in_a_full_stop(first: str, title: bool) -> None:
    body = ("The two men spoke for an hour, aides said, and agreed to meet again before the end of the year to settle "
            "the remaining questions.")
    c = clean_text(f"{first}\n\n{body}\n\n{body}")
    assert (c.title == first) is title
    assert c.text == f"{first}\n\n{body}\n\n{body}"


def test_windows_line_endings_and_nbsp_line() -> None:
    c = clean_text(CRLF)
    assert c.title == "Budget Talks Stall Again"
    assert "\r" not in c.text
    assert [(r.text, r.line) for r in c.removed] == [("Read more", 5)]
    _assert_nothing_lost(CRLF, c)


def test_single_newline_paragraphs() -> None:
    c = clean_text(SINGLE_NEWLINES)
    assert c.title == "Port Reopens After Strike"
    assert len(_paragraphs(c)) == 3
    assert [r.text for r in c.removed] == ["Print"]


def test_metadata_title_not_in_text_is_put_first() -> None:
    c = clean_text(PLAIN, title="Bridge To Be Repaired", section="Local")
    assert (c.text, c.title, c.section) == (
        "Bridge To Be Repaired\n\n" + PLAIN,
        "Bridge To Be Repaired",
        "Local",
    )


TOPICS = ["ferries", "parking", "schools", "lighthouse", "fishing quotas"]


def test_metadata_title_alone_is_no_article() -> None:
    c = clean_text("Back to top button\n\nShare\n", title="Some Headline")
    assert (c.text, c.title, len(c.removed)) == ("", "Some Headline", 2)


def _site_page(i: int) -> str:
    """Pages of one made-up site: different stories, a shared footer and a numbered edition line."""
    topic = TOPICS[i]
    return (
        f"Harbor Council Debates {topic.title()}\n\n"
        f"The harbor council voted on {topic} after a long evening of debate, members told reporters.\n\n"
        f"A closing line about {topic} and the vote.\n\n"
        "Northfield Desk tips line open around the clock\n\n"
        f"Printed edition {i} of 2024\n"
    )


def test_line_stats_finds_site_boilerplate() -> None:
    stats = LineStats()
    pages = [_site_page(i) for i in range(5)]
    for page in pages:
        stats.observe(page)
    stats.observe(pages[0])  # a duplicate page is not counted again
    assert stats.docs == 5
    footer = normalize_line("Northfield Desk tips line open around the clock")
    repeated = stats.repeated()
    # digits fold to "0", so the numbered edition line is boilerplate too; the unique lines are not
    assert repeated == {footer, normalize_line("Printed edition 1 of 2024")}
    c = clean_text(pages[2], repeated=repeated)
    assert _reasons(c)["Northfield Desk tips line open around the clock"] == REPEATED
    assert "A closing line about schools and the vote." in _paragraphs(c)
    assert stats.repeated(min_docs=6) == set()
    assert stats.repeated(min_share=1.1) == set()


def test_normalize_line_is_idempotent() -> None:
    for line in ["  • Share | ", "© 2016 Site. All Rights Reserved.", "Comments (3)", "Ｆｕｌｌ width"]:
        once = normalize_line(line)
        assert normalize_line(once) == once


@pytest.mark.parametrize(
    "raw",
    [
        PAGE,
        PLAIN,
        CRLF,
        SINGLE_NEWLINES,
        _site_page(1),
        "",
        " \n\xa0\n",
        "Related articles\n\nShort headline one\n\nAnother short one\n\n• | •\n\n1234\n\nhello@example.org\n",
        "Sport\nTeam Wins Cup\n\u200b\nMonday 29 August 2016\n"
        "The home side won the cup in extra time on Sunday, their first title in nineteen years of trying.\n",
    ],
)
def test_nothing_lost(raw: str) -> None:
    _assert_nothing_lost(raw, clean_text(raw, repeated={normalize_line("Short headline one")}))



def test_a_sites_inline_teaser_and_share_prompt_go_prose_about_signing_up_stays() -> None:
    """A state broadcaster's pages put "Also on <its address> <another headline>" inside the story and a share prompt
    at its end; both went into the claims and attribution tables. A sentence about signing up for a service is news."""
    body = ["The ombudsman's office said the deaths were caused by gunshot wounds, officials said on Tuesday.",
            "Also on Monday, the army said it had opened the road to the fuel plant again.",
            "Sign up for a streaming account for $11.99 a month"]
    debris = ["Also on harbortv.com Journalists from the ruling party threatened with arrests as the port purges "
              "its council", "Like this story? Share it with a friend!"]
    c = clean_text("\n\n".join([body[0], debris[0], body[1], body[2], debris[1]]))
    assert _paragraphs(c) == body
    assert [(r.text, r.reason) for r in c.removed] == [(debris[0], RELATED_LINK), (debris[1], NAVIGATION)]


def test_reading_times_credits_shop_buttons_and_foreign_read_also_headers_go_prose_stays() -> None:
    """Widget lines read on the extraction benchmark's pages, in English and the languages it has."""
    body = ["The council met on Monday and voted to close the crossing for two weeks, officials said.",
            "Copyright rules changed in 2019.",
            "Reading time matters less than accuracy, the editor said."]
    debris = [("Tempo de leitura: 2 minutos", READING_TIME), ("5 min read", READING_TIME),
              ("Main image credit: Getty", PHOTO_CREDIT), ("See it now: Amazon", NAVIGATION),
              ("copyright Harbor Daily 2019 - ISSN: 1234-5678", COPYRIGHT), ("DON'T MISS", RELATED_BLOCK)]
    c = clean_text("\n\n".join([body[0], *(d for d, _ in debris[:5]), body[1], body[2], debris[5][0]]))
    assert _paragraphs(c) == body
    assert [(r.text, r.reason) for r in c.removed] == debris
    c = clean_text("\n\n".join([body[0], "Leggi anche", "Un altro articolo sul porto", body[1] + " " + body[2]]))
    assert [r.reason for r in c.removed] == [RELATED_BLOCK, RELATED_BLOCK]


def test_a_sidebar_of_other_stories_after_the_article_goes_even_when_its_teasers_are_sentences() -> None:
    """PanARMENIAN: "Top stories" then five teasers, each a whole sentence (which ends a related-links block), had
    become the article's last paragraphs. After a header of other stories near the end, short lines go to the end;
    under "Don't miss" the article may go on (Express), and a long paragraph after the header keeps it all."""
    body = [f"The council met on Monday and voted to close the crossing for {n} weeks after the flood, officials "
            f"said, adding that the port would stay open for ships carrying food and fuel." for n in range(2, 6)]
    teasers = ["The assembly voted on Tuesday to recognise the bridge as a heritage site.",
               "A famous actor died on Sunday at the age of 96, a newspaper reports."]
    c = clean_text("\n\n".join([*body, "Top stories", *teasers]))
    assert _paragraphs(c) == body
    assert [(r.text, r.reason) for r in c.removed] == [(t, RELATED_BLOCK) for t in ["Top stories", *teasers]]
    c = clean_text("\n\n".join([*body[:2], "DON'T MISS", "Ferry sinks off the coast", *teasers, *body[2:]]))
    assert _paragraphs(c) == [*body[:2], *teasers, *body[2:]]  # the article goes on under "Don't miss"
    long_tail = " ".join(body)  # one long paragraph after the header: not a sidebar of teasers
    c = clean_text("\n\n".join([*body, "Top stories", teasers[0], long_tail]))
    assert _paragraphs(c) == [*body, teasers[0], long_tail]


def test_a_hard_wrapped_text_gets_its_paragraphs_back() -> None:
    """A wire feed or e-mail wrapped at 60 columns made each line a paragraph: a statement ended at "adding that
    several". Lines wrapped mid-sentence are joined; a headline, a byline, a debris line and a text with one
    sentence a line (PTC's layout) stay as they are, and so do a table's rows."""
    paras = [
        "Gaps are widening between the armed groups trapped in the eastern districts of Aleppo and the coalition "
        "leadership in Idlib, local sources said on Monday, adding that several commanders had called for "
        "defection from the coalition.",
        "The groups in the eastern part of Aleppo have been fighting to remove the siege on the city for weeks, "
        "the sources told reporters, speaking on condition of anonymity.",
    ]
    raw = "Rebels quit coalition\nBy Mara Quill\n\n" + "\n\n".join(textwrap.fill(p, 60) for p in paras)
    c = clean_text(raw + "\nBack to top button")
    assert _paragraphs(c) == ["Rebels quit coalition", "By Mara Quill", *paras]
    assert [r.text for r in c.removed] == ["Back to top button"]
    sentences = "\n".join(f"Sentence {n} of the story ends here with a period." for n in range(8))
    assert clean_text(f"Headline\n\n{sentences}").text.count("\n\n") == 8
    rows = "\n".join(f"{n} | Harbor Daily reporter number {n} | 12 | 5 | 1 | 17" for n in range(8))
    assert _paragraphs(clean_text(f"Standings after the final race of the season\n\n{rows}"))[1:] == rows.split("\n")
