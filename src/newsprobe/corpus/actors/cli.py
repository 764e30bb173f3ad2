"""`newsprobe actors`, `newsprobe actor NAME`, `newsprobe framing ACTOR`: actors across a store, read from the actor
index (built or refreshed on the way when the store changed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from newsprobe.cli.common import DbOption, Format, err, open_existing, out, shown
from newsprobe.core.chars import printable

AliasesOption = typer.Option(
    None, "--aliases", envvar="NEWSPROBE_ALIASES",
    help="User alias file (canonical<TAB>type<TAB>alias|alias, see docs/actors.md); it always wins, and the store "
         "remembers it for later commands and the web.",
)
RebuildOption = typer.Option(False, "--rebuild", help="Rebuild the actor index even if it looks up to date.")


def _index(store, aliases: Path | None, rebuild: bool = False):
    from newsprobe.corpus.actors.aliases import read_alias_file
    from newsprobe.corpus.actors.index import ensure

    text = read_alias_file(aliases) if aliases is not None else None
    info = ensure(store.connection, text, source=str(aliases or "aliases"), rebuild=rebuild)
    if info.rebuilt:
        err.print(f"actor index built: {info.actors} actors", highlight=False)
    return info


def _dump(data, fmt: Format) -> None:
    if fmt is Format.jsonl and isinstance(data, list):
        for row in data:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2 if fmt is Format.json else None) + "\n")


def actors(
    db: Path = DbOption,
    label: str | None = typer.Option(None, "--type", help="PERSON, ORG, NORP or all (default: PERSON and ORG)."),
    outlet: str | None = typer.Option(None, help="Only mentions in this outlet."),
    top: int = typer.Option(30, min=1, help="Actors listed."),
    columns: int = typer.Option(6, min=1, help="Outlets shown as columns (the rest add up under 'other')."),
    aliases: Path | None = AliasesOption,
    rebuild: bool = RebuildOption,
    fmt: Format = typer.Option(Format.text, "--format", "-f"),
) -> None:
    """The actors of a store (one per real-world person or group, its spellings merged), with mentions per outlet."""
    from newsprobe.corpus.actors.figures import actor_table

    if label and label.upper() not in ("PERSON", "ORG", "NORP", "ALL"):
        raise typer.BadParameter("choose PERSON, ORG, NORP or all", param_hint="--type")
    with open_existing(db) as store:
        _index(store, aliases, rebuild)
        outlets, rows = actor_table(store.connection, label=label, outlet=outlet, top=top)
    if fmt is not Format.text:
        _dump(rows, fmt)
        return
    if not rows:
        out.print("no actors in this store (ingest articles with the entities layer first)")
        return
    heads = outlets[:columns]
    table = Table(title="Actors", title_justify="left")
    for col in ("actor", "type", "mentions", "articles", *heads, *(["other"] if len(outlets) > columns else [])):
        table.add_column(shown(col), justify="left" if col in ("actor", "type") else "right", overflow="fold")
    for r in rows:
        other = sum(v for k, v in r["by_outlet"].items() if k not in heads)
        name = Text(printable(r["name"]))
        if r["ambiguous"]:
            name.append(printable(" (may be: " + ", ".join(r["ambiguous"][:3]) + ")"), style="dim")
        cells = [str(r["by_outlet"].get(o, 0) or "") for o in heads]
        table.add_row(name, r["type"], str(r["mentions"]), str(r["articles"]), *cells,
                      *([str(other or "")] if len(outlets) > columns else []))
    out.print(table)


def actor(
    name: str = typer.Argument(..., help="Any name or spelling of the actor (\"Army of Conquest\")."),
    db: Path = DbOption,
    aliases: Path | None = AliasesOption,
    rebuild: bool = RebuildOption,
    fmt: Format = typer.Option(Format.text, "--format", "-f"),
) -> None:
    """One actor: its names and spellings, outlets, mentions over time, who is quoted about it."""
    from newsprobe.corpus.actors.figures import actor_detail
    from newsprobe.corpus.actors.index import resolve_one

    with open_existing(db) as store:
        _index(store, aliases, rebuild)
        found = resolve_one(store.connection, name)
        detail = actor_detail(store.connection, found)
    if fmt is not Format.text:
        _dump(detail, fmt)
        return
    _print_detail(detail)


def _print_detail(d: dict) -> None:
    out.print(Text.assemble((printable(d["name"]), "bold"), f"  {d['type']} · {d['mentions']} mentions in "
                            f"{d['articles']} articles · id {d['id']}"))
    spellings = ", ".join(f"{s} ({n})" for s, n in d["aliases"])
    out.print(Text("spellings: ", style="bold") + Text(printable(spellings or "-")))
    if d["table_names"]:
        out.print(Text("also known as: ", style="bold") + Text(printable(", ".join(d["table_names"][:12]))))
    if d["ambiguous"]:
        out.print(Text("ambiguous: may be ", style="yellow") + Text(printable(", ".join(d["ambiguous"]))))
    for line in d["evidence"][:10]:
        out.print(Text("  merged: ", style="dim") + Text(printable(line)))
    table = Table(title="Outlets", title_justify="left")
    for col in ("outlet", "mentions", "articles"):
        table.add_column(col, justify="left" if col == "outlet" else "right")
    for o in d["outlets"]:
        table.add_row(shown(o["outlet"]), str(o["mentions"]), str(o["articles"]))
    out.print(table)
    months = sorted({m for per in d["months"].values() for m in per})
    if months:
        t = Table(title="Mentions per month", title_justify="left")
        t.add_column("outlet")
        for m in months:
            t.add_column(m, justify="right")
        for o, per in sorted(d["months"].items()):
            t.add_row(shown(o), *[str(per.get(m, "")) for m in months])
        out.print(t)
    if d["undated"]:
        out.print("undated: " + shown(", ".join(f"{o} {n}" for o, n in d["undated"].items())) + " mentions (not on "
                  "the time axis)", highlight=False)
    q = Table(title="Who is quoted about it", title_justify="left")
    for col in ("source", "type", "statements", "outlets"):
        q.add_column(col)
    for s in d["quoted"]:
        q.add_row(shown(s["source"]), shown(s["type"]), str(s["statements"]),
                  shown(", ".join(f"{o} {n}" for o, n in s["outlets"].items())))
    if d["quoted"]:
        out.print(q)
    else:
        out.print("no statement mentions it (or the store has no attribution layer)")
    if d["own_statements"]:
        out.print(f"its own statements: {d['own_statements']}")


def framing(
    name: str = typer.Argument(..., help="The actor, by any of its names."),
    db: Path = DbOption,
    outlet: str | None = typer.Option(None, help="Only this outlet."),
    kind: list[str] = typer.Option(
        [], "--kind", help="Only these constructions: modifier, appositive, predicate, member, reference."),
    top: int = typer.Option(12, min=1, help="Labels in the outlet x label matrix."),
    evidence: int = typer.Option(1, min=0, help="Examples printed per outlet and label."),
    all_labels: bool = typer.Option(
        False, "--all-labels", help="Count roles ('Russian President', 'representative') and categories ('coalition') "
        "too; by default only the labels that characterise the actor."),
    aliases: Path | None = AliasesOption,
    rebuild: bool = RebuildOption,
    fmt: Format = typer.Option(Format.text, "--format", "-f"),
) -> None:
    """The words each outlet attaches to an actor ("terrorist groups", "rebels"), with counts, shares and the spans."""
    from newsprobe.corpus.actors.figures import FRAMING_CLASSES
    from newsprobe.corpus.actors.figures import framing as run
    from newsprobe.corpus.actors.index import resolve_one

    kinds = {k.strip() for k in kind if k.strip()} or None
    with open_existing(db) as store:
        _index(store, aliases, rebuild)
        found = resolve_one(store.connection, name)
        data = run(store.connection, found, outlet=outlet, kinds=kinds, top=top, evidence=max(evidence, 1),
                   classes=None if all_labels else FRAMING_CLASSES)
        has_layer = store.connection.execute("SELECT 1 FROM spans WHERE layer = 'label' LIMIT 1").fetchone()
    if fmt is not Format.text:
        _dump(data, fmt)
        return
    out.print(Text.assemble(("Labels for ", ""), (printable(data["actor"]["name"]), "bold"),
                            f" ({data['labels_total']})"))
    if data["left_out"]:
        out.print(Text("left out: " + ", ".join(f"{n} {c}" + ("s" if n > 1 and c == "role" else "")
                                                for c, n in sorted(data["left_out"].items()))
                       + " (offices, positions and generic words for a body; --all-labels counts them)", style="dim"))
    if not data["outlets"]:
        out.print("no label found" + ("" if has_layer else ": the store has no `labels` layer; ingest with it")
                  if not data["left_out"] else "no label that characterises it")
        return
    m = data["matrix"]
    table = Table(title="Outlet x label (counts; share of the outlet's labels for this actor)", title_justify="left")
    table.add_column("outlet")
    for lab in m["labels"]:
        table.add_column(shown(lab), justify="right", overflow="fold")
    table.add_column("all", justify="right")
    for row in m["rows"]:
        cells = [f"{c} ({c / row['total']:.0%})" if c else "" for c in row["counts"]]
        table.add_row(shown(row["outlet"]), *cells, str(row["total"]))
    out.print(table)
    if evidence:
        for o in data["outlets"]:
            out.print(Text(printable(o["outlet"]), style="bold underline"))
            for lab in o["labels"][:top]:
                out.print(Text(printable(f"  {lab['label']}  {lab['count']} ({lab['share']:.0%})"), style="bold"))
                for ex in lab["evidence"][:evidence]:
                    ctx, at = ex["context"], ex["at"]
                    line = Text("    … ")
                    line.append(printable(" ".join(ctx[:at].split())))
                    line.append(printable(" " + ex["text"] + " "), style="reverse")
                    line.append(printable(" ".join(ctx[at + len(ex["text"]):].split())) + " …")
                    line.append(f"  [{ex['kind']}, {ex['article']}]", style="dim")
                    out.print(line, highlight=False)
