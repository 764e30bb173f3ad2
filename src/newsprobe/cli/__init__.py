"""The command line: `newsprobe analyze | ingest | search | show | export | serve | load | spark | eval ...` plus the
commands of the corpus analyses. Commands live beside what they drive; this module only assembles them."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from newsprobe.cli import articles
from newsprobe.cli.common import err
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
    """`newsprobe eval <name>` for every layer that has gold data to be measured on (the registry's `evaluate`)."""
    from newsprobe.layers import LAYERS

    for layer in LAYERS:
        if layer.evaluate:
            eval_app.command(layer.evaluate_name or layer.name)(layer.hook("evaluate"))


_add_eval_commands()


def main() -> None:
    """Entry point: user errors become one line on stderr and exit status 2, never a traceback."""
    try:
        code = app(standalone_mode=False)
    except NewsprobeError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)

