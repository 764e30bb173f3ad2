"""The entity layer: gazetteer places, organisation patterns, one label per name, canonical actor names."""

from __future__ import annotations

import pytest

import newsprobe.core.spans  # noqa: F401  (registers the factories)
from newsprobe.layers.entities.component import _headline_clause, _not_a_person
from newsprobe.layers.entities.gazetteer import display_actor, get_lexicon, norm_key


def run(nlp, text: str, published: str | None = None):
    doc = nlp.make_doc(text)
    doc._.published = published
    return nlp(doc)


def ents(doc) -> dict[str, tuple[str, dict]]:
    return {e.text: (e.label_, e._.attrs) for e in doc.ents}


def covering(doc) -> dict[int, object]:
    return {i: e for e in doc.ents for i in range(e.start, e.end)}


@pytest.fixture(scope="module")
def seed_doc(nlp, seed_path):
    return run(nlp, seed_path.read_text(encoding="utf-8"))


def test_seed_places_are_gpe_everywhere(seed_doc):
    cover = covering(seed_doc)
    aleppo_seen = 0
    for tok in seed_doc:
        if tok.text not in ("Aleppo", "Idlib"):
            continue
        ent = cover.get(tok.i)
        assert ent is not None, f"{tok.text} at {tok.idx} has no entity"
        if ent.text == "the Operation Room for Conquest of Aleppo":
            assert ent.label_ == "ORG"  # a place inside an organisation's name stays inside it
            continue
        assert (ent.text, ent.label_) == (tok.text, "GPE"), (tok.idx, ent.text, ent.label_)
        assert ent._.attrs["canonical"] == tok.text and ent._.attrs["country"] == "SY"
        aleppo_seen += tok.text == "Aleppo"
    assert aleppo_seen >= 10  # including "Western Aleppo", "Aleppo’s", "Aleppo Ready" in the headline


def test_seed_actor_one_canonical(seed_doc):
    cover = covering(seed_doc)
    coalition = [cover.get(t.i) for t in seed_doc if t.text == "Jeish"]
    assert len(coalition) == 9  # the headline and eight mentions in the body
    assert all(e is not None and e.label_ == "ORG" for e in coalition)
    assert {e.text for e in coalition} == {"Jeish al-Fatah", "Jeish Al-Fatah"}
    assert {e._.attrs["canonical"] for e in coalition} == {"Jaish al-Fatah"}
    assert {e._.attrs["source"] for e in coalition} == {"pattern"}


def test_seed_person_org_and_junk(seed_doc):
    found = ents(seed_doc)
    assert found["Abdullah al-Moheisini"][0] == "PERSON"
    assert "Abdullah al-Moheisini’s" not in found
    assert found["the Operation Room for Conquest of Aleppo"][0] == "ORG"
    assert found["The Operation Room"][0] == "ORG"  # the short form of the same room
    cover = covering(seed_doc)
    for tok in seed_doc:
        if tok.text == "Eastern" or "_Test_" in tok.text:
            assert tok.i not in cover, tok.text
    for label, attrs in found.values():
        if label not in ("DATE", "TIME"):
            assert set(attrs) >= {"canonical", "source", "score"}
            assert attrs["source"] in {"ner", "gazetteer", "pattern", "consistency"}
            assert 0 < attrs["score"] < 1


def test_entity_layer_matches_ents_without_dates(seed_doc):
    layer = list(seed_doc.spans["entity"])
    assert layer and all(sp.label_ not in ("DATE", "TIME") for sp in layer)
    assert {(sp.start, sp.end, sp.label_) for sp in layer} == {
        (e.start, e.end, e.label_) for e in seed_doc.ents if e.label_ not in ("DATE", "TIME")
    }


