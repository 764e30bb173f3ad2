"""`newsprobe corroborate CLAIM_ID`: is this figure reported elsewhere, independently or by copies of one report?"""

from __future__ import annotations

import json
import sqlite3
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from newsprobe.cli.common import DbOption, err, open_existing, out, shown
from newsprobe.core.errors import NewsprobeError


class Format(StrEnum):
    text = "text"
    json = "json"


def corroborate(
    claim: str = typer.Argument(..., help="Claim id ARTICLE_ID:START-END (the claim span's offsets), as `newsprobe "
                                          "show ARTICLE_ID` lists them."),
    db: Path = DbOption,
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text, or json (one object)."),
) -> None:
    """The other stored articles that report the same figure for the same kind of event and time window, grouped into
    independent reports and copies of one report (the story families of `newsprobe families`), with their outlets,
    dates, claim sentences and source types, and a one-line verdict."""
    from newsprobe.corpus.copies import index as copies
    from newsprobe.corpus.corroborate.match import corroborate as run

    with open_existing(db) as store:
        pending = copies.pending(store)
    if pending:  # copies index behind (an ingest without its update): bring it up to date when the file allows
        from newsprobe.io.store import Store

        try:
            with Store(db) as writer:
                err.print(copies.update(writer).line(), highlight=False, soft_wrap=True)
        except (NewsprobeError, sqlite3.Error) as exc:
            err.print(f"copies not updated ({shown(exc)}): reports may be split", highlight=False, soft_wrap=True)
    with open_existing(db) as store:
        found = run(store, claim, str(db))
    if fmt is Format.json:
        sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=2) + "\n")
        return
    _print(found)


def _print(found: dict[str, Any]) -> None:
    c = found["claim"]
    head = " · ".join(x for x in (c["outlet"], c["published"]) if x)
    out.print(f"[bold]{shown(c['title'] or '(no title)')}[/bold] {shown(head)} [cyan]{c['id']}[/cyan]",
              highlight=False, soft_wrap=True)
    out.print(f"  “{shown(_one_line(c['text']))}” — source: {_source(c)}", highlight=False, soft_wrap=True)
    if not found["figures"]:
        out.print("No figure in this claim to corroborate.", highlight=False, soft_wrap=True)
    for fig in found["figures"]:
        what = " ".join(x for x in (fig["text"], fig["counted"], fig["event"]) if x)
        out.print(f"\n[bold]{shown(what)}[/bold]: {shown(fig['verdict'])}", highlight=False, soft_wrap=True)
        if fig["interval"]:
            lo, hi = fig["interval"]
            window = " to ".join(fig["window"]) if fig["window"] else "unknown"
            out.print(f"  matched as {shown(fig['kind'])} in {lo:,.6g}..{hi:,.6g}, time window {window}",
                      highlight=False, style="dim", soft_wrap=True)
        for n, report in enumerate(fig["reports"], 1):
            kind = "copies of one report" if len(report["articles"]) > 1 else "report"
            fam = f", family {report['family']}" if report["family"] else ""
            out.print(f"  report {n} ({len(report['articles'])} article(s), {kind}{fam}) — source: "
                      f"{_source(report)}", highlight=False, soft_wrap=True)
            for a in report["articles"]:
                mark = "→" if a["this"] else " "
                out.print(f"   {mark} [cyan]{a['claim_id']}[/cyan] {a['role']} · {shown(a['outlet'] or '(unknown)')} · "
                          f"{shown(a['published'] or '(no date)')} · {_source(a)}", highlight=False, soft_wrap=True)
                out.print(f"       “{shown(_one_line(a['text'], 160))}”", highlight=False, soft_wrap=True)
    if found["copies_pending"]:
        err.print(f"{found['copies_pending']} article(s) not indexed for copies yet: reports may be split; run "
                  "`newsprobe families --db STORE`", highlight=False, soft_wrap=True)


def _source(item: dict[str, Any]) -> str:
    from newsprobe.corpus.corroborate.match import SHORT_WORDS

    kind = SHORT_WORDS.get(item.get("source_type"), item.get("source_type") or "unattributed")
    return shown(f"{kind} ({item['source']})" if item.get("source") else kind)


def _one_line(text: str, limit: int = 240) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
