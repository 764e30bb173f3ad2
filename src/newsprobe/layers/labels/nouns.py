"""Word classes the label rules and the framing tables need: which nouns can name a person or a group, which say only
what position someone holds (a role) or what kind of body something is (a category), and which name a part played
in an event rather than what the actor is.

Why: a label is what a text says an actor *is*. The parser hangs a thing or an event on a name as often as a
description ("her 2003 book, Living History"; "you have Trump, the big debate"), so where the parse is least sure
(appositives, nouns before a name) the noun must be one that can name a person, for a person, or a group, for a group.
And a framing table compares how outlets *characterise* an actor: "representative" and "coalition" say what office
or kind of body it is and are the same in every outlet, so they are kept as labels (the guideline counts them) but
classed `role` or `category`, and the framing tables leave them out unless asked.

The lists are closed classes written for newsprobe (offices, kinship, generic group words); open classes are caught
by their endings (agent nouns: "-er", "-ist", "-ian", "-ee", "-man", ...).
"""

from __future__ import annotations

import re

# Offices, titles, positions, occupations, kinship: what someone's position is, not what a text makes of them.
ROLE_NOUNS = frozenset(
    """president vice-president minister secretary nominee candidate senator congressman congresswoman lawmaker
    legislator representative delegate governor mayor councillor councilman councilwoman spokesman spokeswoman
    spokesperson chairman chairwoman chair chief head director manager executive ceo founder co-founder owner
    president-elect premier chancellor king queen prince princess emir sultan sheikh monarch ambassador envoy
    diplomat consul commissioner general admiral commander colonel lieutenant major captain sergeant corporal
    officer soldier trooper marshal judge justice attorney lawyer prosecutor sheriff deputy official aide adviser
    advisor counselor counsellor consultant strategist staffer surrogate assistant member leader host co-host anchor
    presenter correspondent reporter journalist editor columnist commentator analyst economist scientist researcher
    professor teacher student doctor physician surgeon nurse cleric imam priest bishop cardinal pope rabbi pastor
    preacher mufti mofti mullah ayatollah businessman businesswoman entrepreneur investor
    banker developer donor fundraiser organizer organiser campaigner volunteer employee worker driver pilot
    wife husband spouse father mother son daughter brother sister uncle aunt cousin nephew niece grandfather
    grandmother grandson granddaughter parent child widow widower fiancé fiancée partner friend colleague
    predecessor successor incumbent challenger opponent rival running-mate mate resident citizen voter
    democrat republican libertarian independent speaker pollster front-runner frontrunner co-chair cofounder
    publisher producer writer author actor singer
    comedian athlete coach player historian lobbyist attorney-general governor-general secretary-general
    gen lt col maj capt sgt adm cmdr sen rep gov rev brig cpl pvt dr""".split()
)
# Words for a body that say what kind of body it is and nothing else.
CATEGORY_NOUNS = frozenset(
    """group organization organisation coalition alliance movement network body bloc umbrella federation
    confederation association union party committee council commission fund agency company firm corporation
    business newspaper paper outlet channel broadcaster station network institution entity department ministry
    office bureau service administration government team club foundation institute authority board
    manufacturer maker automaker carmaker retailer insurer lender bank provider operator supplier producer
    subsidiary conglomerate chain brand publication magazine website platform""".split()
)
# Nouns that name a part played in an event or a discourse ("the subject of", "a target of"), not what anyone is.
EVENT_ROLE_NOUNS = frozenset(
    "subject target object focus topic centre center theme recipient source cause part butt matter".split()
)
# Generic words for people.
PERSON_WORDS = frozenset(
    """man woman men women guy person people kid boy girl lady gentleman figure star icon hero heroine villain
    victim champion winner loser veteran expert critic fanatic cynic lunatic heretic crook thug liar fraud idiot
    genius patriot traitor puppet disgrace hypocrite coward bully clown kid individual""".split()
)
# Modifiers that leave a role or a category neutral: time, rank, party, domain ("former President", "Democratic
# presidential nominee", "campaign manager", "state news agency").
NEUTRAL_MODIFIERS = frozenset(
    """former current then late retired acting interim incoming outgoing longtime long-time top senior junior chief
    deputy vice assistant associate executive general first second third lead co new old founding presidential
    vice-presidential political democratic republican libertarian independent green democrat republicans campaign
    police state news foreign defense defence justice finance health treasury prime casino hedge-fund real-estate
    estate oil tech media business television tv radio talk show party labor labour city county federal national
    international regional local army air force navy military intelligence security economic policy press debate
    white house congressional parliamentary opposition government ruling official public private
    elected appointed designated nominated umbrella likely presumptive presumed possible potential prospective
    would-be communications only other sole""".split()
)
_AGENT = re.compile(r"(?:er|or|ist|ian|ant|ent|ee|eer|man|woman|men|women|person|crat|phobe|ite|ard|ic)s?$")
_NOT_AGENT = frozenset(
    """number order paper water matter letter error center border factor sector power mirror offer answer corner
    weather ledger charter quarter monster tower winter summer cancer filter layer chapter honor honour labor
    labour color colour favor favour humor humour rumor rumour vapor major minor event percent content intent
    extent comment moment statement document element talent incident accident agreement argument government
    department movement management environment parliament treatment debate music topic traffic logic clinic
    panic public republic epic""".split()
)


