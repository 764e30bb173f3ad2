"""Tools used to annotate the sourcing gold set (`bench/sourcing_gold/`) by hand; see docs/sourcing-guideline.md.

`dump NAME...` prints each PolNeAR article with its gold attributions marked, for a person to read: the source as
`[[n|source]]` (the cue as `<<n|cue>>` when there is no source) and the content's start as `{n:`. The annotator
writes one line per article into a codes file: `NAME: 1P 2P 3A ...` (codes in `CODES`). `build CODES SPLIT...`
turns the codes into one gold file per article: offsets into the text under ../shared and the text's SHA-256, no
text copied.

    python bench/sourcing_annotate.py dump train/usa-today_2016-07-15_ginsburg-apologizes-for-trump-co
    python bench/sourcing_annotate.py build codes.txt dev=...  (see main)
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprobe.layers.attribution.evaluate import read_brat_dir  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
POLNEAR = DATA / "polnear" / "data"
GOLD = ROOT / "bench" / "sourcing_gold"
CODES = {"P": "named_person", "O": "named_org", "F": "official", "D": "document", "M": "media",
         "G": "unnamed_group", "A": "anonymous", "U": "author", "X": "unresolved"}


def load(ref: str):
    split, name = ref.split("/", 1)
    return split, name, read_brat_dir(POLNEAR / split)[name]


def dump(ref: str) -> str:
    split, name, doc = load(ref)
    marks: list[tuple[int, int, str]] = []  # (position, order, insertion)
    for n, att in enumerate(doc.attributions, start=1):
        if att.source:
            s, e = att.source[0][0], att.source[-1][1]
            marks += [(s, 0, f"[[{n}|"), (e, 2, "]]")]
        elif att.cue:
            s, e = att.cue[0][0], att.cue[-1][1]
            marks += [(s, 0, f"<<{n}|"), (e, 2, ">>")]
        if att.content:
            marks.append((att.content[0][0], 1, f"{{{n}:"))
    text = doc.text
    for pos, _, ins in sorted(marks, key=lambda m: (m[0], m[1]), reverse=True):
        text = text[:pos] + ins + text[pos:]
    return f"=== {split}/{name} ({len(doc.attributions)})\n{text}\n"


def build(codes_file: str, part: str) -> None:
    GOLD.mkdir(parents=True, exist_ok=True)
    for line in Path(codes_file).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        ref, _, rest = line.partition(":")
        split, name, doc = load(ref.strip())
        codes = dict(re.findall(r"(\d+)([A-Z])", rest))
        if len(codes) != len(doc.attributions):
            raise SystemExit(f"{ref}: {len(codes)} codes for {len(doc.attributions)} attributions")
        statements = []
        for n, att in enumerate(doc.attributions, start=1):
            statements.append({
                "content": [list(f) for f in att.content],
                "source": [list(f) for f in att.source] or None,
                "cue": [list(f) for f in att.cue] or None,
                "type": CODES[codes[str(n)]],
            })
        gold = {"text": f"polnear/data/{split}/text/{name}.txt",
                "sha256": hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
                "part": "heldout" if split == "dev" else "development",
                "statements": statements}
        (GOLD / f"{name}.json").write_text(json.dumps(gold, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        for ref in sys.argv[2:]:
            print(dump(ref))
    elif sys.argv[1] == "build":
        build(sys.argv[2], "")
