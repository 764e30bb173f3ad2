"""The site's own name comes off titles and outlets, and nothing else does; the headline is found once in the text."""

from __future__ import annotations

import pytest

from newsprobe.core.model import Document
from newsprobe.io.clean import ABOVE_HEADLINE, SECTION, clean_text
from newsprobe.io.prepare import prepare
from newsprobe.io.titles import SITE_NAME, host_label, outlet_name, site_names, strip_site_name

TAGLINE = "Harbor Daily | The port city's own paper"
HARBOR = site_names(TAGLINE, "https://www.harbordaily.com/2024/ferries")


@pytest.mark.parametrize(
    ("title", "outlet", "url", "stripped", "cut"),
    [
        ("Ferry Fares Rise Again | Harbor Daily", "Harbor Daily", None, "Ferry Fares Rise Again", ["Harbor Daily"]),
        ("Ferry Fares Rise Again - HarborDaily.com", None, "https://harbordaily.com/x", "Ferry Fares Rise Again",
         ["HarborDaily.com"]),
        # the site's name with a word of its own after it, and a shortened name
        ("Ferry Fares Rise Again | Harbor Daily: news", "Harbor Daily", None, "Ferry Fares Rise Again",
         ["Harbor Daily: news"]),
        ("Ferry Fares Rise Again | Harbor", "Harbor Daily", None, "Ferry Fares Rise Again", ["Harbor"]),
        # a tagline that is part of the outlet's name, at the end or at the start
        ("Ferry Fares Rise - Harbor Daily - The port city's own paper", "Harbor Daily - The port city's own paper",
         None, "Ferry Fares Rise", ["Harbor Daily - The port city's own paper"]),
        (f"{TAGLINE}: BREAKING: Ferry Fares Rise", TAGLINE, None, "BREAKING: Ferry Fares Rise", [TAGLINE]),
        # glued to the headline, as one state broadcaster's pages are
        ("HarborTV-Ferry Fares Rise Again", None, "https://www.harbortv.ir/Detail/1", "Ferry Fares Rise Again",
         ["HarborTV"]),
        # kept: a section or genre that is not the outlet, a name that only starts a word, a title that is only
        # the name, a longer phrase after the name, any title when the outlet is unknown
        ("Port Data | May Jobs", "Harbor Daily", "https://harbordaily.com/x", "Port Data | May Jobs", []),
        ("The Daily view on ferries | Editorial", "The Daily", None, "The Daily view on ferries | Editorial", []),
        ("Pro-Ferry Campaign Grows", "Pro", None, "Pro-Ferry Campaign Grows", []),
        ("Harbor Daily", "Harbor Daily", None, "Harbor Daily", []),
        ("Ferry Fares Rise - Harbor Daily readers say", "Harbor Daily", None,
         "Ferry Fares Rise - Harbor Daily readers say", []),
        ("Ferry Fares Rise Again | Harbor Daily", None, None, "Ferry Fares Rise Again | Harbor Daily", []),
    ],
)
def test_strip_site_name(title, outlet, url, stripped, cut) -> None:
    assert strip_site_name(title, site_names(outlet, url)) == (stripped, cut)


def test_host_label_and_outlet_name() -> None:
    assert host_label("https://news.harbordaily.co.uk/a") == "harbordaily"
    assert host_label("https://www.harbordaily.com/a") == "harbordaily"
    assert host_label("http://localhost/a") is None
    assert outlet_name(TAGLINE, "https://www.harbordaily.com/x") == "Harbor Daily"
    assert outlet_name(TAGLINE, None) == TAGLINE  # no address to say which part is the name
    assert outlet_name("Autoracing | F1 | Indy", "https://www.speedpages.com/x") == "Autoracing | F1 | Indy"
    assert outlet_name(None, "https://www.harbordaily.com/x") == "harbordaily.com"


BODY = (
    "The harbor council raised ferry fares for the second time this year, citing fuel costs, members said.\n\n"
    "Commuters said the new fares would push them back into their cars.\n"
)