def test_spelling_variants_and_alias_merge(nlp):
    doc = run(
        nlp,
        "Fighters of Jaish al-Fatah entered the town at dawn. Jeish al-Fatah commanders later denied "
        "it, and a spokesman for the Army of Conquest said the alliance would hold.",
    )
    orgs = [e for e in doc.ents if e.label_ == "ORG"]
    assert {e.text for e in orgs} >= {"Jaish al-Fatah", "Jeish al-Fatah"}
    assert any("Army of Conquest" in e.text for e in orgs)
    assert {e._.attrs["canonical"] for e in orgs} == {"Jaish al-Fatah"}


@pytest.mark.parametrize(
    "name",
    [
        "Jabhat al-Nusra",
        "Ahrar al-Sham",
        "Harakat Nour al-Din al-Zenki",
        "Liwa al-Quds",
        "Kata'ib Hezbollah",
        "Hay’at Tahrir al-Sham",
        "Faylaq al-Rahman",
        "Jaysh al-Islam",
    ],
)
def test_organisation_patterns(nlp, name):
    doc = run(nlp, f"Witnesses said {name} moved more fighters to the front line overnight.")
    found = ents(doc)
    assert name in found, [(e.text, e.label_) for e in doc.ents]
    assert found[name][0] == "ORG"


def test_aliases(nlp):
    doc = run(nlp, "Daesh and HTS units clashed, while the Nusra Front stayed out of it.")
    canon = {e.text: e._.attrs["canonical"] for e in doc.ents}
    assert canon["Daesh"] == "Islamic State"
    assert canon["HTS"] == "Hay'at Tahrir al-Sham"
    assert canon["the Nusra Front"] == "Jabhat al-Nusra"


def test_platforms_are_organisations(nlp):
    """The small NER model called "Twitter" a PERSON (36 times on PTC and PolNeAR texts), missed "Facebook" (57
    times) and made "Weibo" a place: where a claim was posted is an organisation. "a telegram" stays a word."""
    doc = run(nlp, "The video was shared on the Twitter handle of the Senate, and Twitter said it would review it. "
                   "The group posted on Telegram and Facebook, and a telegram arrived from the front.")
    labels = [(e.text, e.label_) for e in doc.ents if e.text in ("Twitter", "Telegram", "Facebook", "telegram")]
    assert labels == [("Twitter", "ORG"), ("Twitter", "ORG"), ("Telegram", "ORG"), ("Facebook", "ORG")]


def test_what_a_region_of_a_place_has_is_a_place(nlp):
    """Polygraph: "U.S. forces in southern Syria's al-Tanf" had al-Tanf (a base too small for the gazetteer) as a
    PERSON eight times. After "<direction> <place>'s" a name is a place; "Syria's Assad" stays a person."""
    doc = run(nlp, "U.S. forces in southern Syria’s al-Tanf are accused of blocking refugees. The al-Tanf base "
                   "is small. Syria’s Assad said the base was illegal.")
    found = ents(doc)
    assert found["al-Tanf"][0] == "GPE"
    assert [e.label_ for e in doc.ents if e.text == "al-Tanf"] == ["GPE", "GPE"]
    assert found["Assad"][0] == "PERSON"


def test_gazetteer_city_fixes_ner(nlp):
    # The small model tags "Homs" ORG here; the gazetteer knows it is a Syrian city.
    doc = run(nlp, "Fighters from Raqqa and Homs arrived in Deir ez-Zor.")
    found = ents(doc)
    for name in ("Raqqa", "Homs", "Deir ez-Zor"):
        assert found[name][0] == "GPE", name
        assert found[name][1]["country"] == "SY"
    assert found["Raqqa"][1]["canonical"] == "Ar Raqqah"  # the gazetteer's name merges spellings


def test_possessive_stripped(nlp):
    doc = run(nlp, "Ahrar al-Sham's leaders met in Idlib's countryside.")
    found = ents(doc)
    assert found["Ahrar al-Sham"][0] == "ORG"
    assert found["Idlib"][0] == "GPE"
    assert not any(e.text.endswith(("'s", "’s")) for e in doc.ents)


