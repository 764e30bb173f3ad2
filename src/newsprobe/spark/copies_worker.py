"""What the executors run for `newsprobe spark copies`: pandas batches in, pandas batches out, and in between the very
functions `newsprobe families` runs on one machine (`corpus.copies.sketch`, `detect._verify_chunk`, `detect.node_of`,
`families.build`). Nothing here imports pyspark, so it can be tested without a JVM.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pandas as pd

from newsprobe.corpus.copies import candidates, sketch
from newsprobe.corpus.copies.detect import BATCH, Record, _verify_chunk, node_of
from newsprobe.corpus.copies.families import Link, build

FINGERPRINT_SCHEMA = "key bigint, fp bigint, rank bigint, n bigint"
ALIGNED_SCHEMA = "kind string, a bigint, b bigint, data string"
FAMILY_SCHEMA = "comp bigint, family string, size bigint, json string"
PAIR_CHUNK = 1000  # pairs aligned together (as the local run's chunks): each text in them is prepared once


def fingerprints(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """(key, text) rows to one row per distinct fingerprint of each text, with the text's anchor rank and its number
    of fingerprints counted as `candidates.pairs` counts them (with repeats). Texts are sketched in batches of
    `detect.BATCH`, which gives each text the fingerprints it has alone."""
    for df in batches:
        keys = df["key"].to_numpy(dtype=np.int64)
        ids = df["id"].tolist()
        texts = [t or "" for t in df["text"].tolist()]
        out = []
        for s in range(0, len(texts), BATCH):
            sk = sketch.sketch(texts[s: s + BATCH])
            counts = np.bincount(sk.owner, minlength=len(sk.words))
            order = np.argsort(sk.owner, kind="stable")
            bounds = np.concatenate([[0], np.cumsum(counts)])
            for d in np.flatnonzero(counts).tolist():
                values = np.unique(sk.value[order[bounds[d]: bounds[d + 1]]])
                out.append(pd.DataFrame({
                    "key": np.full(len(values), keys[s + d], dtype=np.int64),
                    "fp": values.view(np.int64),
                    "rank": np.full(len(values), candidates.anchor_key(ids[s + d]), dtype=np.int64),
                    "n": np.full(len(values), counts[d], dtype=np.int64),
                }))
        yield (pd.concat(out, ignore_index=True) if out
               else pd.DataFrame({c: pd.Series(dtype=np.int64) for c in ("key", "fp", "rank", "n")}))


def align(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """(a, b, text_a, text_b) rows of candidate pairs to the copy relations found (`link` rows: a, b, the relation
    record as JSON, side "a" being text a) and the credit phrases of every text in one (`credits` rows: a, JSON).
    Each chunk of pairs goes through `detect._verify_chunk`, what the local run calls on its chunks."""
    for df in batches:
        rows: list[tuple[str, int, int | None, str]] = []
        a_all, b_all = df["a"].tolist(), df["b"].tolist()
        ta_all, tb_all = df["text_a"].tolist(), df["text_b"].tolist()
        for s in range(0, len(a_all), PAIR_CHUNK):
            a, b = a_all[s: s + PAIR_CHUNK], b_all[s: s + PAIR_CHUNK]
            texts = dict(zip(a, ta_all[s: s + PAIR_CHUNK], strict=True))
            texts.update(zip(b, tb_all[s: s + PAIR_CHUNK], strict=True))
            links, credits = _verify_chunk((a, b, texts))
            rows += [("link", link.a, link.b, json.dumps(link.rel, ensure_ascii=False)) for link in links]
            rows += [("credits", k, None, json.dumps(c, ensure_ascii=False)) for k, c in credits.items()]
        yield pd.DataFrame(rows, columns=["kind", "a", "b", "data"], dtype=object)


def families(links: pd.DataFrame, nodes: pd.DataFrame) -> pd.DataFrame:
    """The connected components of the link graph in one group (copy and partial links together: everything that
    decides their families) to their families, by `families.build` per component, as the local run calls it on the
    whole graph. Rows: comp, family id, size, the family's JSON line as `newsprobe families --format json` prints
    it. A group holds many components (a call per component would cost more than the component)."""
    by_comp: dict[int, list[Link]] = {}
    for comp, a, b, rel in zip(links["comp"], links["a"], links["b"], links["rel"], strict=True):
        by_comp.setdefault(int(comp), []).append(Link(int(a), int(b), json.loads(rel)))
    all_nodes = _nodes(nodes)
    members: dict[int, dict] = {}
    for comp, key in zip(nodes["comp"], nodes["key"], strict=True):
        members.setdefault(int(comp), {})[int(key)] = all_nodes[int(key)]
    rows = []
    for comp in sorted(by_comp):
        for f in build(members.get(comp, {}), by_comp[comp]):
            rows.append((comp, f["family"], len(f["members"]), json.dumps(f, ensure_ascii=False)))
    return pd.DataFrame(rows, columns=["comp", "family", "size", "json"])


def _nodes(df: pd.DataFrame) -> dict:
    """`families.Node`s as the local run makes them (`detect.node_of`: the text's credit phrases and those of the lines
    cleaning removed)."""
    out = {}
    for row in df.to_dict("records"):
        rec = Record(row["id"], "", _text(row.get("outlet")), _text(row.get("url")), _text(row.get("published")),
                     _text(row.get("title")), removed_lines(row.get("removed")), _text(row.get("source")))
        out[int(row["key"])] = node_of(int(row["key"]), rec, json.loads(row["credits"]))
    return out


def removed_lines(removed: str | None) -> tuple[str, ...]:
    """The lines cleaning removed, from the articles table's `removed` cell (JSON: `Removed` objects, or lines)."""
    items = json.loads(removed) if isinstance(removed, str) and removed else []
    return tuple(item.get("text", "") if isinstance(item, dict) else str(item) for item in items)


def _text(value) -> str | None:
    return value if isinstance(value, str) else None