def test_headline_found_below_a_label_and_a_teaser() -> None:
    """A page's text with a topic label above its own headline (curly quotes where the <title> has straight ones),
    under a metadata title carrying the site name: one headline, the label as the section, nothing lost."""
    raw = "ferries\n\nFerry Fares ‘Rise’ Again\n\n" + BODY
    c = clean_text(raw, title="Ferry Fares 'Rise' Again | Harbor Daily", site_names=HARBOR)
    assert c.text == "Ferry Fares ‘Rise’ Again\n\n" + BODY.strip()
    assert (c.title, c.section) == ("Ferry Fares 'Rise' Again", "ferries")
    assert [(r.text, r.reason) for r in c.removed] == [("ferries", SECTION)]
    teaser = "Night mode is a setting that brightens every photo you take in the dark, reviewers found.\n\n"
    c = clean_text(teaser + "Other Phones Now Available\n\nFerry Fares Rise Again\n\n" + BODY,
                   title="Ferry Fares Rise Again")
    assert c.text.split("\n\n")[:2] == ["Ferry Fares Rise Again", BODY.split("\n\n")[0]]
    assert [r.reason for r in c.removed] == [ABOVE_HEADLINE, ABOVE_HEADLINE]


def test_headline_beyond_the_first_lines_is_not_looked_for() -> None:
    raw = "One.\n\nTwo lines of text.\n\nThree.\n\nFerry Fares Rise Again\n\n" + BODY
    c = clean_text(raw, title="Ferry Fares Rise Again")
    assert c.text.startswith("Ferry Fares Rise Again\n\nOne.")
    assert c.removed == []


def test_own_headline_line_loses_the_site_name_and_lists_it() -> None:
    raw = "HarborTV-Ferry Fares Rise Again\n\n" + BODY
    c = clean_text(raw, site_names=site_names(None, "https://www.harbortv.ir/Detail/1"))
    assert (c.title, c.text.split("\n\n")[0]) == ("Ferry Fares Rise Again", "Ferry Fares Rise Again")
    assert [(r.text, r.reason, r.line) for r in c.removed] == [("HarborTV", SITE_NAME, 1)]
    assert clean_text(raw).title == "HarborTV-Ferry Fares Rise Again"  # no outlet known: nothing to go on


def test_prepare_strips_the_outlet_tagline_and_the_title() -> None:
    doc = Document(source="page.html", text=BODY, url="https://www.harbordaily.com/2024/ferries", outlet=TAGLINE,
                   title=f"{TAGLINE}: Ferry Fares Rise Again")
    art = prepare(doc)
    assert (art.outlet, art.title) == ("Harbor Daily", "Ferry Fares Rise Again")
    assert art.text.startswith("Ferry Fares Rise Again\n\n")


def test_a_page_sized_title_is_left_alone_and_fast() -> None:
    """Comparisons over a title's separators are quadratic in its length: a 140,000-character "title" of separators
    (a feed that put the page in its title field) took minutes before a length limit; now it is left as it is."""
    import time

    huge = "word | " * 20_000
    start = time.perf_counter()
    assert strip_site_name(huge, HARBOR) == (huge, [])
    c = clean_text("x y z\n\n" + huge + "\n\n" + BODY, title="a - " * 5_000, site_names=HARBOR)
    assert time.perf_counter() - start < 2.0
    assert BODY.split("\n\n")[0] in c.text


def test_outlet_name_that_names_nothing_gives_way_to_the_address() -> None:
    page = "https://www.harbordaily.com/2019/11/19/story/"
    assert outlet_name("https://www.harbordaily.com", page) == "harbordaily.com"  # one site, not two in a table
    assert outlet_name("https://harbordaily.com/", None) == "harbordaily.com"
    assert outlet_name("Copyright 2014", page) == "harbordaily.com"
    assert outlet_name("© 2019 All rights reserved.", page) == "harbordaily.com"
    assert outlet_name("Copyright 2014", None) is None
    assert outlet_name("Copyright Media Group", page) == "Copyright Media Group"  # a name after the word stays
    assert outlet_name("Hosted", "https://hosted.wire.example/harbor/article/1") == "hosted.wire.example"
    assert outlet_name("News", None) == "News"  # no address to name the site better
