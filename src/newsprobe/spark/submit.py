"""The file `spark-submit` starts: `spark-submit [options] .../newsprobe/spark/submit.py analyze INPUT... --out DIR`
runs `newsprobe spark analyze ...` with the master and settings spark-submit was given (docs/spark.md)."""

from __future__ import annotations

import sys

from newsprobe.cli import main

if __name__ == "__main__":
    sys.argv = ["newsprobe", "spark", *sys.argv[1:]]
    main()
