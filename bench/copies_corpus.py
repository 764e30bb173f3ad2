"""Republication corpora for the copy-detection benchmark, built at run time from texts in ../shared/data (PolNeAR,
PTC) with the edits proxy sites make, plus independent same-event reports as hard negatives. Nothing generated here
is written into the repository.

Each original gets 1 to 5 copies (some copies of copies); a copy has some of: debris lines, a new title, a framing
intro, paragraphs cut, paragraphs reordered, words swapped for synonyms, a credit line added (or the original's own
credit removed), and a publication date some hours or days after its source (or none). Partial copies lift two to
four consecutive sentences of a story into another article (not a lone quotation: that is no evidence of
copying, as the same-event reports show). A same-event report is written from our own sentence
parts around the original's names, figures and (often) one of its quotations: same facts, different wording.

`make(seed, ...)` returns (records, truth); `truth` says for every record its family, kind, source, lifted span and
the edits applied.
"""

from __future__ import annotations

import glob
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
OUTLETS = ["Levant Wire", "Northern Post", "Capital Herald", "Coastal Times", "Daily Courier", "Morning Ledger",
           "Valley Gazette", "Metro Tribune", "Eastern Monitor", "Harbour Journal", "Plains Observer",
           "Summit News Agency"]
PROXIES = [f"proxy{i}.example" for i in range(30)]
DEBRIS = ["Share this:", "Facebook Twitter WhatsApp Telegram", "Back to top button", "Related posts",
          "Click here to subscribe to our newsletter", "Follow us on Telegram", "Tags: politics, world",
          "Photo: file", "Comments", "Print this article", "Read more", "Advertisement"]
INTROS_A = ["While the mainstream media look away,", "In a story that few Western outlets will tell you,",
            "Once again the facts speak for themselves:", "As our readers have long suspected,",
            "In yet another sign of the times,", "Here is what they do not want you to know:"]
INTROS_B = ["the following report deserves your full attention.", "this account shows what is really going on.",
            "the story below lays bare the double standards at work.", "events took a telling turn this week.",
            "the truth is finally coming out.", "read on and judge for yourself."]
SYNONYMS = {
    "said": "stated", "says": "states", "told": "informed", "killed": "slain", "people": "persons",
    "government": "regime", "officials": "authorities", "president": "leader", "major": "key",
    "large": "big", "began": "started", "begin": "start", "help": "aid", "attack": "assault",
    "week": "week", "new": "fresh", "called": "described", "because": "since", "also": "too",
    "about": "around", "after": "following", "before": "prior to", "show": "reveal", "showed": "revealed",
    "support": "backing", "leaders": "chiefs", "country": "nation", "campaign": "drive", "voters": "electors",
    "important": "crucial", "many": "numerous", "reported": "revealed", "claimed": "alleged", "plan": "scheme",
}
CREDIT_FORMS = ["{o} reported.", "Source: {d}", "This article first appeared on {o}.", "(According to {o})",
                "Courtesy of {o}"]
ORIGIN_CREDITS = ["© {y} {o}", "Copyright {y} {o}. All rights reserved."]

# Parts of our own same-event sentences: an opener, a middle holding the facts, a closer; combined at random so
# that no long run of words repeats from one generated report to the next.
OPEN = ["On the latest day of developments,", "In remarks reported this week,", "By most accounts,",
        "According to people briefed on the matter,", "In a fresh turn,", "As the story unfolded,",
        "Speaking on condition of anonymity, an aide said that", "Observers noted that", "Separately,",
        "Earlier,", "Later in the day,", "In a statement,"]
FACT = ["{a} was at the centre of the dispute", "{a} faced renewed scrutiny over the matter",
        "the figure of {n} was cited repeatedly", "{a} and {b} traded accusations",
        "critics pointed to {a}", "the role of {b} drew questions", "supporters of {a} rallied",
        "{n} was the number most often quoted", "{b} declined to answer questions", "{a} defended the decision",
        "attention turned to {b}", "{a} pressed {b} for answers"]
