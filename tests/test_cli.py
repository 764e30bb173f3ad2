"""The command line as a user meets it: real processes, exit statuses and one-line errors."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsprobe.synth import articles as synth_articles

from .conftest import EXAMPLE


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsprobe.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "120"},
    )


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory) -> Path:
    """Two good articles and every kind of bad input the core must survive."""
    d = tmp_path_factory.mktemp("mixed")
    (d / "good.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    recs = synth_articles(2, words=80)
    lines = [json.dumps(recs[0]), "{not json", json.dumps(recs[1])]
    (d / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (d / "cut.txt.gz").write_bytes(gzip.compress(os.urandom(3000).hex().encode())[:500])
    return d


def test_analyze_text_report_on_example():
    res = run_cli("analyze", "--format", "text", str(EXAMPLE))
    assert res.returncode == 0, res.stderr
    assert "Rebel Commanders in Deir ez-Zor" in res.stdout
    assert "Removed from the scraped text" in res.stdout and "Back to top button" in res.stdout
    assert "Who is named" in res.stdout and "Jaish al-Fatah" in res.stdout


def test_analyze_json_of_one_file(tmp_path):
    res = run_cli("analyze", str(EXAMPLE))
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["schema"] == "newsprobe/1" and data["section"] == "Syria"
    assert data["published"] == "2017-03-14"  # from the dateline under the title
    undated = tmp_path / "undated.txt"
    undated.write_text("Officials said on Monday that the bridge in Homs had been repaired.\n", encoding="utf-8")
    res = run_cli("analyze", str(undated), "--published", "2017-03-15", "--outlet", "wire.example")
    data = json.loads(res.stdout)
    assert data["published"] == "2017-03-15" and data["outlet"] == "wire.example"
    monday = [s for s in data["spans"] if s["layer"] == "date" and s["text"].endswith("Monday")]
    assert monday[0]["attrs"]["value"] == "2017-03-13"


def test_analyze_goes_on_past_bad_input(mixed_folder):
    res = run_cli("analyze", "--format", "jsonl", str(mixed_folder))
    assert res.returncode == 1  # something failed, and the status says so
    arts = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(arts) == 3  # the text file and the two good JSONL lines
    errors = [line for line in res.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 4, res.stderr
    for name in ("feed.jsonl#line 2", "empty.txt", "image.txt", "cut.txt.gz"):
        assert any(name in e for e in errors), (name, res.stderr)
    assert "Traceback" not in res.stderr


def test_ingest_search_show_export(mixed_folder, tmp_path):
    db = tmp_path / "np.db"
    first = run_cli("ingest", str(mixed_folder), "--db", str(db))
    assert first.returncode == 1 and "stored 3, duplicates skipped 0, failed 4" in first.stderr
    again = run_cli("ingest", str(mixed_folder), "--db", str(db))
    assert "stored 0, duplicates skipped 3, failed 4" in again.stderr
    found = run_cli("search", "commanders", "--db", str(db))
    assert found.returncode == 0 and "1 result(s)" in found.stdout and "Deir ez-Zor" in found.stdout
    hostile = run_cli("search", '"unbalanced AND (', "--db", str(db))
    assert hostile.returncode in (0, 2) and "Traceback" not in hostile.stderr
    art_id = found.stdout.split("\n")[1].split()[0]
    shown = run_cli("show", art_id[:8], "--db", str(db), "--format", "json")
    assert json.loads(shown.stdout)["id"] == art_id
    missing = run_cli("show", "ffffffffffff", "--db", str(db))
    assert (
        missing.returncode == 2 and missing.stderr.startswith("error:") and "Traceback" not in missing.stderr
    )
    jsonl = run_cli("export", "--db", str(db))
    assert len(jsonl.stdout.splitlines()) == 3
    parquet = tmp_path / "spans.parquet"
    run_cli("export", "--format", "parquet", "--db", str(db), "-o", str(parquet))
    import pandas as pd

    df = pd.read_parquet(parquet)
    assert {"article_id", "title", "layer", "label", "actor", "attrs_json"} <= set(df.columns)
    assert (df.layer == "entity").any() and "attrs" not in df.columns
    csv = run_cli("export", "--format", "csv", "--table", "articles", "--db", str(db))
    assert csv.stdout.count("\n") >= 4 and csv.stdout.startswith("id,")


def test_missing_store_is_a_clear_error(tmp_path):
    res = run_cli("search", "x", "--db", str(tmp_path / "nope.db"))
    assert res.returncode == 2 and "nope.db" in res.stderr and "Traceback" not in res.stderr


def test_ingest_killed_and_resumed(tmp_path):
    """SIGKILL half-way, run again: every article stored exactly once."""
    n = 300
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(json.dumps(r) + "\n" for r in synth_articles(n, words=120, seed=7)), encoding="utf-8"
    )
    db = tmp_path / "resume.db"
    cmd = [sys.executable, "-m", "newsprobe.cli", "ingest", str(feed), "--db", str(db), "--batch-size", "10"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = 0
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as con:
                    stored = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if stored >= 30:
                break
    assert proc.poll() is None, "ingest finished before it could be killed: make the feed bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as con:
        part = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert 0 < part < n
    res = run_cli("ingest", str(feed), "--db", str(db), "--batch-size", "50")
    assert res.returncode == 0, res.stderr
    assert f"stored {n - part}, duplicates skipped {part}, failed 0" in res.stderr
    with sqlite3.connect(db) as con:
        total, distinct = con.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM articles").fetchone()
        fts = con.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0]
        orphans = con.execute(
            "SELECT COUNT(*) FROM spans WHERE article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()[0]
    assert total == distinct == fts == n and orphans == 0


def test_eval_checkworthy_prints_json(tmp_path):
    tsv = tmp_path / "cw.tsv"
    rows = [
        "Sentence_id\tText\tclass_label",
        "1\tMore than 3,200 militants have been killed in clashes with government forces in recent weeks.\tYes",
        "2\tThank you all for coming tonight.\tNo",
        "3\tUnemployment fell to 4.1 percent last year, the lowest level in a decade.\tYes",
    ]
    tsv.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8"))
    res = run_cli("eval", "checkworthy", "--tsv", str(tsv))
    assert res.returncode == 0, res.stderr
    scores = json.loads(res.stdout)
    assert {"precision", "recall", "f1", "accuracy"} <= set(scores)
    assert scores["accuracy"] == 1.0 and scores["f1"] == 1.0
    missing = run_cli("eval", "checkworthy", "--tsv", str(tmp_path / "nope.tsv"))
    assert missing.returncode == 2 and "nope.tsv" in missing.stderr and "Traceback" not in missing.stderr
