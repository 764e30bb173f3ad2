"""`newsprobe spark analyze` gives the local pipeline's answers; `newsprobe load` brings them into a store.

One Spark session (local[2]) and one job over a corpus of about 50 articles in every input format (with boilerplate
across a site, a duplicate, broken files and a missing path), compared with the local run on the same paths. The
local run's chunk size is set so that a site's pages straddle two chunks, the first holding only two of them: the
local run keeps the site's footer on those two pages and drops it from the rest, and so must Spark.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import newsprobe.run
from newsprobe.cli import app
from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import Article, IngestError
from newsprobe.io.export import extract_df, flat
from newsprobe.io.read import iter_documents

sys.path.insert(0, str(Path(__file__).resolve().parent))
import spark_corpus  # noqa: E402

runner = CliRunner()


@pytest.fixture(scope="module")
def spark():
    from newsprobe.spark.session import spark_session

    with spark_session("local[2]", {"spark.sql.shuffle.partitions": "4"}) as session:
        yield session


@pytest.fixture(scope="module")
def job(tmp_path_factory, spark):
    """The corpus, the local run over it and the Spark job's output, with a chunk size that splits the site."""
    root = tmp_path_factory.mktemp("spark")
    corpus = spark_corpus.build(root)
    paths = [str(corpus), str(root / "missing")]
    order = [item.source for item in iter_documents(paths)]
    first_page = next(i for i, source in enumerate(order) if "/site/page" in source)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(newsprobe.run, "CHUNK", first_page + 2)  # two site pages in one chunk, six in the next
        local = list(newsprobe.run.analyze_paths(paths))
        out = root / "out"
        result = runner.invoke(app, ["spark", "analyze", *paths, "--out", str(out), "--batch-size", "4",
                                     "--partitions", "3"])
    articles = [a for a in local if isinstance(a, Article)]
    unique: dict[str, Article] = {}
    for art in articles:  # the first of each id, in order, as `ingest` keeps it
        unique.setdefault(art.id, art)
    return {"root": root, "corpus": corpus, "paths": paths, "local": local, "unique": list(unique.values()), "out": out,
            "cli": result, "articles": pd.read_parquet(out / "articles"), "spans": pd.read_parquet(out / "spans"),
            "failures": pd.read_parquet(out / "failures")}


def test_the_corpus_is_what_the_test_needs(job):
    arts, unique = [a for a in job["local"] if isinstance(a, Article)], job["unique"]
    assert len(unique) >= 48 and len(arts) == len(unique) + 1  # one exact copy
    pages = sorted((a for a in unique if "/site/page" in (a.source or "")), key=lambda a: a.source)
    assert [spark_corpus.FOOTER in a.text for a in pages] == [True, True] + [False] * 6
    for kind in (".txt", ".txt.gz", ".html.gz", ".jsonl#line", ".csv#row", ".warc.gz#record"):
        assert any(kind in a.source and (kind[-1] != "z" or a.source.endswith(kind)) for a in unique), kind


def test_spark_gives_the_local_articles_and_spans(job):
    from newsprobe.spark.tables import articles_from_tables

    assert job["cli"].exit_code == 1, job["cli"].output  # failures were found, as `newsprobe analyze` says
    rebuilt = list(articles_from_tables(job["articles"], job["spans"]))
    assert [a.id for a in rebuilt] == [a.id for a in job["unique"]]  # the local order, each article once
    for got, want in zip(rebuilt, job["unique"], strict=True):
        assert got.to_dict() == want.to_dict(), want.source
    want_spans = flat(extract_df(job["unique"], "spans"))
    assert list(job["spans"].columns) == list(want_spans.columns)
    assert _records(job["spans"]) == _records(want_spans)


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows with every missing cell as None: a column with no value at all reads back from Parquet as NaN."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


def test_the_articles_table_has_the_export_columns_and_cells(job):
    want = flat(extract_df(job["unique"], "articles"))
    got = job["articles"]
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for name in want.columns:
        for g, w in zip(got[name], want[name], strict=True):
            if pd.isna(w):
                assert pd.isna(g), name
            else:
                assert g == w, name  # a count is an integer in both (pandas makes a float of one with gaps)


def test_bad_inputs_are_failure_rows_with_their_reason(job):
    want = [(e.source, e.reason) for e in job["local"] if isinstance(e, IngestError)]
    assert len(want) >= 4 and any("no such file" in r for _, r in want)
    assert sorted(map(tuple, job["failures"][["source", "reason"]].values.tolist())) == sorted(want)
    out = job["cli"].output
    assert "1 duplicates skipped" in out and f"{len(want)} failures" in out
    assert "error: corpus" in out or "error:" in out


def test_the_pipeline_is_loaded_once_per_worker_process(job):
    m = re.search(r"\((\d+) partitions, (\d+) worker processes, (\d+) pipeline loads\)", job["cli"].output)
    assert m, job["cli"].output
    partitions, workers, loads = map(int, m.groups())
    assert partitions == 3 and workers <= 2 < partitions  # some process ran more than one task ...
    assert loads == workers  # ... and built its pipeline once