def test_words_that_are_also_towns_stay_words(nlp):
    doc = run(nlp, "The White House said it would respond to the police report.")
    assert not any(e._.attrs.get("canonical") == "Casablanca" for e in doc.spans["entity"])
    assert not any(e.label_ == "GPE" and e.text.lower() == "police" for e in doc.ents)


def test_surname_takes_the_full_name(nlp):
    doc = run(nlp, "Commander Abdullah al-Moheisini spoke first. Later, Moheisini told the crowd to wait.")
    alone = [e for e in doc.ents if e.text == "Moheisini"]
    assert alone and alone[0].label_ == "PERSON"
    assert alone[0]._.attrs["canonical"] == "Abdullah al-Moheisini"


def test_norm_key_and_display():
    assert norm_key("Jeish Al-Fatah") == norm_key("Jaish al-Fatah") == norm_key("the Jaysh el-Fatah’s")
    assert display_actor("Jeish Al-Fatah") == "Jaish al-Fatah"
    assert display_actor("the Kata’ib Hezbollah") == "Kataib Hezbollah"
    assert display_actor("People's Protection Units") == "People's Protection Units"


def test_lexicon_builds_once():
    get_lexicon.cache_clear()
    lex = get_lexicon()
    assert get_lexicon() is lex
    assert lex.get("Aleppo").label == "GPE" and lex.get("Syria").kind == "country"


def test_component_is_idempotent(nlp, seed_path):
    doc = run(nlp, seed_path.read_text(encoding="utf-8"))
    fixer = nlp.get_pipe("newsprobe/entities")
    before = [(e.start, e.end, e.label_) for e in doc.ents]
    fixer(doc)
    assert [(e.start, e.end, e.label_) for e in doc.ents] == before  # running it again changes nothing


def _persons(doc) -> dict[str, str]:
    return {e.text: e._.attrs["canonical"] for e in doc.spans["entity"] if e.label_ == "PERSON"}


def test_headline_verbs_are_not_names(nlp):
    """Issue 13: a title-case headline made "Trump Warns Clinton" a PERSON and every "Clinton" took that name."""
    doc = run(nlp, "Trump Warns Clinton Over Emails\n\nDonald Trump warned on Monday that Hillary Clinton would face "
                   "more questions. Clinton said she was not worried.")
    people = _persons(doc)
    assert not any("Warns" in t or "Warns" in c for t, c in people.items()), people
    assert people["Clinton"] == "Hillary Clinton" and people["Trump"] == "Donald Trump"
    doc = run(nlp, "Tom Nides Thanked Clinton For Her Service\n\nThe former deputy secretary spoke in New York.")
    people = _persons(doc)
    assert "Tom Nides Thanked Clinton" not in people and "Tom Nides" in people, people


def test_surnames_that_look_like_verbs_stay(nlp):
    doc = run(nlp, "Ben Carson Defends Wife\n\nMichelle Fields said on Tuesday that Jared Kushner and Cheryl Mills "
                   "had called. Fields added nothing.")
    people = _persons(doc)
    assert {"Ben Carson", "Michelle Fields", "Jared Kushner", "Cheryl Mills"} <= set(people), people
    assert "Ben Carson Defends" not in people


def test_agency_before_a_name_is_no_person(nlp):
    doc = run(nlp, "WASHINGTON (Reuters) Clinton said on Tuesday that she would win. Photo: Reuters Clinton speaks "
                   "to supporters.")
    found = {(e.text, e.label_) for e in doc.spans["entity"]}
    assert ("Reuters", "ORG") in found and ("Clinton", "PERSON") in found
    assert not any(t == "Reuters Clinton" or (t == "Reuters" and lab == "PERSON") for t, lab in found), found


def test_epithet_is_not_part_of_the_name(nlp):
    doc = run(nlp, "Hillary Clinton spoke first. He added, “Crooked Hillary has once again been proven to be a "
                   "liar.”")
    people = _persons(doc)
    assert "Crooked Hillary" not in people, people
    assert people.get("Hillary") == "Hillary Clinton"


