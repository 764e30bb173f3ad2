"""Name forms across articles: the parts of a person's name, and spelling keys for organisations.

The entity layer already merges the spellings one article uses (`name_key`: case, apostrophes, al-/el-, Jeish/Jaish).
Across a corpus more varies: titles ("President Vladimir Putin"), middle initials ("Donald J. Trump"), nicknames
("Bill Clinton" / "William Clinton"), vowels of transliterations ("Hizbullah" / "Hezbollah"). This module turns a
name into what can be compared; `resolve.py` decides what is merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsprobe.layers.entities import name_key

# Words before a name that say what the person is, not who (cut before comparing; the labels layer keeps them).
TITLES = frozenset(
    """mr mrs ms miss mx dr prof sir dame lord lady sheikh shaikh sheik imam mullah ayatollah president vice prime
    minister premier chancellor king queen prince princess emir crown sen senator rep representative gov governor
    mayor secretary gen general lt col colonel maj major capt captain adm admiral sgt cmdr commander brig
    brigadier field marshal judge justice attorney pope rev reverend father bishop cardinal chairman chairwoman
    ambassador speaker leader chief deputy former late first former-president then state foreign defense defence
    interior us u.s. russian syrian iranian american british french turkish saudi israeli chinese""".split()
)
SUFFIXES = frozenset("jr jr. sr sr. ii iii iv phd md".split())
PARTICLES = frozenset(
    "al el ul ad ash as at az ar an bin ibn bint abu abd abdul de del der di da du la le van von".split()
)
# English given names and their usual short forms: "Bill Clinton" is "William Clinton" (not "Hillary Clinton").
NICKNAMES = {
    "bill": "william", "billy": "william", "will": "william", "willie": "william", "liz": "elizabeth",
    "beth": "elizabeth", "betty": "elizabeth", "bob": "robert", "bobby": "robert", "rob": "robert",
    "robbie": "robert", "mike": "michael", "mick": "michael", "jim": "james", "jimmy": "james", "jamie": "james",
    "joe": "joseph", "joey": "joseph", "tom": "thomas", "tommy": "thomas", "ted": "edward", "ed": "edward",
    "eddie": "edward", "dick": "richard", "rick": "richard", "rich": "richard", "dan": "daniel", "danny": "daniel",
    "dave": "david", "steve": "steven", "stephen": "steven", "chris": "christopher", "tony": "anthony",
    "andy": "andrew", "drew": "andrew", "nick": "nicholas", "pat": "patrick", "matt": "matthew", "sam": "samuel",
    "ben": "benjamin", "alex": "alexander", "al": "albert", "fred": "frederick", "greg": "gregory", "jeff":
    "jeffrey", "geoff": "jeffrey", "jerry": "gerald", "larry": "lawrence", "ron": "ronald", "don": "donald",
    "chuck": "charles", "charlie": "charles", "hank": "henry", "harry": "henry", "jack": "john", "johnny": "john",
    "kate": "katherine", "kathy": "katherine", "katie": "katherine", "cathy": "catherine", "sue": "susan",
    "meg": "margaret", "peggy": "margaret", "maggie": "margaret", "jenny": "jennifer", "jen": "jennifer",
    "vlad": "vladimir", "mohamed": "mohammed", "muhammad": "mohammed", "mohammad": "mohammed",
    "muhammed": "mohammed", "ahmad": "ahmed", "hasan": "hassan", "husain": "hussein", "hussain": "hussein",
    "abdallah": "abdullah", "yasser": "yasir", "osama": "usama",
}
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


@dataclass(frozen=True)
class PersonName:
    """A person's name as compared across articles: given name, middle names or initials, family name."""

    first: str | None  # normalised given name ("william" for "Bill"); None for a family name alone
    first_initial: bool  # "J. Smith": only the initial is known
    middles: tuple[str, ...]  # initials of the middle names
    last: str  # family-name key ("assad" for "al-Assad", "el-Assad", "Assad")
    suffix: str = ""  # "jr", "sr", "ii": "Donald Trump Jr." is not "Donald Trump"

    @property
    def full(self) -> bool:
        return self.first is not None


