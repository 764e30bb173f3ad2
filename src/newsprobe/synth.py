"""Synthetic news articles for benchmarks and load tests: varied, reproducible, written from our own
templates, so measurements never depend on copyrighted text."""

from __future__ import annotations

import random
from datetime import date, timedelta

PLACES = [
    "Aleppo",
    "Idlib",
    "Homs",
    "Hama",
    "Raqqa",
    "Deir ez-Zor",
    "Palmyra",
    "Daraa",
    "Latakia",
    "Mosul",
    "Damascus",
    "Tartus",
    "Qamishli",
    "Kobani",
    "Manbij",
    "Afrin",
]
GROUPS = [
    "Jaish al-Fatah",
    "Jabhat al-Nusra",
    "Ahrar al-Sham",
    "Liwa al-Quds",
    "the Free Syrian Army",
    "the Syrian Democratic Forces",
    "the Islamic State",
    "Harakat Nour al-Din al-Zenki",
]
PEOPLE = ["Ahmad Hassan", "Laila Mansour", "Omar Khalil", "Rania Saleh", "Yusuf Darwish", "Maya Haddad"]
OFFICIALS = [
    "a senior military official",
    "the provincial governor",
    "a spokesman for the health ministry",
    "a local council member",
    "the defence minister",
]
SOURCES = [
    "local sources",
    "informed sources",
    "opposition sources",
    "sources close to the command",
    "witnesses",
    "a monitoring group",
]
VERBS = ["said", "told reporters", "added", "confirmed", "claimed", "reported", "stated"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
OUTLETS = [
    "wire.example",
    "dailyherald.example",
    "frontline.example",
    "levant-news.example",
    "observer.example",
]
EVENTS = ["killed", "injured", "displaced", "arrested", "evacuated"]
NOUNS = ["civilians", "fighters", "militants", "soldiers", "families", "residents"]

TEMPLATES = [
    "{Src} {verb} on {day} that {n} {noun} had been {event} in {place} during the previous week.",
    "\u201cThe situation around {place} is getting worse every hour,\u201d {person} {verb}.",
    "According to {official}, units of {group} withdrew from the outskirts of {place2} after heavy shelling.",
    "{Group} denied the reports and accused the government of spreading rumours about its losses near {place}.",
    "Aid agencies warned that more than {n} {noun} could be forced to leave {place} if the fighting continues.",
    "{Person}, who visited {place2} last month, {verb} that the roads were blocked and prices had tripled.",
    "\u201cWe have no water and no electricity, and nobody answers our calls,\u201d one resident of {place} {verb}.",
    "The talks in {place2} between {group} and tribal leaders collapsed on {day}, {src} {verb}.",
    "At least {n} {noun} were {event} when a market in {place} was hit, {official} {verb} on {day}.",
    "Observers say the coalition led by {group} is close to breaking apart after months of setbacks.",
]


def _sentence(rng: random.Random) -> str:
    t = rng.choice(TEMPLATES)
    src, group, person = rng.choice(SOURCES), rng.choice(GROUPS), rng.choice(PEOPLE)
    return t.format(
        src=src,
        Src=src[0].upper() + src[1:],
        verb=rng.choice(VERBS),
        day=rng.choice(DAYS),
        n=f"{rng.randint(2, 4000):,}",
        noun=rng.choice(NOUNS),
        event=rng.choice(EVENTS),
        place=rng.choice(PLACES),
        place2=rng.choice(PLACES),
        person=person,
        Person=person,
        official=rng.choice(OFFICIALS),
        group=group,
        Group=group[0].upper() + group[1:],
    )


def article(i: int, words: int = 600, seed: int = 0) -> dict:
    """One article as an ingestable record (the JSONL/CSV field names)."""
    rng = random.Random(seed * 1_000_003 + i)
    paras, count = [], 0
    while count < words:
        para = " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))
        paras.append(para)
        count += len(para.split())
    place = rng.choice(PLACES)
    return {
        "title": f"Fighting Around {place} Forces Families to Flee ({i})",
        "outlet": rng.choice(OUTLETS),
        "published": (date(2016, 1, 1) + timedelta(days=rng.randint(0, 1500))).isoformat(),
        "url": f"https://{rng.choice(OUTLETS)}/news/{i}",
        "text": "\n\n".join(paras),
    }


def articles(n: int, words: int = 600, seed: int = 0) -> list[dict]:
    return [article(i, words, seed) for i in range(n)]
