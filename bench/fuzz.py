"""Run every fuzz harness (fuzz/harnesses.py) under atheris and record executions, speed and crashes.

Each harness runs in its own process until 1,000,000 executions or `--seconds` seconds, whichever comes first
(the readers that go through trafilatura or write a file per input are far slower than the grammars, so on a laptop
not every harness reaches a million in a sitting: the table says which did). A crash stops that harness, its input is
saved under fuzz/crashes/, and the table says so; such an input is then fixed and moved to fuzz/regressions/NAME/,
where tests/test_fuzz.py replays it on every test run.

    nice -n 10 .venv/bin/python bench/fuzz.py --seconds 600 [NAME ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "fuzz"))

from report import write_section  # noqa: E402

TARGET_RUNS = 1_000_000
RESULTS = REPO / "fuzz" / "results.json"  # merged across runs, so harnesses can be run in several sittings
_DONE = re.compile(r"Done (\d+) runs in (\d+) second")
_PROGRESS = re.compile(r"#(\d+)\s+(?:pulse|NEW|REDUCE|DONE|INITED)")


def run_one(name: str, seconds: int) -> dict:
    crashes = REPO / "fuzz" / "crashes"
    before = set(crashes.glob(f"{name}-*")) if crashes.exists() else set()
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(REPO / "fuzz" / "run.py"), name, f"-runs={TARGET_RUNS}", f"-max_total_time={seconds}",
         "-print_final_stats=1"],
        capture_output=True, text=True, errors="replace", cwd=REPO,
    )
    wall = time.monotonic() - start
    log = proc.stdout + proc.stderr
    done = _DONE.search(log)
    runs = int(done.group(1)) if done else max((int(m) for m in _PROGRESS.findall(log)), default=0)
    found = sorted(str(p.relative_to(REPO)) for p in set(crashes.glob(f"{name}-*")) - before) if crashes.exists() \
        else []
    cov = re.findall(r"cov: (\d+)", log)
    return {"harness": name, "runs": runs, "seconds": round(wall, 1), "execs_per_s": round(runs / wall, 1),
            "coverage": int(cov[-1]) if cov else None, "crashes": found, "exit": proc.returncode,
            "date": time.strftime("%Y-%m-%d")}


def render(results: dict[str, dict]) -> str:
    rows = "\n".join(
        f"| {r['harness']} | {r['runs']:,} | {r['seconds']:,.0f} | {r['execs_per_s']:,.0f} | {r['coverage'] or ''} | "
        f"{'yes' if r['runs'] >= TARGET_RUNS else 'no'} | {len(r['crashes']) or 'none'} |"
        for r in sorted(results.values(), key=lambda r: r["harness"])
    )
    reached = sum(r["runs"] >= TARGET_RUNS for r in results.values())
    crashed = [r["harness"] for r in results.values() if r["crashes"]]
    total = sum(r["runs"] for r in results.values())
    speeds = [r["execs_per_s"] for r in results.values()]
    shortfall = "" if reached == len(results) else (
        "The readers write a file per input and go through encoding detection, the HTML ones through trafilatura, at "
        f"{min(speeds):,.0f} to {max(speeds):,.0f}"
        " inputs a second here: the million per harness is still to be run on a machine with free cores "
        "(`bench/fuzz.py --seconds 7200`, one harness per core). ")
    return f"""Coverage-guided fuzzing with atheris 2.3 (libFuzzer) of every reader and grammar (`fuzz/harnesses.py`):
each harness runs until {TARGET_RUNS:,} executions or its time cap, inputs up to 64 KB, 20 s per input (a slower
input counts as a crash), under `nice` on a 2-core machine shared with other jobs (load average
{os.getloadavg()[0]:.0f} when this table was written, so every harness ran at a fraction of one core). "cov" is
libFuzzer's count of covered edges in newsprobe's code. A harness fails on any exception a reader lets escape (readers
must report, not raise), on text unfit to store (lone surrogates, control characters), on broken offsets
(`parse_quantities`) or dates (`normalize_published`), and on a slow input.

| harness | executions | seconds | exec/s | cov | >= 1M | crashes |
| --- | ---: | ---: | ---: | ---: | :---: | ---: |
{rows}

**{reached} of {len(results)} harnesses reached {TARGET_RUNS:,} executions** ({total:,} executions in all);
{'crashes in: ' + ', '.join(crashed) if crashed else 'no crash'}. {shortfall}Found and fixed so far, each kept in
`fuzz/regressions/` and replayed by tests/test_fuzz.py: an impossible time in a publication date
(`2016-08-29T25:00`) raised in `normalize_published`; the extractor's first call (it loads the stop-word lists of
every language, about 15 s on this busy machine) read as a timeout, now warmed up before fuzzing. The span property
test (tests/test_span_properties.py) found a date span extending back over the date before it ("Monday Monday"),
fixed in the date layer.
"""


def main() -> None:
    from harnesses import HARNESSES

    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="*", default=list(HARNESSES))
    parser.add_argument("--seconds", type=int, default=600, help="time cap per harness")
    parser.add_argument("--render-only", action="store_true", help="rewrite the section from fuzz/results.json")
    args = parser.parse_args()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for name in [] if args.render_only else args.names:
        result = run_one(name, args.seconds)
        print(json.dumps(result), flush=True)
        results[name] = result
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    text = render(results)
    print(text)
    write_section("fuzz", text)


if __name__ == "__main__":
    main()