def person_name(name: str) -> PersonName | None:
    """The parts of a person's name, titles and suffixes cut ("President Bashar al-Assad" -> bashar / assad). None for
    something with no word in it."""
    words = [w for w in _WORD.findall(name.replace("[", " ").replace("]", " "))]
    # "Kim Jong-un" is "Kim Jong Un": a part after a hyphen in lower case is a syllable of a given name, not a family
    # name joined to another ("Wasserman-Schultz", "al-Assad" keep theirs)
    words = [part for w in words for part in (w.split("-") if _syllables(w) else [w])]
    words = [w.rstrip(".,").rstrip("'’") or w for w in words]
    while len(words) > 1 and (words[0].lower() in TITLES or words[0].lower().rstrip(".") in TITLES
                              or words[0].lower() == "the"):
        words = words[1:]
    suffix = ""
    while len(words) > 1 and words[-1].lower() in SUFFIXES | {s.rstrip(".") for s in SUFFIXES}:
        suffix = suffix or words[-1].lower().rstrip(".")
        words = words[:-1]
    if not words:
        return None
    # the family name with its particles: "al-Assad", "bin Laden", "van Gogh"
    last_start = len(words) - 1
    while last_start > 1 and _particle(words[last_start - 1]):
        last_start -= 1
    last = _last_key(" ".join(words[last_start:]))
    given = words[:last_start]
    if not given:
        return PersonName(None, False, (), last, suffix)
    first = given[0]
    initial = len(first.rstrip(".")) == 1
    first_key = first.rstrip(".").lower()
    first_key = NICKNAMES.get(first_key, first_key)
    middles = tuple(w.rstrip(".").lower()[:1] for w in given[1:] if w.rstrip("."))
    return PersonName(first_key, initial, middles, last, suffix)


def _syllables(word: str) -> bool:
    parts = word.split("-")
    return len(parts) == 2 and parts[0][:1].isupper() and parts[1][:1].islower() and parts[0].lower() not in PARTICLES


def _particle(word: str) -> bool:
    w = word.lower().rstrip("-")
    return w in PARTICLES or (w.endswith("-") and w[:-1] in PARTICLES)


def _last_key(text: str) -> str:
    """A family name's key: the entity layer's key, Arabic article and particles dropped, vowels of transliteration
    folded ("al-Assad", "el-Asad", "Assad" -> one key)."""
    key = name_key(text)
    words = [w for w in re.split(r"[\s-]+", key) if w and w not in PARTICLES]
    return " ".join(fold(w) for w in words) or key


def first_compatible(a: PersonName, b: PersonName) -> bool:
    """Whether two full names can be one person: same family name, the same given name (or its initial, or a
    nickname of it), and no middle initials that differ ("George W. Bush" is not "George H. W. Bush")."""
    if a.last != b.last or a.first is None or b.first is None or a.suffix != b.suffix:
        return False
    if a.first_initial or b.first_initial:
        if a.first[:1] != b.first[:1]:
            return False
    elif a.first != b.first and not (min(len(a.first), len(b.first)) >= 5 and fold(a.first) == fold(b.first)):
        return False
    if a.middles and b.middles and a.middles != b.middles:
        return False
    return True


_TRANSLIT = (("ph", "f"), ("ck", "k"), ("q", "k"), ("kh", "k"), ("gh", "g"), ("dh", "d"), ("ou", "u"), ("oo", "u"),
             ("ee", "i"), ("ae", "i"), ("ai", "i"), ("ay", "i"), ("ei", "i"), ("ey", "i"), ("e", "i"), ("o", "u"),
             ("y", "i"))


def skeleton(word: str) -> str:
    """A transliteration-blind form of one word: vowels folded to three classes (e/i/y, o/u, a), q/k, kh/k, ph/f,
    dh/d, diphthongs, doubled letters single, a final h dropped ("al-Asad" / "Assad", "Qaeda" / "Qaida", "Moheisini" /
    "Muhaysini", "Nusrah" / "Nusra"). Consonants are kept, so "Brown", "Bryan" and "Bernie" stay apart. Used to
    compare, never shown."""
    w = word.lower().replace("'", "").replace("’", "")
    for a, b in _TRANSLIT:
        w = w.replace(a, b)
    out: list[str] = []
    for ch in w:
        if not out or out[-1] != ch:
            out.append(ch)
    s = "".join(out)
    if len(s) > 3 and s.endswith("h") and s[-2] in "aiu":
        s = s[:-1]
    return s


def fold(word: str) -> str:
    """`skeleton` of a word of three letters or more; shorter words as they are."""
    return skeleton(word) if len(word) >= 3 else word.lower()


def org_keys(name: str) -> tuple[str, str]:
    """(key, loose key) of an organisation's name. The key is the entity layer's; the loose key also drops the Arabic
    article in all its spellings ("al-", "el-", and assimilated to the next word: "ash-Sham", "an-Nusra", "ad-Dawla")
    and folds each word's transliteration with its vowels all one (`org_fold`: "Hizballah" / "Hezbollah" /
    "Hizbullah"), for spellings the entity layer does not know. Two names share a loose key only when every word does
    and every consonant agrees, so "Jund al-Aqsa" and "Jaish al-Aqsa" stay apart."""
    key = name_key(name)
    words = [w for w in re.split(r"[\s-]+", key) if w]
    kept = [w for i, w in enumerate(words) if w not in ("al", "el", "the") and not _sun_article(w, words[i + 1:])]
    return key, " ".join(org_fold(w) for w in kept)


