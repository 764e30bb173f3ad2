"""The data model's schema for other tools: a pydantic model of `Article` for the HTTP API's OpenAPI document, built
from the dataclasses in `newsprobe.core.model` rather than written out again.

The committed JSON Schema (`core/schema/newsprobe-1.schema.json`) says more than the fields (each layer's attrs,
offsets inside the text); a test checks that it, this model and the dataclasses name the same fields.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, get_type_hints

from pydantic import ConfigDict, Field, create_model

from newsprobe.core.model import ARTICLE_FIELDS, SCHEMA, Article

SCHEMA_FILE = "newsprobe-1.schema.json"


@lru_cache(maxsize=1)
def article_model() -> type:
    """`Article` as a pydantic model named "Article", with the "schema" tag it carries in JSON."""
    hints = get_type_hints(Article)
    by_name = {f.name: f for f in dataclasses.fields(Article)}
    fields: dict[str, Any] = {
        "schema_": (Literal[SCHEMA], Field(SCHEMA, alias="schema", description="The data model's name and version."))
    }
    for name in ARTICLE_FIELDS:
        f = by_name[name]
        if f.default is not dataclasses.MISSING:
            spec = Field(f.default)
        elif f.default_factory is not dataclasses.MISSING:
            spec = Field(default_factory=f.default_factory)
        else:
            spec = Field(...)
        fields[name] = (hints[name], spec)
    return create_model("Article", __config__=ConfigDict(populate_by_name=True), **fields)


def json_schema() -> dict[str, Any]:
    """The committed JSON Schema of the output format."""
    import json

    return json.loads(resources.files("newsprobe.core").joinpath("schema", SCHEMA_FILE).read_text(encoding="utf-8"))
