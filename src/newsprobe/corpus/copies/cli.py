"""`newsprobe copies ARTICLE_ID` and `newsprobe families`: where a story came from and who else ran it."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from newsprobe.cli.common import MAX_BYTES, DbOption, MetaOption, NamePatternOption, err, open_existing, out
from newsprobe.core.errors import NewsprobeError
from newsprobe.corpus.copies.families import matches, newest


class Format(StrEnum):
    text = "text"
    json = "json"


class Sort(StrEnum):
    largest = "largest"
    newest = "newest"


def _brought_up_to_date(store, jobs: int = 1) -> None:
    """Index what was stored since the last update (cheap when nothing was), saying so when there was work."""
    from newsprobe.corpus.copies import index

    if index.pending(store):
        stats = index.update(store, jobs=jobs)
        err.print(stats.line(), highlight=False)


def copies(
    article_id: str = typer.Argument(..., help="Article id (or a unique prefix of 6+ characters)."),
    db: Path = DbOption,
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text, or json (one object)."),
) -> None:
    """The article's family: its first publisher with the evidence, the other articles that republish it wholly or
    in part, their aligned passages and what they changed."""
    from newsprobe.corpus.copies import index

    with open_existing(db) as store:
        article = store.get(article_id)
        if article is None:
            raise NewsprobeError(f"no article {article_id!r} in {db}")
        _brought_up_to_date(store)
        found = index.families_of(store, article.id)
        texts = {m["id"]: (store.get(m["id"]).text if m["passages"] else "")
                 for fam in found for m in fam["members"]} if fmt is Format.text else {}
    if fmt is Format.json:
        sys.stdout.write(json.dumps({"id": article.id, "title": article.title, "outlet": article.outlet,
                                     "published": article.published, "families": found},
                                    ensure_ascii=False, indent=2) + "\n")
        return
    head = " · ".join(x for x in (article.outlet, article.published) if x)
    out.print(f"[bold]{escape(article.title or '(no title)')}[/bold] {escape(head)} [cyan]{article.id}[/cyan]",
              highlight=False)
    if not found:
        out.print("No copies found: no other stored article republishes this one or shares a passage with it.",
                  highlight=False)
        return
    for fam in found:
        _print_family(fam, detail=True, focus=article.id, texts=texts)


def families(
    paths: list[Path] = typer.Argument(None, help="Read a corpus directly (JSONL, CSV, text files...) instead of a "
                                                  "store; texts are taken as they are."),
    db: Path = DbOption,
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text, or json: one family a line."),
    sort: Sort = typer.Option(Sort.largest, help="largest (most members) or newest (latest member) first."),
    outlet: str | None = typer.Option(None, help="Only families with a member from this outlet."),
    since: str | None = typer.Option(None, help="Only families first published on or after this date (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, help="Only families first published on or before this date."),
    limit: int | None = typer.Option(None, min=1, help="At most this many families (text: 20 unless given)."),
    max_bytes: int = MAX_BYTES,
    meta: Path | None = MetaOption,
    name_pattern: str | None = NamePatternOption,
    jobs: int = typer.Option(1, min=1, help="Worker processes for sketching and aligning (a corpus read directly, or "
                                            "the articles a store has not indexed yet)."),
) -> None:
    """Story families: groups of articles that republish one text, each with its first publisher, the evidence, a
    confidence, and every member's part (original, copy, partial), credit, passages and edits."""
    start, end = _day(since, "--since"), _day(until, "--until")
    if paths:
        found = _direct(paths, max_bytes, meta, name_pattern, jobs)
    else:
        from newsprobe.corpus.copies import index

        with open_existing(db) as store:
            _brought_up_to_date(store, jobs)
            found = index.all_families(store, jobs)
    found = [f for f in found if matches(f, outlet, start, end)]
    if sort is Sort.newest:
        found.sort(key=newest, reverse=True)
    if limit is None and fmt is Format.text:
        limit = 20
    shown = found[:limit] if limit else found
    if fmt is Format.json:
        for fam in shown:
            sys.stdout.write(json.dumps(fam, ensure_ascii=False) + "\n")
        return
    out.print(f"{len(found)} famil{'y' if len(found) == 1 else 'ies'}"
              + (f", showing {len(shown)}" if len(shown) < len(found) else ""), style="bold", highlight=False)
    for fam in shown:
        _print_family(fam, detail=False)