def test_bracket_debris_is_not_a_name(nlp):
    doc = run(nlp, "Trump praised [Vladimir] Putin on Monday. Vladimir Putin did not reply, and Secretary "
                   "[Hillary] Clinton said nothing.")
    people = _persons(doc)
    assert not any(t.startswith(("Vladimir]", "Hillary]")) for t in people), people
    assert people["[Vladimir] Putin"] == people["Vladimir Putin"] == "Vladimir Putin"
    assert all("[" not in c and "]" not in c for c in people.values())


def test_headline_capitals_make_no_names(nlp):
    """A title-case headline glues ordinary words to names ("Double Standard Clinton And Trump Face"): the names
    are cut out, and none of the headline's spellings becomes the article's name for a person."""
    doc = run(nlp, "Why The Double Standard Clinton And Trump Face Matters.\n\nHillary Clinton spoke in Ohio. Donald "
                   "Trump spoke later, and Clinton answered him.")
    people = _persons(doc)
    assert not any(w in t for t in people for w in ("Standard", "Face")), people
    assert set(people.values()) == {"Hillary Clinton", "Donald Trump"}
    doc = run(nlp, "Clinton Kept Past Health Issues Quiet, Doctor Says.\n\nHillary Clinton saw the doctor in 1998.")
    people = _persons(doc)
    assert set(people) == {"Clinton", "Hillary Clinton"} and set(people.values()) == {"Hillary Clinton"}, people


def test_a_headline_person_cut_out_of_a_name_the_text_gives_is_dropped(nlp):
    """A PTC headline "Judge Orders White House To Restore ..." gave a PERSON "Orders White": a headline span whose
    last word and the next are two words of a name the running text gives to no person is no person."""
    doc = run(nlp, "Court Orders White House To Return Files\n\nA judge on Friday ordered the White House to return "
                   "the files. Judge Ana Ruiz said the White House had ten days.")
    people = _persons(doc)
    assert not any("White" in p for p in people), people
    assert "Ana Ruiz" in people


def test_a_headline_clause_read_as_one_name_is_none_and_its_names_come_back(nlp):
    """A title-case headline of a real page came out as one ORG ("Sweden Drops Its Investigation Into Rape Allegation
    Against Julian Assange"): a headline span holding "Its", "Into", "Says" ... is the headline's clause; the names in
    it are labelled as the running text labels them. A name the text gives in full stays, clause word or not."""
    doc = run(nlp, "Norway Drops Its Inquiry Into Fraud Claim Against Lars Holm\n\nNorway has dropped its inquiry "
                   "into a fraud claim against the banker Lars Holm, prosecutors said. Holm denied the claim.")
    found = {(e.text, e.label_) for e in doc.spans["entity"]}
    assert not any(len(t.split()) >= 4 for t, _ in found), found
    assert [e.label_ for e in doc.spans["entity"] if e.text == "Lars Holm" and e.start < 12] == ["PERSON"], found
    words = "Save Its Rivers Trust".split()
    assert _headline_clause(words, 0, 4, set())
    assert not _headline_clause(words, 0, 4, {tuple(words)})  # the running text names it so
    assert not _headline_clause("Bank Of The West".split(), 0, 4, set())


def test_a_company_that_ner_reads_as_a_person_is_an_organisation(nlp):
    """NER takes "Harlan Coal" for a person (the real-text trial found "Patriot Coal" as a PERSON with 46 mentions);
    a name ending in a company's head word is an ORG, and so is its first word alone once the article has named it."""
    doc = run(nlp, "Harlan Coal said on Monday that it would close two mines. Harlan Coal executives declined to "
                   "comment, and Harlan cut 400 jobs in March.")
    found = {(e.text, e.label_, e._.attrs["canonical"]) for e in doc.ents if "Harlan" in e.text}
    assert ("Harlan Coal", "ORG", "Harlan Coal") in found
    assert all(label == "ORG" and canonical == "Harlan Coal" for _, label, canonical in found)
    # a surname that is also a word stays a person: "Steel" is not a company head word
    doc = run(nlp, "Michael Steel, a spokesman for the speaker, declined to comment.")
    assert ents(doc)["Michael Steel"][0] == "PERSON"


