"""newsprobe on Apache Spark: the same analyses over corpora larger than one machine, with the same answers.

One job per module, each a `run(spark, ..., options) -> result` the CLI (`cli.py`, `newsprobe spark <job>`) wraps:
- `analyze.py`: `newsprobe spark analyze` (files to Parquet tables, as `ingest` + `export` would make them);
- `copies.py`: `newsprobe spark copies` (copies and story families of an articles table, the families of
  `newsprobe families`), with what its executors run in `copies_worker.py`.

Shared: `session.py` (Java/pyspark checks, a session local by default), `inputs.py` (paths and URIs to a DataFrame of
files in newsprobe's order), `worker.py` (what executors run: newsprobe's own readers and pipeline on pandas
batches, the pipeline loaded once per Python worker), `tables.py` (the export's columns for Spark, and articles
rebuilt from the tables), `load.py` (`newsprobe load`: the tables into a store, no Spark needed).
"""