def _day(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise NewsprobeError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


def _direct(paths: list[Path], max_bytes: int, meta: Path | None, name_pattern: str | None,
            jobs: int = 1) -> list[dict[str, Any]]:
    """Families of a corpus read directly: the documents' texts as they are, ids as `ingest` would give them."""
    from newsprobe.cli.common import fail, run_metadata
    from newsprobe.core.model import IngestError
    from newsprobe.corpus.copies.detect import find_families_in_documents
    from newsprobe.io.read import iter_documents

    metadata = run_metadata(None, None, meta, name_pattern)
    failed = 0

    def counted(items: Iterator) -> Iterator:
        nonlocal failed
        for item in items:
            if isinstance(item, IngestError):
                failed += 1
                fail(item)
                continue
            yield item

    docs = counted(metadata.apply(iter_documents(paths, max_bytes=max_bytes)))
    found, stats = find_families_in_documents(docs, jobs=jobs)
    err.print(f"copies: {stats.texts} text(s), {stats.candidates} candidate pair(s), {stats.links} copy relation(s), "
              f"{len(found)} famil{'y' if len(found) == 1 else 'ies'}" + (f", {failed} unreadable" if failed else ""),
              highlight=False)
    return found


def _print_family(fam: dict[str, Any], detail: bool, focus: str | None = None,
                  texts: dict[str, str] | None = None) -> None:
    first = fam["first"]
    who = (f"{first['outlet'] or first.get('source') or '(unknown outlet)'} {first['published'] or '(no date)'} "
           f"{first['id']}"
           if first else ("tie between " + ", ".join(fam["tied"]) if fam["tied"] else "unknown"))
    out.print(f"\n[bold]family {fam['family']}[/bold]: {len(fam['members'])} members; first: {escape(who)} "
              f"(confidence {fam['confidence']:.2f}, {escape(fam['basis'])})", highlight=False)
    if fam.get("origin_outside"):
        out.print(f"  credits a source outside the corpus: {escape(', '.join(fam['origin_outside']))}",
                  highlight=False)
    for ev in fam["evidence"]:  # said even in the short listing: it may be why the family is there at all
        if ev["kind"] == "shared passage":
            out.print(f"  [yellow]shared passage[/yellow]: {escape(ev['detail'])}", highlight=False)
    if detail:
        for ev in fam["evidence"]:
            if ev["kind"] != "shared passage":
                out.print(f"  evidence ({ev['kind']}): {escape(_evidence(ev))}", highlight=False)
    for m in fam["members"]:
        mark = "→ " if m["id"] == focus else "  "
        credit = "" if m["kind"] == "original" else (" credited" if m.get("credited") else " uncredited")
        cover = f" {m['cover']:.0%} shared" if "cover" in m else ""
        where = "" if m.get("url") or not m.get("source") else f" · {m['source']}"  # a file has no URL to name it
        out.print(f"  {mark}[cyan]{m['id']}[/cyan] {m['kind']}{credit}{cover} · {escape(m['outlet'] or '(unknown)')}"
                  f" · {escape(m['published'] or '(no date)')}{escape(where)}", highlight=False)
        if detail and m["kind"] != "original":
            for e in m.get("edits", []):
                out.print(f"      {escape(_edit(e))}", highlight=False)
            text = (texts or {}).get(m["id"], "")
            passages = m.get("passages", [])
            for n, p in enumerate(passages[:3], 1):
                snippet = " ".join(text[p["start"]: p["end"]].split())
                snippet = snippet if len(snippet) <= 90 else snippet[:60] + " … " + snippet[-25:]
                quote = ", a shared quotation" if p["quote"] else ""
                out.print(f"      passage {n} ({p['words']} words{quote}, here {p['start']}-{p['end']}, in "
                          f"{m['relative_to']} {p['other_start']}-{p['other_end']}): {escape(snippet)}",
                          highlight=False)
            if len(passages) > 3:
                out.print(f"      ... {len(passages) - 3} more passage(s): --format json has them all", highlight=False)


def _evidence(ev: dict[str, Any]) -> str:
    if ev["kind"] == "credit":
        return f"{ev['member']} credits {ev['credits']} ({ev['phrase']}: {ev['text']!r})"
    return ev.get("detail", "") + (f" [{', '.join(ev['members'])}]" if ev.get("members") else "")


def _edit(e: dict[str, Any]) -> str:
    name = e["edit"]
    if name == "title changed":
        return f"title changed: {e['from']!r} → {e['to']!r}"
    if name == "words swapped":
        examples = ", ".join(f"{x['from']!r}→{x['to']!r}" for x in e["examples"][:4])
        return f"words swapped ({e['words']}): {examples}"
    if name in ("credit removed", "credit added"):
        return f"{name}: " + ", ".join(c["name"] for c in e["credits"])
    if "words" in e:
        return f"{name} ({e['words']} words)"
    if "lines" in e:
        return f"{name} ({e['lines']} lines)"
    if "moved" in e:
        return f"{name} ({e['moved']} moved)"
    return name
