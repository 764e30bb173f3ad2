"""Actors across a corpus, without the pipeline: name forms, alias tables, and which names are one actor (issue 13)."""

from __future__ import annotations

from collections import Counter

import pytest

from newsprobe.core.errors import NewsprobeError
from newsprobe.corpus.actors.aliases import book, builtin_rows, parse_aliases
from newsprobe.corpus.actors.names import first_compatible, fold, org_keys, person_name
from newsprobe.corpus.actors.resolve import NameStat, resolve


def stats(*items: tuple[str, str, int]) -> list[NameStat]:
    return [NameStat(label, name, n, max(1, n // 3), Counter({name: n})) for label, name, n in items]


def actor_of(actors, name: str):
    found = [a for a in actors if any(c == name for _, c in a.names)]
    assert len(found) == 1, (name, [(a.name, a.names) for a in actors])
    return found[0]


# -- name forms --------------------------------------------------------------------------------------------------


def test_person_name_parts():
    p = person_name("Russian President Vladimir V. Putin")
    assert (p.first, p.middles, p.last) == ("vladimir", ("v",), fold("Putin"))
    assert person_name("President Bashar al-Assad").last == person_name("Bashar el-Asad").last
    assert person_name("Bill Clinton").first == person_name("William Clinton").first == "william"
    assert person_name("Donald Trump Jr.").suffix == "jr"
    assert not person_name("Trump").full and person_name("H. Clinton").first_initial


def test_compatible_names():
    def ok(a: str, b: str) -> bool:
        return first_compatible(person_name(a), person_name(b))

    assert ok("Donald J. Trump", "Donald Trump") and ok("Hillary Rodham Clinton", "H. Clinton")
    assert not ok("George W. Bush", "George H. W. Bush")
    assert not ok("Hillary Clinton", "Bill Clinton") and not ok("Donald Trump", "Donald Trump Jr.")


def test_transliteration_folds_vowels_not_consonants():
    assert fold("Qaeda") == fold("Qaida") and fold("Moheisini") == fold("Muhaysini") and fold("Assad") == fold("Asad")
    assert len({fold("Brown"), fold("Bryan"), fold("Bernie")}) == 3
    assert org_keys("Jeish al-Fatah")[0] == org_keys("Jaysh el-Fath")[0]
    assert org_keys("Hezbollah")[1] == org_keys("Hizbullah")[1]
    assert org_keys("Jund al-Aqsa")[1] != org_keys("Jaish al-Aqsa")[1]


# -- alias tables --------------------------------------------------------------------------------------------------


def test_user_alias_file_format_and_errors():
    rows = parse_aliases("# comment\n\nJaish al-Fatah\tORG\tAoC|Conquest Army\nTrump\tPERSON\n", "mine.tsv")
    assert [(r.canonical, r.label, r.names) for r in rows] == [
        ("Jaish al-Fatah", "ORG", ("Jaish al-Fatah", "AoC", "Conquest Army")), ("Trump", "PERSON", ("Trump",))]
    with pytest.raises(NewsprobeError, match=r"mine.tsv:2: unknown type 'ARMY'"):
        parse_aliases("X\tORG\nY\tARMY\n", "mine.tsv")
    with pytest.raises(NewsprobeError, match=r"mine.tsv:2: 'AoC' is already listed at mine.tsv:1"):
        parse_aliases("A\tORG\tAoC\nB\tORG\tAoC\n", "mine.tsv")
    with pytest.raises(NewsprobeError, match="tab-separated"):
        parse_aliases("A\tORG\tx\ty\n", "mine.tsv")


def test_seed_tables_are_there_and_licensed():
    from importlib import resources

    origins = Counter(r.origin for r in builtin_rows())
    assert origins["entities"] >= 10 and origins["phoenix"] >= 1000
    folder = resources.files("newsprobe.corpus.actors")
    head = folder.joinpath("phoenix_aliases.tsv").read_text(encoding="utf-8")[:2000]
    assert "# The MIT License (MIT)" in head and "# Copyright (c) 2014 Open Event Data" in head
    b = book()
    assert b.find("Army of Conquest", "ORG").canonical == "Jaish al-Fatah"
    assert b.find("Hizballah", "ORG").canonical == "Hezbollah"
    assert b.find("Binyamin Netanyahu", "PERSON").canonical == "Benjamin Netanyahu"


def test_user_rows_win_over_the_seed():
    b = book("Jaish al-Fatah\tORG\tJAF\nConquest Army\tORG\tArmy of Conquest\n", "mine.tsv")
    assert b.find("Army of Conquest", "ORG").origin == "user"
    assert b.find("Army of Conquest", "ORG").canonical == "Conquest Army"
    assert b.find("JAF", "ORG").canonical == "Jaish al-Fatah"


# -- resolution -------------------------------------------------------------------------------------------------------


def test_spellings_translations_and_transliterations_are_one_actor():
    actors, ids = resolve(stats(("ORG", "Jaish al-Fatah", 40), ("ORG", "Jeish Al-Fatah", 9),
                                ("ORG", "Jaysh al-Fath", 3), ("ORG", "Army of Conquest", 5), ("ORG", "Hezbollah", 6),
                                ("ORG", "Hizbullah", 2), ("ORG", "Fatah", 4)), book())
    fatah = actor_of(actors, "Army of Conquest")
    assert fatah.name == "Jaish al-Fatah" and len(fatah.names) == 4
    assert ids[("ORG", "Jeish Al-Fatah")] == ids[("ORG", "Jaysh al-Fath")] == fatah.id
    assert actor_of(actors, "Hizbullah").name == "Hezbollah"
    assert actor_of(actors, "Fatah").id != fatah.id  # the Palestinian movement is another actor
    assert any("Army of Conquest" in e for e in fatah.evidence)


def test_family_name_alone_goes_to_the_one_person_or_stays_ambiguous():
    actors, ids = resolve(stats(("PERSON", "Donald Trump", 100), ("PERSON", "Donald J. Trump", 20),
                                ("PERSON", "Trump", 30), ("PERSON", "Ivanka Trump", 5),
                                ("PERSON", "Barack Obama", 60), ("PERSON", "Michelle Obama", 30),
                                ("PERSON", "Obama", 25), ("PERSON", "Moheisini", 2),
                                ("PERSON", "Abdullah al-Muhaysini", 3)), book())
    trump = actor_of(actors, "Donald J. Trump")
    assert ids[("PERSON", "Trump")] == ids[("PERSON", "Donald Trump")] == trump.id  # 96% of the Trumps
    assert actor_of(actors, "Ivanka Trump").id != trump.id
    obama = actor_of(actors, "Obama")  # 67% Barack: no evidence, so it stays apart and says so
    assert obama.id not in (ids[("PERSON", "Barack Obama")], ids[("PERSON", "Michelle Obama")])
    assert obama.ambiguous == ["Barack Obama", "Michelle Obama"]
    assert ids[("PERSON", "Moheisini")] == ids[("PERSON", "Abdullah al-Muhaysini")]


def test_a_shared_title_is_evidence():
    titles = {("PERSON", "Obama"): Counter({"president": 9}), ("PERSON", "Barack Obama"): Counter({"president": 20}),
              ("PERSON", "Michelle Obama"): Counter({"first lady": 8})}
    actors, ids = resolve(stats(("PERSON", "Barack Obama", 60), ("PERSON", "Michelle Obama", 30),
                                ("PERSON", "Obama", 25)), book(), titles=titles)
    assert ids[("PERSON", "Obama")] == ids[("PERSON", "Barack Obama")]
    assert any("'president'" in e for e in actor_of(actors, "Obama").evidence)


def test_people_who_share_a_surname_are_never_merged():
    actors, ids = resolve(stats(("PERSON", "George W. Bush", 10), ("PERSON", "George H. W. Bush", 8),
                                ("PERSON", "George Bush", 3), ("PERSON", "Hillary Clinton", 50),
                                ("PERSON", "Bill Clinton", 20), ("PERSON", "William Clinton", 2),
                                ("PERSON", "Donald Trump Jr.", 4), ("PERSON", "Donald Trump", 50)), book())
    assert len({ids[("PERSON", n)] for n in ("George W. Bush", "George H. W. Bush", "George Bush")}) == 3
    assert ids[("PERSON", "Bill Clinton")] == ids[("PERSON", "William Clinton")] != ids[("PERSON", "Hillary Clinton")]
    assert ids[("PERSON", "Donald Trump Jr.")] != ids[("PERSON", "Donald Trump")]


def test_user_file_always_wins():
    user = "Trump\tPERSON\nBarack Obama\tPERSON\tObama\nJaish al-Fatah\tORG\nArmy of Conquest\tORG\n"
    actors, ids = resolve(stats(("PERSON", "Donald Trump", 100), ("PERSON", "Trump", 30),
                                ("PERSON", "Barack Obama", 60), ("PERSON", "Michelle Obama", 30),
                                ("PERSON", "Obama", 25), ("ORG", "Jaish al-Fatah", 10), ("ORG", "Army of Conquest", 4)),
                          book(user, "mine.tsv"))
    assert ids[("PERSON", "Trump")] != ids[("PERSON", "Donald Trump")]  # kept apart, as the file says
    assert ids[("PERSON", "Obama")] == ids[("PERSON", "Barack Obama")]
    assert ids[("ORG", "Army of Conquest")] != ids[("ORG", "Jaish al-Fatah")]  # the seed says one, the user two
    assert actor_of(actors, "Obama").origin == "user"


def test_type_conflicts_and_acronyms():
    pairs = Counter({(("ORG", "National Salvation Front"), ("ORG", "NSF")): 2})
    actors, ids = resolve(stats(("PERSON", "Twitter", 2), ("ORG", "Twitter", 12),
                                ("ORG", "National Salvation Front", 5), ("ORG", "NSF", 7), ("ORG", "NSA", 3)),
                          book(), pairs)
    twitter = actor_of(actors, "Twitter")
    assert twitter.label == "ORG" and ids[("PERSON", "Twitter")] == ids[("ORG", "Twitter")]
    assert ids[("ORG", "NSF")] == ids[("ORG", "National Salvation Front")] != ids[("ORG", "NSA")]


def test_organisations_by_transliteration_dots_initials_short_form_and_translation():
    actors, ids = resolve(stats(
        ("ORG", "Hezbollah", 20), ("ORG", "Hizballah", 3), ("ORG", "Hizbollah", 1),  # vowels of a transliteration
        ("ORG", "Ahrar al-Sham", 9), ("ORG", "Ahrar ash-Sham", 2),  # the article assimilated: ash-Sham
        ("ORG", "United Nations", 10), ("ORG", "UN", 8), ("ORG", "U.N.", 4),  # dots, and the one name so initialled
        ("ORG", "Democratic National Committee", 5), ("ORG", "DNC", 7),
        ("ORG", "Operation Room for Conquest of Aleppo", 3), ("ORG", "The Operation Room", 2),  # its short form
        ("ORG", "Jaish al-Islam", 5), ("ORG", "Army of Islam", 2),  # Arabic and English
        ("ORG", "Jund al-Aqsa", 3), ("ORG", "Jaish al-Aqsa", 2),
        ("ORG", "Party of God", 2), ("ORG", "Ansar Allah", 4), ("ORG", "Party of Allah's Supporters", 1)), book())
    # "Party of God": "Hizb Allah", which "Hezbollah" writes as one word, in English
    one = [("Hezbollah", "Hizballah", "Hizbollah", "Party of God"), ("Ahrar al-Sham", "Ahrar ash-Sham"),
           ("United Nations", "UN", "U.N."), ("Democratic National Committee", "DNC"),
           ("Operation Room for Conquest of Aleppo", "The Operation Room"), ("Jaish al-Islam", "Army of Islam")]
    for names in one:
        assert len({ids[("ORG", n)] for n in names}) == 1, names
    assert len({ids[("ORG", names[0])] for names in one}) == len(one)
    assert ids[("ORG", "Jund al-Aqsa")] != ids[("ORG", "Jaish al-Aqsa")]  # consonants differ: two groups
    assert ids[("ORG", "Ansar Allah")] != ids[("ORG", "Party of God")]  # "Allah" alone makes no translation
    assert ids[("ORG", "Party of Allah's Supporters")] != ids[("ORG", "Hezbollah")]
    assert any("initials of 'Democratic National Committee'" in e for e in actor_of(actors, "DNC").evidence)
    assert any("the beginning of" in e for e in actor_of(actors, "The Operation Room").evidence)


def test_organisations_stay_apart_when_the_corpus_gives_two_candidates():
    _, ids = resolve(stats(
        ("ORG", "National Democratic Congress", 5), ("ORG", "National Defence Council", 4), ("ORG", "NDC", 6),
        ("ORG", "Military Council for Idlib", 3), ("ORG", "Military Council of Aleppo", 3),
        ("ORG", "the Military Council", 4),
        ("ORG", "Labour Party", 5), ("ORG", "Party of Labour", 2)), book())
    assert len({ids[("ORG", n)] for n in ("National Democratic Congress", "National Defence Council", "NDC")}) == 3
    assert len({ids[("ORG", n)] for n in ("Military Council for Idlib", "Military Council of Aleppo",
                                          "the Military Council")}) == 3
    assert ids[("ORG", "Labour Party")] != ids[("ORG", "Party of Labour")]  # two English names: maybe two parties


def test_given_name_syllables_and_a_family_name_shared_without_evidence():
    """ "Kim Jong-un" is "Kim Jong Un", not "Kim Jong-il"; a family name alone that 82% of the mentions would give to
    one person stays apart without other evidence (a second person of that name is in the corpus), and goes to him
    with the titles written with it."""
    people = stats(("PERSON", "Kim Jong Un", 4), ("PERSON", "Kim Jong-un", 2), ("PERSON", "Kim Jong-il", 3),
                   ("PERSON", "Barack Obama", 92), ("PERSON", "Michelle Obama", 20), ("PERSON", "Obama", 120))
    _, ids = resolve(people, book())
    assert ids[("PERSON", "Kim Jong Un")] == ids[("PERSON", "Kim Jong-un")] != ids[("PERSON", "Kim Jong-il")]
    assert ids[("PERSON", "Obama")] not in (ids[("PERSON", "Barack Obama")], ids[("PERSON", "Michelle Obama")])
    titles = {("PERSON", "Obama"): Counter({"president": 45}), ("PERSON", "Barack Obama"): Counter({"president": 60}),
              ("PERSON", "Michelle Obama"): Counter({"first lady": 10})}
    _, ids = resolve(people, book(), titles=titles)
    assert ids[("PERSON", "Obama")] == ids[("PERSON", "Barack Obama")] != ids[("PERSON", "Michelle Obama")]
