"""Articles in other languages than English: the English-only layers (registry flag `english_only`) are skipped and
the summary says so; clean text, metadata and the other layers stay. Texts written by us."""

from __future__ import annotations

import pytest

from newsprobe.layers import LAYERS

RUSSIAN = (
    "Городской совет Самары утвердил бюджет на следующий год. Депутаты заявили, что расходы на школы и "
    "больницы вырастут почти на десять процентов. Заседание прошло 2024-03-05 в здании мэрии, и журналисты "
    "спросили мэра о ремонте дорог. Он сказал, что работы начнутся весной, если погода позволит."
)
PORTUGUESE = (
    "A prefeitura de Belo Horizonte anunciou um novo plano para o transporte público. Segundo o secretário de "
    "mobilidade, as linhas de ônibus serão reorganizadas até o fim do ano. Os moradores disseram que o Monster "
    "da avenida principal precisa de mais faixas exclusivas, e a reunião de 2023-11-20 terminou sem acordo."
)
ENGLISH_ONLY = {layer.name for layer in LAYERS if layer.english_only}


@pytest.mark.parametrize(("text", "language"), [(RUSSIAN, "ru"), (PORTUGUESE, "pt")])
def test_english_only_layers_are_skipped_and_said_to_be(text, language, validator):
    import newsprobe

    art = newsprobe.analyze(text)
    assert art.language == language
    assert art.text.startswith(text[:40])
    skipped = art.summary["skipped"]
    assert set(skipped) == ENGLISH_ONLY and ENGLISH_ONLY >= {"attribution", "claims", "techniques"}
    assert all(why == f"language {language}: English-only layer" for why in skipped.values())
    produced = {s.layer for s in art.spans}
    assert not produced & {LAYERS.get(n).span_layer for n in ENGLISH_ONLY}
    assert "sentence" in produced  # the layers that are not English-only still ran
    assert any(s.layer == "date" and s.attrs.get("value", "").startswith(("2024-03-05", "2023-11-20"))
               for s in art.spans)
    for name in ENGLISH_ONLY:
        assert LAYERS.get(name).span_layer not in art.summary
    assert not list(validator.iter_errors(art.to_dict()))


def test_an_english_article_skips_nothing():
    import newsprobe

    art = newsprobe.analyze("The council approved the budget on Monday. Officials said schools would get more "
                            "money, and the mayor promised new roads by spring.")
    assert art.language == "en"
    assert "skipped" not in art.summary
    assert any(s.layer == "attribution" for s in art.spans)


def test_the_report_names_the_skipped_layers():
    from rich.console import Console

    import newsprobe
    from newsprobe.core.report import print_report

    console = Console(record=True, width=200)
    print_report(newsprobe.analyze(RUSSIAN), console)
    out = console.export_text()
    assert "attribution skipped (language ru: English-only layer)" in out
