"""The command line: `newsprobe analyze | ingest | search | show | export | serve | load | spark | eval ...` plus the
commands of the corpus analyses. Commands live beside what they drive; this module only assembles them."""

from __future__ import annotations

import sys

import typer

from newsprobe.cli import articles
from newsprobe.cli.common import err, shown
from newsprobe.core.errors import NewsprobeError
from newsprobe.core.registry import resolve
from newsprobe.spark import cli as spark_cli

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
articles.register(app)
app.command("load")(spark_cli.load)
app.add_typer(spark_cli.app, name="spark")
eval_app = typer.Typer(no_args_is_help=True, help="Measure newsprobe's models against gold data; prints JSON.")
app.add_typer(eval_app, name="eval")


def _add_corpus_commands() -> None:
    """Each corpus analysis's commands (the registry's `commands`), e.g. `newsprobe sources`."""
    from newsprobe.corpus import ANALYSES

    for analysis in ANALYSES:
        for name, ref in analysis.commands:
            app.command(name)(resolve(ref))


_add_corpus_commands()


def _add_eval_commands() -> None:
    """`newsprobe eval <name>` for every layer that has gold data to be measured on (the registry's `evaluate` and
    `evaluations`)."""
    from newsprobe.layers import LAYERS

    for layer in LAYERS:
        for name, command in layer.eval_commands():
            eval_app.command(name)(command)


_add_eval_commands()


def main() -> None:
    """Entry point: user errors become one line on stderr and exit status 2, never a traceback."""
    import sqlite3

    try:
        code = app(standalone_mode=False)
    except NewsprobeError as exc:
        err.print(f"[red]error:[/red] {shown(exc)}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except sqlite3.DatabaseError as exc:  # a store damaged half-way through a read, a lock held too long
        err.print(f"[red]error:[/red] store: {shown(exc)}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except OSError as exc:  # output file in a missing folder, a full disk, a closed pipe
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        err.print(f"[red]error:[/red] {shown(where)}{shown(exc.strerror or exc)}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except Exception as exc:  # click usage errors (unknown option, bad value): Typer's own copy of click or click
        import click

        if isinstance(exc, click.ClickException | typer.exceptions.TyperException) and hasattr(exc, "show"):
            exc.show()
            sys.exit(getattr(exc, "exit_code", 2))
        raise
    sys.exit(code if isinstance(code, int) else 0)