CLOSE = ["as pressure mounted.", "amid a flurry of reactions.", "though details remained unclear.",
         "according to several accounts.", "and more statements were expected.", "with no end in sight.",
         "as the debate sharpened.", "while others urged caution.", "in a sign of deepening divisions.",
         "despite earlier denials."]
OPEN += ["Meanwhile,", "At the same time,", "For now,", "In the meantime,", "Even so,", "Still,",
         "Yesterday,", "By the evening,", "In private,", "Publicly,", "Elsewhere,", "Within hours,"]
FACT += ["{a} struck a defiant tone", "{b} sought to distance itself from {a}", "{a} was pressed on {n}",
         "{a} cast doubt on the account", "{b} raised the issue with {a}", "{a} called for calm",
         "{a} signalled a change of course", "{b} disputed the figure of {n}", "{a} met with {b}"]
CLOSE += ["for the second time.", "before the vote.", "behind closed doors.", "in a short exchange.",
          "on several occasions.", "without giving details.", "to mixed reactions.", "over the weekend."]
ADVERBS = ["reportedly", "notably", "again", "openly", "quietly", "once more", "apparently", "briefly", "sharply",
           "firmly", "", "", "", ""]
QUOTE_FRAMES = ["{a} said, according to a transcript.", "{a} told supporters.", "a spokesperson for {a} said.",
                "{a} said in remarks carried by several outlets."]


@dataclass
class Truth:
    id: str
    kind: str  # original | copy | partial | negative | single
    family: str  # the true family (the original's id) or the record's own id
    source: str | None = None  # what it was copied or lifted from
    lifted: tuple[int, int] | None = None  # partial: the lifted characters in this text
    source_span: tuple[int, int] | None = None
    event: str | None = None  # negative: the original it reports on independently
    edits: set[str] = field(default_factory=set)
    dated: bool = True


def pool(limit: int | None = None) -> list[tuple[str, str]]:
    """(title, body) of the shared texts: first line the title, then paragraphs separated by blank lines."""
    files = sorted(glob.glob(str(SHARED / "polnear" / "data" / "*" / "text" / "*.txt")))
    files += sorted(glob.glob(str(SHARED / "ptc" / "*-articles" / "*.txt")))
    out = []
    seen = set()
    for f in files[:limit] if limit else files:
        text = Path(f).read_text(encoding="utf-8", errors="replace").strip()
        title, _, body = text.partition("\n")
        paras = [p.strip() for p in re.split(r"\n\s*\n|\n", body) if len(p.split()) >= 4]
        key = " ".join(body.split())[:400]
        if len(paras) >= 4 and key not in seen and 150 <= len(body.split()) <= 3000:
            seen.add(key)
            out.append((title.strip(), "\n\n".join(paras)))
    return out


def _domain(outlet: str) -> str:
    return re.sub(r"[^a-z]", "", outlet.lower()) + ".example"


def _quoted_share(text: str) -> float:
    """Share of the characters inside quotation marks. A lift made of one quotation is left out of the benchmark's
    partial copies: a shared quotation is no evidence of copying (the same-event reports share one too)."""
    inside = sum(len(m.group()) for m in re.finditer(r"“[^”]*”|\"[^\"]*\"", text))
    return inside / max(len(text), 1)


def _sentences(para: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in re.finditer(r"[.!?][\"'”’)]*\s+(?=[\"“A-Z])", para):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(para)))
    return [(s, e) for s, e in spans if para[s:e].strip()]


