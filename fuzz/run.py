"""Run one fuzz harness under atheris (libFuzzer): `python fuzz/run.py NAME [libFuzzer options]`.

The corpus (fuzz/corpus/NAME/, not committed) starts from the harness's seeds and grows from run to run; a crash is
saved as fuzz/crashes/NAME-crash-..., to be copied into fuzz/regressions/NAME/ with the fix. Examples:
    python fuzz/run.py html -max_total_time=60
    python fuzz/run.py csv -runs=1000000
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> None:
    import atheris

    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.exit(f"usage: {sys.argv[0]} NAME [libFuzzer options]")
    name = sys.argv[1]
    with atheris.instrument_imports(include=["newsprobe"]):
        import harnesses

        import newsprobe.io.clean  # noqa: F401  (instrument what the harnesses reach)
        import newsprobe.io.prepare  # noqa: F401
        import newsprobe.io.read  # noqa: F401
        import newsprobe.layers.claims.quantities  # noqa: F401
        import newsprobe.layers.dates.component  # noqa: F401
    if name not in harnesses.HARNESSES:
        sys.exit(f"unknown harness {name!r}: choose from {', '.join(harnesses.HARNESSES)}")
    target = harnesses.HARNESSES[name]
    corpus = HERE / "corpus" / name  # kept between runs (not committed), so each run starts where the last stopped
    corpus.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(harnesses.seeds(name)):
        (corpus / f"seed-{i}").write_bytes(seed)
    for seed in sorted((HERE / "regressions" / name).glob("*")):
        (corpus / f"regression-{seed.name}").write_bytes(seed.read_bytes())
    # Warm up outside the per-input timeout: imports and tables loaded on first use (trafilatura's fallback loads the
    # stop-word lists of every language, about 15 s on a busy machine, which read as a timeout before).
    harnesses.warm_up()
    for seed in [*harnesses.seeds(name), *(p.read_bytes() for p in sorted((HERE / "regressions" / name).glob("*")))]:
        target(seed)
    crashes = HERE / "crashes"
    crashes.mkdir(exist_ok=True)
    args = [sys.argv[0], *sys.argv[2:], f"-artifact_prefix={crashes}/{name}-", "-timeout=20", "-rss_limit_mb=3072",
            "-max_len=65536", str(corpus)]
    atheris.Setup(args, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