def _sun_article(word: str, rest: list[str]) -> bool:
    """ "ash" before "sham", "an" before "nusra": the article written as the next word's first consonant sounds."""
    return (len(word) in (2, 3) and word[0] in "ae" and bool(rest) and rest[0].startswith(word[1:])
            and word[1] not in "aeiou")


def org_fold(word: str) -> str:
    """`fold` with the three vowel classes made one: Arabic short vowels are written a, e, i, o or u by different
    transliterations ("Hizballah", "Hezbollah"); consonants decide. Short words as they are."""
    f = fold(word)
    if len(word) < 3:
        return f
    return re.sub(r"[aiu]+", "a", f)


_DOTTED = re.compile(r"^(?:[A-Za-z]\.){2,}$")


def acronym_key(name: str) -> str:
    """The letters of an acronym, dots or none ("U.N." and "UN" -> "UN"); "" for a name that is no acronym (two to
    six capitals, or capitals each followed by a dot)."""
    text = name.strip()
    if text.lower().startswith("the "):
        text = text[4:].strip()
    if _DOTTED.match(text) and text.replace(".", "").isupper():
        return text.replace(".", "")
    return text if text.isalpha() and text.isupper() and 2 <= len(text) <= 6 else ""


def acronym(name: str) -> str:
    """Initials of an organisation's name ("Syrian Democratic Forces" -> "SDF"); "" when it has fewer than two."""
    words = [w for w in re.split(r"[\s-]+", name) if w and w[:1].isupper() and w.lower() not in ("al", "el")]
    return "".join(w[0] for w in words).upper() if len(words) >= 2 else ""


# Arabic words that head an organisation's name, and how English names the same kind of body: "Jaish al-Islam" is
# "Army of Islam", "Jabhat al-Nusra" the "Nusra Front".
ARABIC_HEADS = {
    "jaish": "army", "jaysh": "army", "jeish": "army", "jabhat": "front", "jabha": "front", "harakat": "movement",
    "haraka": "movement", "liwa": "brigade", "liwaa": "brigade", "katibat": "battalion", "katiba": "battalion",
    "hizb": "party", "majlis": "council", "tanzim": "organization", "jamaat": "group", "jamaa": "group",
}
_ENGLISH_HEADS = frozenset(ARABIC_HEADS.values())
_ARTICLES = frozenset("al el ul".split())
# "Allah" closing a name is "God" in its English form ("Hizb Allah", "Party of God"); "Hezbollah" and its spellings
# are "Hizb Allah" written as one word.
_GOD = frozenset({"allah", "ullah", "ollah"})
_FUSED_HIZB = re.compile(r"^h[ie]zb[aou]ll?ah$")


def translation_keys(name: str) -> tuple[str, str]:
    """(key of an Arabic name, key of an English name) under which "Jaish al-Islam" and "Army of Islam" (or "Islam
    Army") meet: the head word in English and the rest folded ("army|aslam"). Either is "" when the name has no such
    form. Only an Arabic name and an English one are compared, never two English ones ("Labour Party" and "Party of
    Labour" may be two parties)."""
    words = [w for w in re.split(r"[\s-]+", name_key(name)) if w and w != "the"]
    arabic = english = ""
    if len(words) == 1 and _FUSED_HIZB.match(words[0]):
        words = ["hizb", "allah"]
    if len(words) == 2 and words[0] in ARABIC_HEADS and words[1] in _GOD:
        return ARABIC_HEADS[words[0]] + "|" + org_fold("god"), ""
    if len(words) >= 3 and words[0] in ARABIC_HEADS and (words[1] in _ARTICLES or _sun_article(words[1], words[2:])):
        rest = [w for i, w in enumerate(words[2:], 2) if w not in _ARTICLES and not _sun_article(w, words[i + 1:])]
        arabic = ARABIC_HEADS[words[0]] + "|" + " ".join(org_fold(w) for w in rest)
    if len(words) >= 3 and words[0] in _ENGLISH_HEADS and words[1] == "of":
        english = words[0] + "|" + " ".join(org_fold(w) for w in words[2:] if w not in _ARTICLES)
    elif len(words) >= 2 and words[-1] in _ENGLISH_HEADS and words[0] not in ARABIC_HEADS:
        english = words[-1] + "|" + " ".join(org_fold(w) for w in words[:-1] if w not in _ARTICLES)
    return arabic, english
