"""The article's fields are defined once (the dataclasses); the JSON Schema, the API's OpenAPI schema, the store's
rows and the exporter's columns must name the same fields."""

from __future__ import annotations

import dataclasses

from newsprobe.core.model import ARTICLE_FIELDS, SCALAR_FIELDS, Article, Removed, Span
from newsprobe.core.schema import article_model, json_schema


def _fields(cls) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def test_json_schema_names_the_model_fields() -> None:
    schema = json_schema()
    assert set(schema["properties"]) == _fields(Article) | {"schema"}
    span = schema["properties"]["spans"]["items"]
    removed = schema["properties"]["removed"]["items"]
    assert set(span["properties"]) == set(span["required"]) == _fields(Span)
    assert set(removed["properties"]) == _fields(Removed)
    assert set(schema["required"]) >= {"schema", "id", "text", "spans"}


def test_openapi_schema_is_derived_from_the_model() -> None:
    model = article_model()
    openapi = model.model_json_schema(by_alias=True)
    assert set(openapi["properties"]) == _fields(Article) | {"schema"}
    assert list(openapi["properties"])[1:] == list(ARTICLE_FIELDS)
    assert set(openapi["$defs"]["Span"]["properties"]) == _fields(Span)
    # a dataclass field added later shows up in the API without another edit
    art = Article(id="a1", text="Some text.", title="T")
    assert model.model_validate(art.to_dict()).model_dump(by_alias=True) == art.to_dict()


def test_store_and_export_columns_come_from_the_model(tmp_path) -> None:
    from newsprobe.io.export import ARTICLE_COLUMNS, extract_df
    from newsprobe.io.store import Store

    with Store(tmp_path / "x.db") as store:
        columns = {row[1] for row in store.connection.execute("PRAGMA table_info(articles)")}
    assert set(SCALAR_FIELDS) <= columns
    assert set(ARTICLE_COLUMNS) | {"text"} == set(SCALAR_FIELDS)
    art = Article(id="a1", text="Some text.", outlet="X", spans=[Span("entity", 0, 4, "ORG", "Some")])
    assert set(extract_df([art], "articles").columns) >= set(SCALAR_FIELDS)
    span_columns = set(extract_df([art], "spans").columns)
    assert {"article_id", "attrs_json", *_fields(Span)} - {"attrs"} <= span_columns
    assert "attrs" not in span_columns  # pandas reserves DataFrame.attrs


def test_round_trip_through_the_one_deserialiser() -> None:
    art = Article(id="a1", text="Mayor Ruiz said so.", outlet="X", removed=[Removed("Share", "social", 3)],
                  spans=[Span("entity", 6, 10, "PERSON", "Ruiz", {"canonical": "Ana Ruiz"})], summary={"words": 4})
    assert Article.from_dict(art.to_dict()) == art