class Generator:
    def __init__(self, seed: int, texts: list[tuple[str, str]]) -> None:
        self.r = random.Random(seed)
        self.texts = texts
        self.records: list[dict] = []
        self.truth: dict[str, Truth] = {}
        self.n = 0

    def _id(self) -> str:
        self.n += 1
        return f"g{self.n:06d}"

    def _date(self, base: datetime | None = None, dated: float = 0.92) -> tuple[str | None, datetime | None]:
        if self.r.random() > dated:
            return None, None
        when = base + timedelta(hours=self.r.expovariate(1 / 20) + 0.5) if base else \
            datetime(2016, 1, 1) + timedelta(minutes=self.r.randrange(2 * 365 * 24 * 60))
        text = when.date().isoformat() if self.r.random() < 0.3 else when.isoformat(timespec="minutes")
        return text, when

    def add(self, text: str, truth: Truth, **meta) -> dict:
        rec = {"id": truth.id, "text": text, **meta}
        self.records.append(rec)
        self.truth[truth.id] = truth
        truth.dated = bool(meta.get("published"))
        return rec

    def original(self, title: str, body: str) -> dict:
        oid = self._id()
        outlet = self.r.choice(OUTLETS)
        published, when = self._date()
        edits = set()
        if self.r.random() < 0.3:
            body = body + "\n\n" + self.r.choice(ORIGIN_CREDITS).format(y=2016, o=outlet)
            edits.add("own credit")
        rec = self.add(body, Truth(oid, "original", oid, edits=edits), title=title, outlet=outlet,
                       url=f"https://{_domain(outlet)}/{oid}", published=published)
        rec["_when"] = when
        return rec

    def copy(self, src: dict, family: str, origin: dict) -> dict:
        r = self.r
        paras = src["text"].split("\n\n")
        edits: set[str] = set()
        own_credit = self.truth[src["id"]].edits & {"own credit"} and paras[-1].startswith(("©", "Copyright"))
        if own_credit and r.random() < 0.5:
            paras = paras[:-1]
            edits.add("credit removed")
        if r.random() < 0.4 and len(paras) >= 6:
            words = sum(len(p.split()) for p in paras)
            for _ in range(r.randint(1, 3)):
                i = r.randrange(1, len(paras))
                if sum(len(p.split()) for p in paras) - len(paras[i].split()) >= 0.65 * words:
                    paras = paras[:i] + paras[i + 1:]
                    edits.add("paragraphs dropped")
        if r.random() < 0.3 and len(paras) >= 4:
            i, j = sorted(r.sample(range(len(paras)), 2))
            if j - i > 1 or r.random() < 0.5:
                paras[i], paras[j] = paras[j], paras[i]
                edits.add("paragraphs reordered")
        if r.random() < 0.4:
            n = 0
            for k, p in enumerate(paras):
                words = p.split(" ")
                for w in range(len(words)):
                    if words[w] in SYNONYMS and r.random() < 0.5:
                        words[w] = SYNONYMS[words[w]]
                        n += 1
                paras[k] = " ".join(words)
            if n:
                edits.add("words swapped")
        if r.random() < 0.35:
            paras.insert(0, f"{r.choice(INTROS_A)} {r.choice(INTROS_B)}")
            edits.add("intro added")
        if r.random() < 0.4:
            credit = r.choice(CREDIT_FORMS).format(o=origin["outlet"], d=_domain(origin["outlet"]))
            paras.insert(r.choice([0, len(paras)]), credit)
            edits.add("credit added")
        if r.random() < 0.5:
            for _ in range(r.randint(1, 4)):
                paras.insert(r.choice([0, len(paras), r.randrange(len(paras) + 1)]), r.choice(DEBRIS))
            edits.add("debris added")
        title = src.get("title")
        if r.random() < 0.5 and title:
            title = r.choice(["BREAKING: ", "EXCLUSIVE: ", "WATCH: ", "MUST READ: "]) + title.upper()
            edits.add("title changed")
        cid = self._id()
        published, when = self._date(src.get("_when"))
        if src.get("_when") is None and published:  # the source has no date: the copy's is only loosely later
            published, when = self._date()
        proxy = r.choice(PROXIES)
        rec = self.add("\n\n".join(paras), Truth(cid, "copy", family, source=src["id"], edits=edits),
                       title=title, outlet=proxy, url=f"https://{proxy}/{cid}", published=published)
        rec["_when"] = when
        return rec

    def partial(self, src: dict, base: tuple[str, str]) -> dict:
        r = self.r
        paras = src["text"].split("\n\n")
        candidates = [i for i, p in enumerate(paras) if len(p.split()) >= 25 and len(_sentences(p)) >= 2]
        if not candidates:
            return {}
        i = r.choice(candidates)
        sents = _sentences(paras[i])
        k = r.randint(2, min(4, len(sents)))
        s0 = r.randrange(0, len(sents) - k + 1)
        lifted = paras[i][sents[s0][0]: sents[s0 + k - 1][1]].strip()
        if len(lifted.split()) < 25 or _quoted_share(lifted) > 0.85:
            return {}
        body = base[1].split("\n\n")
        at = r.randrange(1, len(body))
        before = "\n\n".join(body[:at]) + "\n\n"
        credit = f" ({src['outlet']})" if r.random() < 0.3 else ""
        text = before + lifted + credit + "\n\n" + "\n\n".join(body[at:])
        src_start = src["text"].index(lifted)
        pid = self._id()
        published, _ = self._date(src.get("_when"))
        outlet = r.choice([o for o in OUTLETS + PROXIES if o != src["outlet"]])
        return self.add(text, Truth(pid, "partial", pid, source=src["id"], lifted=(len(before), len(before) +
                                                                                      len(lifted)),
                                    source_span=(src_start, src_start + len(lifted))),
                        title=base[0], outlet=outlet, url=f"https://{_domain(outlet)}/{pid}", published=published)

    def negative(self, src: dict) -> dict:
        r = self.r
        text = src["text"]
        names = list(dict.fromkeys(m.group() for m in re.finditer(
            r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+(?:[A-Z][a-z]+|al-[A-Z][a-z]+)){1,3}", text)))
        numbers = list(dict.fromkeys(m.group() for m in re.finditer(r"\b\d[\d,.]*\s+[a-z]+", text)))
        # Curly quotation marks only: with straight ones, the text between a closing and an opening mark (prose of
        # the original) would pass for a quotation.
        quotes = [m.group(1) for m in re.finditer(r"“([^”“\n]{40,240})”", text)]
        if len(names) < 2:
            return {}
        sentences = []
        for _ in range(r.randint(9, 15)):
            a, b = r.sample(names, 2)
            n = r.choice(numbers).strip() if numbers else "dozens"
            fact = r.choice(FACT).format(a=a, b=b, n=n)
            adverb = r.choice(ADVERBS)
            sentences.append(" ".join(x for x in (r.choice(OPEN), fact, adverb, r.choice(CLOSE)) if x))
        if quotes and r.random() < 0.6:
            q = r.choice(quotes)
            sentences.insert(r.randrange(len(sentences) + 1), f"“{q},” {r.choice(QUOTE_FRAMES).format(a=names[0])}")
        paras, i = [], 0
        while i < len(sentences):
            k = r.randint(2, 3)
            paras.append(" ".join(s[0].upper() + s[1:] for s in sentences[i: i + k]))
            i += k
        nid = self._id()
        published, _ = self._date(src.get("_when"))
        outlet = r.choice([o for o in OUTLETS if o != src["outlet"]])
        return self.add("\n\n".join(paras), Truth(nid, "negative", nid, event=src["id"]),
                        title=f"{names[0]}: what we know", outlet=outlet, url=f"https://{_domain(outlet)}/{nid}",
                        published=published)


def make(seed: int = 1, families: int = 300, partials: int = 120, negatives: int = 200, singles: int = 200,
         texts: list[tuple[str, str]] | None = None) -> tuple[list[dict], dict[str, Truth]]:
    texts = list(texts if texts is not None else pool())
    g = Generator(seed, texts)
    g.r.shuffle(texts)
    need = families + partials + singles
    if len(texts) < need:
        raise SystemExit(f"only {len(texts)} usable texts in {SHARED}; need {need}")
    originals = [g.original(t, b) for t, b in texts[:families]]
    for orig in originals:
        members = [orig]
        for _ in range(min(5, 1 + int(g.r.expovariate(1 / 1.2)))):
            src = g.r.choice(members) if g.r.random() < 0.25 else orig
            members.append(g.copy(src, orig["id"], orig))
    for base in texts[families: families + partials]:
        g.partial(g.r.choice(originals), base)
    for t, b in texts[families + partials: need]:
        rec = g.original(t, b)
        g.truth[rec["id"]].kind = "single"
    for orig in g.r.sample(originals, min(negatives, len(originals))):
        g.negative(orig)
    records = [{k: v for k, v in rec.items() if not k.startswith("_")} for rec in g.records]
    g.r.shuffle(records)
    return records, g.truth