def test_an_acronym_is_not_the_short_form_of_a_longer_name(nlp):
    """A PTC article quoted "CNN Communications" (the network's press office) once and named CNN eleven times: all
    twelve came out as "CNN Communications". An acronym names its organisation itself."""
    doc = run(nlp, "CNN said it would sue. The statement came from CNN Communications on Tuesday, and CNN repeated "
                   "it on air.")
    found = {(e.text, e._.attrs["canonical"]) for e in doc.ents if "CNN" in e.text}
    assert ("CNN", "CNN") in found and ("CNN Communications", "CNN Communications") in found, found
    assert ("CNN", "CNN Communications") not in found


def test_a_pageant_title_is_no_part_of_the_name(nlp):
    doc = run(nlp, "Miss Universe Marisol Vega said the host mocked her weight. Vega said she was hurt.")
    people = {e.text: e._.attrs["canonical"] for e in doc.ents if e.label_ == "PERSON"}
    assert people == {"Marisol Vega": "Marisol Vega", "Vega": "Marisol Vega"}


@pytest.mark.parametrize("name", ["Dick Clark Productions", "Wagner Group", "Prime Media", "Clark Associates"])
def test_a_company_head_word_ends_no_persons_name(name):
    """A BBC page gave "Dick Clark Productions" to a person; production, media and group names are companies."""
    words = name.split()
    assert _not_a_person(words, 0, len(words), set()) == (0, "ORG")
    assert _not_a_person(["Dick", "Clark"], 0, 2, set()) == (0, "PERSON")


def test_a_title_before_a_name_makes_the_name_a_persons(nlp):
    """A PTC article had "Trump" as an ORG 28 times: NER read most bare "Trump"s as an organisation ("the Trump
    administration"), but "President Trump" says whose name it is. Here NER's votes are set by hand: ORG twice,
    PERSON once, after "President"."""
    from newsprobe.layers.entities.component import Mention

    fixer = next(proc for name, proc in nlp.pipeline if name == "newsprobe/entities")
    doc = nlp("President Voss spoke . Voss left . Voss won .")
    words = [t.text for t in doc]
    fixer.headline = set()

    def mentions(first_label: str) -> list:
        out = []
        for start, label in ((1, first_label), (4, "ORG"), (7, "ORG")):
            m = Mention(start, start + 1)
            m.votes[label] += 1.0
            out.append(m)
        return out

    assert {m.label for ms in fixer._vote(doc, words, mentions("PERSON")).values() for m in ms} == {"PERSON"}
    # without NER ever calling it a person, a title word alone decides nothing
    assert {m.label for ms in fixer._vote(doc, words, mentions("ORG")).values() for m in ms} == {"ORG"}


def test_places_armies_enter_and_names_of_provinces_are_places(nlp):
    """Conflict news: NER called "Daraa" (a Syrian city the gazetteer knows) an ORG in "the army entered Daraa" and
    in "Daraa governorate", and "Logar" an ORG after "Logar province". A person's name before "City" stays a
    person's."""
    def labels(text: str) -> set[tuple[str, str]]:
        doc = run(nlp, text)
        return {(e.text, e.label_) for e in doc.spans["entity"]}

    assert labels("The army entered Daraa on Monday.") == {("Daraa", "GPE")}
    assert ("Daraa", "GPE") in labels("Clashes erupted in Daraa governorate.")
    found = labels("The helicopter crashed in Logar province south of Kabul. Fighting in Logar has grown, "
                   "officials said.")
    assert ("Logar", "GPE") in found and ("Logar", "ORG") not in found
    found = labels("Hillary Clinton spoke on Monday. Like Clinton and her allies, he agreed.\nClinton City…")
    assert ("Clinton", "PERSON") in found