def test_load_then_show_gives_the_local_analysis(job):
    db = job["root"] / "loaded.db"
    result = runner.invoke(app, ["load", str(job["out"]), "--db", str(db)])
    assert result.exit_code == 0, result.output
    n_failures = len(job["failures"])
    assert f"stored {len(job['unique'])}, duplicates skipped 0, failures recorded {n_failures}" in result.output
    for art in job["unique"]:
        shown = runner.invoke(app, ["show", art.id, "--db", str(db), "--format", "json"])
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.stdout) == art.to_dict(), art.source
    again = runner.invoke(app, ["load", str(job["out"]), "--db", str(db)])
    assert f"stored 0, duplicates skipped {len(job['unique'])}, failures recorded 0" in again.output


def test_uris_and_hive_folders_give_the_same_articles(job, spark):
    """A URI goes through Spark's binaryFile source (any file system Spark reads), then newsprobe's readers; with
    --partition-by outlet the tables are split in outlet=... folders, which `load` reads back."""
    from newsprobe.io.store import Store
    from newsprobe.spark.analyze import Options, run
    from newsprobe.spark.load import load

    corpus = job["corpus"]
    out = job["root"] / "out-uri"
    uris = [(corpus / "gz").as_uri(), (corpus / "crawl.warc.gz").as_uri(), (corpus / "broken").as_uri()]
    result = run(spark, uris, str(out), Options(batch_size=4, partition_by=("outlet",)))
    assert {p.name.split("=")[0] for p in (out / "articles").iterdir() if p.is_dir()} == {"outlet"}
    with Store(job["root"] / "uri.db") as store:
        loaded = load(out, store)
        got = list(store.iter_articles())
        failures = store.failures()
    local = {a.source: a for a in job["unique"]}
    assert len(got) == result.articles == loaded.stored >= 10
    for art in got:
        assert art.source.startswith("file:/")
        want = local[str(corpus) + art.source.split(str(corpus), 1)[1]]
        assert art.to_dict() == {**want.to_dict(), "source": art.source}
    want_failures = [e.reason for e in job["local"] if isinstance(e, IngestError) and "/broken/" in e.source]
    assert sorted(r for _, r in failures) == sorted(want_failures)
    assert all(s.startswith("file:/") for s, _ in failures)


def test_bad_options_are_one_line_errors(job, spark):
    from newsprobe.spark.analyze import Options, run

    with pytest.raises(NewsprobeError, match="exists and is not empty"):
        run(spark, [str(job["corpus"])], str(job["out"]), Options())
    with pytest.raises(NewsprobeError, match="--partition-by section: choose a column of both tables: outlet"):
        run(spark, [str(job["corpus"])], str(job["root"] / "x"), Options(partition_by=("section",)))


def test_load_refuses_what_is_not_spark_output(tmp_path):
    result = runner.invoke(app, ["load", str(tmp_path), "--db", str(tmp_path / "x.db")])
    assert isinstance(result.exception, NewsprobeError) and "not the output of" in str(result.exception)


def test_a_missing_java_is_reported_with_how_to_install_it(monkeypatch):
    from newsprobe.spark import session

    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(NewsprobeError, match="apt-get install openjdk-17-jre-headless"):
        session.require_java()


def test_an_article_the_pipeline_fails_on_is_a_failure_row_not_a_failed_batch(monkeypatch):
    from newsprobe.core.model import Article as Art
    from newsprobe.spark import worker

    def analyse(arts, batch_size, nlp):
        for art in arts:
            if "BOOM" in art.text:
                raise ValueError("cannot parse this")
            art.spans = []
            yield art

    monkeypatch.setattr("newsprobe.run.analyse", analyse)
    batch = [(i, Art(id=f"a{i}", text=text, source=f"f{i}.txt").to_json()) for i, text in
             enumerate(["Fine text.", "BOOM goes this one.", "Also fine."])]
    rows, done = worker._analyse_batch(batch, nlp=None, size=8)
    assert [r["kind"] for r in rows] == ["article", "error", "article"]
    assert [art.id for _, art in done] == ["a0", "a2"]
    assert rows[1]["source"] == "f1.txt" and rows[1]["reason"] == "cannot analyse: ValueError: cannot parse this"


def test_the_local_jvm_setting_is_for_analyze_on_one_machine_only(monkeypatch, tmp_path):
    import newsprobe.spark.session as session

    key = "spark.driver.extraJavaOptions"
    assert session.session_settings(True, session.PYTHON_BOUND_LOCAL)[key] == "-XX:TieredStopAtLevel=1"
    assert key not in session.session_settings(True)  # spark copies: joins and shuffles are the JVM's own work
    assert key not in session.session_settings(False, session.PYTHON_BOUND_LOCAL)  # a cluster is left as it is
    seen = []

    def fake(master=None, conf=None, app_name="newsprobe", local_conf=None):
        seen.append((conf, local_conf))
        raise NewsprobeError("stop here")

    monkeypatch.setattr(session, "spark_session", fake)
    (tmp_path / "a.txt").write_text("Police said on Monday that the road was open.", encoding="utf-8")
    for args in (["analyze", str(tmp_path / "a.txt"), "--out", str(tmp_path / "o")],
                 ["copies", "--in", str(tmp_path / "a.txt"), "--out", str(tmp_path / "c")]):
        result = CliRunner().invoke(app, ["spark", *args])
        assert "stop here" in result.output + str(result.exception)
    assert seen == [({}, session.PYTHON_BOUND_LOCAL), ({}, None)]