def singular(word: str) -> str:
    from newsprobe.layers.labels.terms import singular as s

    return s(word)


def _base(word: str) -> str:
    """A word as the lists have it: lower case, no trailing dot ("Gen." is "gen")."""
    return word.lower().rstrip(".")


def person_noun(word: str) -> bool:
    """Whether a noun can name a person (or people): a role, a generic word for people, a word the label rules already
    know for people, or an agent noun by its ending ("developer", "economist", "nominee", "chairman")."""
    w = _base(word)
    from newsprobe.layers.labels.rules import PEOPLE_NOUNS, PERSON_NOUNS

    forms = {w, singular(w), w.rsplit("-", 1)[-1], singular(w.rsplit("-", 1)[-1])}
    if forms & (ROLE_NOUNS | PERSON_WORDS | PEOPLE_NOUNS | PERSON_NOUNS):
        return True
    last = singular(w.rsplit("-", 1)[-1])
    return len(last) > 4 and last not in _NOT_AGENT and bool(_AGENT.search(last))


def group_noun(word: str) -> bool:
    """Whether a noun can name a group or a body (or its people: "militants", "fighters"). The lists only: an
    organisation's name after an unknown noun is as often a product's ("the painkiller OxyContin")."""
    w = _base(word)
    from newsprobe.layers.labels.rules import GROUP_NOUNS, PEOPLE_NOUNS

    forms = {w, singular(w), w.rsplit("-", 1)[-1], singular(w.rsplit("-", 1)[-1])}
    return bool(forms & (GROUP_NOUNS | CATEGORY_NOUNS | PEOPLE_NOUNS | ROLE_NOUNS | PERSON_WORDS))


def event_role(word: str) -> bool:
    return singular(_base(word)) in EVENT_ROLE_NOUNS


_WORDS = re.compile(r"[\w'’.-]+")


def label_class(term: str, neutral: frozenset[str] = frozenset()) -> str:
    """`role`, `category` or `characterising` for a label phrase (lower case, as the layer's `term`). A role is an
    office, position or kinship noun with neutral modifiers only ("russian president", "democratic presidential
    nominee", "representative"); a category, a generic word for a body with neutral modifiers ("coalition", "the
    union"); anything else characterises ("terrorist groups", "superior candidate", "coalition of islamist rebel
    groups"). `neutral`: words of the phrase known to be neutral where it was found (names of places, parties and
    nationalities; nouns of a domain, "police" in "police officer")."""
    words = [w.lower() for w in _WORDS.findall(term.replace("“", " ").replace("”", " "))]
    words = [w for w in words if w not in ("the", "a", "an", "-")]
    if not words:
        return "characterising"
    cut = words.index("of") if "of" in words[1:] else len(words)
    head_part, rest = words[:cut], words[cut + 1:]
    head = singular(head_part[-1].rstrip("."))
    if head in ROLE_NOUNS or head.rsplit("-", 1)[-1] in ROLE_NOUNS:
        cls = "role"
        rest = []  # "representative of 22 militant groups": whose representative, not what it is
    elif head in CATEGORY_NOUNS:
        cls = "category"
    else:
        return "characterising"
    neutral = frozenset(w.rstrip(".") for w in neutral)

    def plain(w: str) -> bool:
        w = w.rstrip(".")
        return (w in neutral or w in NEUTRAL_MODIFIERS or singular(w) in ROLE_NOUNS or singular(w) in CATEGORY_NOUNS
                or w in ("and", "&", "in", "for", ""))

    for w in head_part[:-1] + rest:
        if not (plain(w) or all(plain(p) for p in w.split("-"))):  # "then-arkansas"
            return "characterising"
    return cls

