"""`newsprobe spark copies` finds the families `newsprobe families` finds: the same members, kinds, first publishers,
credited flags, passages and edits, byte for byte in the JSON lines.

The corpus is the copy benchmark's generator (bench/copies_corpus.py: proxy copies with their edits, partial lifts,
same-event reports, lone articles; texts from ../shared/data) at a small size, plus one story republished by 55
mirrors, so that its fingerprints are held by more than `candidates.MAX_GROUP` articles and the anchor rule decides
its pairs. It goes through Spark twice: as JSON Lines read on the driver (components collected to the driver), and as
a Parquet articles table like `spark analyze` writes (components by iterative joins).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from newsprobe.cli import app
from newsprobe.core.errors import NewsprobeError
from newsprobe.corpus.copies import candidates, sketch
from newsprobe.corpus.copies.detect import find_families, records_from_documents
from newsprobe.io.read import iter_documents

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import copies_corpus  # noqa: E402

runner = CliRunner()
MIRRORS = 55


@pytest.fixture(scope="module")
def spark():
    from newsprobe.spark.session import spark_session

    with spark_session("local[2]", {"spark.sql.shuffle.partitions": "4"}) as session:
        yield session


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("spark-copies")
    records, _ = copies_corpus.make(seed=5, families=30, partials=12, negatives=15, singles=15)
    story = next(r for r in records if r.get("published"))
    rng = random.Random(7)
    for n in range(MIRRORS):
        paras = story["text"].split("\n\n")
        paras.insert(rng.randrange(len(paras) + 1), rng.choice(copies_corpus.DEBRIS))
        records.append({"id": f"mirror{n}", "text": "\n\n".join(paras), "outlet": f"mirror{n}.example",
                        "url": f"https://mirror{n}.example/story", "published": f"2019-05-{1 + n % 28:02d}"})
    path = root / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    recs = list(records_from_documents(iter_documents([str(path)])))
    found, stats = find_families(recs)
    return {"root": root, "path": path, "records": recs, "local": [json.dumps(f, ensure_ascii=False) for f in found],
            "stats": stats}


def _lines(out: Path) -> list[str]:
    return [line for part in sorted((out / "families_json").glob("part-*")) for line in part.read_text().splitlines()]


def test_the_corpus_has_what_the_comparison_needs(corpus):
    families = [json.loads(line) for line in corpus["local"]]
    kinds = {m["kind"] for f in families for m in f["members"]}
    credited = {m["credited"] for f in families for m in f["members"] if m["kind"] != "original"}
    assert len(families) >= 25 and kinds == {"original", "copy", "partial"} and credited == {True, False}
    assert len({f["basis"] for f in families}) >= 3
    sk = sketch.sketch([r.text for r in corpus["records"]])
    _, held_by = np.unique(np.unique(np.stack([sk.owner.astype(np.uint64), sk.value]), axis=1)[1],
                           return_counts=True)
    assert held_by.max() > candidates.MAX_GROUP  # the anchor rule is exercised


def test_jsonl_read_on_the_driver_gives_the_local_families(corpus, spark):
    out = corpus["root"] / "out-jsonl"
    result = runner.invoke(app, ["spark", "copies", "--in", str(corpus["path"]), "--out", str(out),
                                 "--master", "local[2]", "--conf", "spark.sql.shuffle.partitions=4"])
    assert result.exit_code == 0, result.output
    assert "components driver" in result.output
    stats = corpus["stats"]
    assert f"{stats.candidates} candidate pair(s), {stats.links} copy relation(s)" in result.output
    assert _lines(out) == corpus["local"]
    _tables_agree_with_the_json(out, corpus["local"], stats.links)


def test_a_parquet_articles_table_gives_the_same_families_with_components_by_joins(corpus, spark):
    """The table `spark analyze` writes (DIR/articles, part files in order); the lines cleaning removed are in
    `removed`, as there. Components are found by iterative joins (forced by --driver-edges 0)."""
    from newsprobe.spark.copies import Options, run

    recs = corpus["records"]
    table = corpus["root"] / "analyzed" / "articles"
    table.mkdir(parents=True)
    rows = [{"id": r.id, "text": r.text, "title": r.title, "outlet": r.outlet, "url": r.url,
             "published": r.published, "removed": "[]", "source": r.source} for r in recs]
    assert all(r.source for r in recs)  # the table carries where each article was read from, as spark analyze's does
    half = len(rows) // 2
    pd.DataFrame(rows[:half]).to_parquet(table / "part-00000-x.parquet")
    pd.DataFrame(rows[half:]).to_parquet(table / "part-00001-x.parquet")
    out = corpus["root"] / "out-parquet"
    result = run(spark, str(table.parent), str(out), Options(driver_edges=0))
    assert result.components.startswith("joins") and result.articles == len(recs)
    assert _lines(out) == corpus["local"]


def _tables_agree_with_the_json(out: Path, lines: list[str], links: int) -> None:
    families = [json.loads(line) for line in lines]
    table = pd.read_parquet(out / "families")
    assert sorted(table["family"]) == sorted(f["family"] for f in families)
    for f in families:
        row = table[table["family"] == f["family"]].iloc[0]
        assert row["size"] == len(f["members"]) and row["basis"] == f["basis"]
        assert (row["first_id"] if isinstance(row["first_id"], str) else None) == (f["first"] or {}).get("id")
    members = pd.read_parquet(out / "members")
    want = sorted((f["family"], m["id"], m["kind"], m["credited"], m["source"]) for f in families
                  for m in f["members"])
    got = sorted((r.family, r.id, r.kind, None if pd.isna(r.credited) else bool(r.credited),
                  r.source if isinstance(r.source, str) else None) for r in members.itertuples())
    assert got == want
    pairs = pd.read_parquet(out / "pairs")
    assert len(pairs) == links and set(pairs["kind"]) == {"copy", "partial"}
    assert (pairs["fingerprints"] >= 1).all() and (pairs["a_id"] != pairs["b_id"]).all()


def test_fingerprint_rows_are_the_local_sketch():
    from newsprobe.spark.copies_worker import fingerprints

    passage, filler = " ".join(f"w{i}" for i in range(40)), " ".join(f"x{i}" for i in range(60))
    texts = [f"{passage} {filler} {passage}", "short text", "", "Alpha beta gamma delta epsilon zeta " * 30]
    df = pd.DataFrame({"key": [10, 11, 12, 13], "id": ["a", "b", "c", "d"], "text": texts})
    got = pd.concat(list(fingerprints(iter([df]))))
    for key, art_id, text in zip(df["key"], df["id"], texts, strict=True):
        rows = got[got["key"] == key]
        want = sketch.fingerprints(text)
        assert sorted(rows["fp"].to_numpy().view(np.uint64).tolist()) == want.tolist()
        assert (rows["rank"] == candidates.anchor_key(art_id)).all()
        assert (rows["n"] == len(sketch.sketch([text]).value)).all()  # counted with repeats, as candidates.pairs
    assert (got[got["key"] == 10]["n"] > len(sketch.fingerprints(texts[0]))).all()  # a repeated passage repeats some


def test_bad_inputs_are_one_line_errors_and_a_lone_article_no_family(corpus, spark, tmp_path):
    from newsprobe.spark.copies import Options, run

    with pytest.raises(NewsprobeError, match="no such file or directory"):
        run(spark, str(tmp_path / "missing"), str(tmp_path / "o1"), Options())
    (tmp_path / "t").mkdir()
    pd.DataFrame({"id": ["a"], "body": ["x"]}).to_parquet(tmp_path / "t" / "part-0.parquet")
    with pytest.raises(NewsprobeError, match="no text column"):
        run(spark, str(tmp_path / "t"), str(tmp_path / "o2"), Options())
    with pytest.raises(NewsprobeError, match="exists and is not empty"):
        run(spark, str(corpus["path"]), str(corpus["root"]), Options())
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps({"text": corpus["records"][0].text, "outlet": "x.example"}) + "\n{broken\n")
    result = run(spark, str(one), str(tmp_path / "o3"), Options())
    assert (result.articles, result.candidates, result.families) == (1, 0, 0)
    assert len(result.unreadable) == 1 and "one.jsonl" in result.unreadable[0][0]
    assert _lines(tmp_path / "o3") == [] and len(pd.read_parquet(tmp_path / "o3" / "families")) == 0
