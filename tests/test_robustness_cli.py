"""What an attack on the command line found (issue 16): real processes, exit statuses, one-line errors, files left as
they were. Ingest runs use `--layers sentences` (no model of ours to load): the plumbing is what is tested."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newsprobe.core.model import Article
from newsprobe.io.store import Store

GOOD = "The army said on Monday that four soldiers had died near the border town of Afrin."


def run_cli(*args: str, cwd: Path | None = None, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "newsprobe.cli", *args], capture_output=True, cwd=cwd,
                          timeout=300, env={**os.environ, "COLUMNS": "120", "NEWSPROBE_LAYERS": "sentences"})


def one_line_error(res: subprocess.CompletedProcess, *needles: str) -> str:
    err = res.stderr.decode("utf-8")
    assert res.returncode == 2, (res.returncode, err)
    assert "Traceback" not in err and err.startswith("error:") and err.count("\n") <= 2, err
    for needle in needles:
        assert needle in err, (needle, err)
    return err


def make_store(path: Path, *articles: Article) -> Path:
    with Store(path) as store:
        store.add_many(list(articles))
    return path


# --- 1. the surrogate record and a non-UTF-8 file name -------------------------------------------------------------


def test_ingest_of_a_surrogate_record_stores_both_records(tmp_path: Path) -> None:
    feed = tmp_path / "s.jsonl"
    feed.write_text('{"text":"Good one. The army said 4 died."}\n{"text":"bad \\ud800 here"}\n', encoding="utf-8")
    res = run_cli("ingest", str(feed), "--db", str(tmp_path / "s.db"))
    assert res.returncode == 0, res.stderr.decode()
    assert b"stored 2, duplicates skipped 0, failed 0" in res.stderr


def test_json_output_for_a_non_utf8_file_name_is_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9\xff.txt")
    (tmp_path / name).write_text(GOOD, encoding="utf-8")
    res = run_cli("analyze", str(tmp_path))
    assert res.returncode == 0, res.stderr.decode()
    out = res.stdout.decode("utf-8")  # raw 0xFF bytes would not decode
    assert json.loads(out)["source"].endswith("caf\\xe9\\xff.txt")


# --- 9. escape sequences and spreadsheet formulas ------------------------------------------------------------------


HOSTILE_TITLE = "Title \x1b]0;pwned\x07\x1b[2J\x9b31m"
HOSTILE_TEXT = "Officials said \x1b[31mred\x1b[0m on Monday.\nIt cost 40 million euros."


def test_show_and_search_never_send_escape_sequences(tmp_path: Path) -> None:
    db = make_store(tmp_path / "h.db", Article(id="0123456789abcdef", text=HOSTILE_TEXT, title=HOSTILE_TITLE,
                                               outlet="\x1b[5mOutlet"))
    for args in (("show", "0123456789abcdef"), ("search", "officials")):
        res = run_cli(*args, "--db", str(db))
        assert res.returncode == 0, res.stderr.decode()
        assert b"\x1b" not in res.stdout and b"\x9b" not in res.stdout.replace("\u241b".encode(), b"")
        assert "\u241b" in res.stdout.decode("utf-8")  # shown as a symbol instead


def test_error_lines_never_send_escape_sequences(tmp_path: Path) -> None:
    (tmp_path / "evil\x1b]0;pwned\x07.txt").write_bytes(b"")
    res = run_cli("analyze", str(tmp_path))
    assert res.returncode == 1 and b"\x1b]0;" not in res.stderr and b"empty file" in res.stderr


def test_csv_export_defuses_formulas(tmp_path: Path) -> None:
    import csv
    import io

    db = make_store(tmp_path / "f.db", Article(id="0123456789abcdef", text="Plain text.", title="=HYPERLINK(\"x\")"),
                    Article(id="fedcba9876543210", text="@SUM(A1:A9)", title="+cmd|' /C calc'!A0", outlet="-5"))
    res = run_cli("export", "-f", "csv", "--table", "articles", "--db", str(db))
    assert res.returncode == 0, res.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(res.stdout.decode("utf-8"))))
    cells = [cell for row in rows for cell in row.values() if cell]
    assert not [c for c in cells if c[0] in "=+@" or (c[0] == "-" and c != "-5")], cells
    assert "'=HYPERLINK(\"x\")" in cells and "'@SUM(A1:A9)" in cells and "-5" in cells


# --- 10. read commands on other programs' databases ------------------------------------------------------------------


def test_read_commands_leave_a_foreign_database_unchanged(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE articles (url TEXT, body TEXT)")
    con.commit()
    con.close()
    before = other.read_bytes()
    for args in (("search", "x"), ("show", "0123456789"), ("export",), ("sources",)):
        one_line_error(run_cli(*args, "--db", str(other)), "not a newsprobe store")
    assert other.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_a_read_only_store_in_a_read_only_folder_can_be_read(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = make_store(folder / "news.db", Article(id="0123456789abcdef", text=GOOD, title="Afrin"))
    db.chmod(0o444)
    folder.chmod(0o555)
    # As root, file modes are not enforced: drop the capabilities that bypass them, as an ordinary user has none.
    prefix = ("setpriv", "--inh-caps=-all", "--bounding-set=-all") if os.geteuid() == 0 else ()
    try:
        probe = subprocess.run([*prefix, "sh", "-c", f"touch {folder}/probe"], capture_output=True)
        assert probe.returncode != 0, "the folder is writable: the test would prove nothing"
        res = run_cli("search", "soldiers", "--db", str(db), prefix=prefix)
        assert res.returncode == 0, res.stderr.decode()
        assert b"1 result(s)" in res.stdout
        shown = run_cli("show", "0123456789abcdef", "--db", str(db), "-f", "json", prefix=prefix)
        assert json.loads(shown.stdout)["title"] == "Afrin"
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)


# --- clear errors instead of tracebacks -------------------------------------------------------------------------------


def test_db_that_is_a_directory(tmp_path: Path) -> None:
    one_line_error(run_cli("search", "x", "--db", str(tmp_path)), "is a directory")
    (tmp_path / "a.txt").write_text(GOOD)
    one_line_error(run_cli("ingest", str(tmp_path / "a.txt"), "--db", str(tmp_path)), "is a directory")


@pytest.mark.parametrize("kind", ["garbage", "truncated"])
def test_corrupt_or_truncated_store(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "bad.db"
    if kind == "garbage":
        db.write_bytes(b"this is not a database at all\n" * 100)
    else:
        make_store(tmp_path / "good.db", *[Article(id=f"{i:016x}", text=GOOD * 20 + str(i)) for i in range(200)])
        con = sqlite3.connect(tmp_path / "good.db")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        data = (tmp_path / "good.db").read_bytes()
        db.write_bytes(data[: len(data) // 3])
    for args in (("search", "army"), ("export",), ("show", "0000000000000001")):
        one_line_error(run_cli(*args, "--db", str(db)), "bad.db")


def test_export_into_a_missing_folder_or_a_directory(tmp_path: Path) -> None:
    db = make_store(tmp_path / "x.db", Article(id="0123456789abcdef", text=GOOD))
    one_line_error(run_cli("export", "--db", str(db), "-o", str(tmp_path / "nope" / "out.jsonl")), "does not exist")
    one_line_error(run_cli("export", "--db", str(db), "-f", "csv", "-o", str(tmp_path)), "is a directory")


@pytest.mark.parametrize("option", [("--batch-size", "0"), ("--batch-size", "-5"), ("--max-bytes", "-1"),
                                    ("--max-bytes", "0")])
def test_out_of_range_numbers_are_usage_errors(tmp_path: Path, option: tuple[str, str]) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    res = run_cli("ingest", str(tmp_path / "a.txt"), "--db", str(tmp_path / "x.db"), *option)
    assert res.returncode == 2 and b"Traceback" not in res.stderr and option[0].encode() in res.stderr, res.stderr
    assert not (tmp_path / "x.db").exists()


def test_unknown_option_is_a_usage_error() -> None:
    res = run_cli("search", "--bogus", "x")
    assert res.returncode == 2 and b"No such option" in res.stderr and b"Traceback" not in res.stderr


def test_ingest_of_a_missing_path_creates_no_store(tmp_path: Path) -> None:
    one_line_error(run_cli("ingest", str(tmp_path / "nothere"), "--db", str(tmp_path / "m.db")), "nothere")
    assert not (tmp_path / "m.db").exists()


def test_ingest_of_a_folder_holding_its_own_store(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    db = str(tmp_path / "news.db")
    first = run_cli("ingest", str(tmp_path), "--db", db)
    assert first.returncode == 0 and b"stored 1, duplicates skipped 0, failed 0" in first.stderr, first.stderr
    again = run_cli("ingest", str(tmp_path), "--db", db)  # the store (and its -wal, -shm) are in the folder now
    assert again.returncode == 0 and b"stored 0, duplicates skipped 1, failed 0" in again.stderr, again.stderr


def test_serve_beyond_loopback_needs_a_token(tmp_path: Path) -> None:
    env_free = {k: v for k, v in os.environ.items() if k != "NEWSPROBE_TOKEN"}
    res = subprocess.run([sys.executable, "-m", "newsprobe.cli", "serve", "--db", str(tmp_path / "s.db"), "--host",
                          "0.0.0.0", "--port", "1"], capture_output=True, timeout=120, env=env_free)
    one_line_error(res, "--token")
