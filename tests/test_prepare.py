import pytest

from newsprobe.core.model import Document, IngestError
from newsprobe.io.prepare import detect_language, normalize_published, outlet_from_url, prepare


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2016-08-29", "2016-08-29"),
        ("2016-08-29T10:15:00+04:30", "2016-08-29T10:15:00"),
        ("Mon Aug 29, 2016 1:31", "2016-08-29"),
        ("29 August 2016", "2016-08-29"),
        ("August 29, 2016", "2016-08-29"),
        ("2016-02-30", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_published(raw, iso):
    assert normalize_published(raw) == iso


def test_outlet_from_url():
    assert outlet_from_url("https://www.example-news.org/a/b?x=1") == "example-news.org"
    assert outlet_from_url(None) is None


def test_language():
    assert detect_language("The army said on Monday that the road to the city was open again.") == "en"
    assert (
        detect_language("Le gouvernement a annoncé lundi que la route vers la ville était rouverte.") == "fr"
    )
    assert detect_language("ok") is None


def test_prepare_keeps_metadata_and_ids_content():
    doc = Document(
        source="x.jsonl#line 1",
        text="Some body text about the city.\n\nA second paragraph here.",
        title="A Headline",
        url="https://www.wire.example/story",
        published="12 May 2019",
    )
    art = prepare(doc)
    assert not isinstance(art, IngestError)
    assert art.title == "A Headline" and art.text.startswith("A Headline")
    assert art.outlet == "wire.example" and art.published == "2019-05-12"
    assert art.id == prepare(Document(source="other", text=doc.text)).id  # same content, same id
    assert art.id != prepare(Document(source="x", text=doc.text + " More.")).id


def test_prepare_rejects_debris_only_text():
    res = prepare(Document(source="junk.txt", text="Back to top button\n\nShare\n"))
    assert isinstance(res, IngestError) and "junk.txt" in str(res)


def test_prepare_is_cheap_no_spacy_and_no_layer():
    """Metadata is the cheap step before the parse (a resumed ingest skips stored articles there): importing it must not
    load spaCy or any layer. Run in a fresh interpreter, since this test session has loaded them already."""
    import subprocess
    import sys

    code = (
        "import sys, newsprobe.io.prepare as p;"
        "assert p.normalize_published('Tuesday, 14 May 2024 09:30 GMT') == '2024-05-14';"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc')"
        " or m.startswith('newsprobe.layers')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


GERMAN = ("Die Regierung hat am Montag angekündigt, dass die Straße zur Stadt nach drei Wochen wieder geöffnet wird. "
          "Die Händler an der Grenze wurden informiert, und der Verkehr soll am Mittwoch wieder rollen. ") * 3
ENGLISH = ("The ministry said on Monday that the road to the city would reopen after three weeks of closure. "
           "Traders at the crossing were told, and traffic is expected to flow again on Wednesday. ") * 3


def test_a_declared_language_the_text_plainly_contradicts_is_overruled():
    """Page templates declare one language for a whole site: German text under lang="en" would have gone through
    the English-only layers (their NER read "von Gesundheitsdaten aktiv mit ein" as a person)."""
    def lang(text: str, declared: str | None) -> str | None:
        return prepare(Document(source="p.html", text=text, language=declared)).language

    assert lang(GERMAN, "en") == "de" and lang(ENGLISH, "de") == "en"
    assert lang(ENGLISH, "en") == "en" and lang(GERMAN, None) == "de"
    assert lang("Kurz und gut: die Straße ist wieder offen.", "en") == "en"  # too little text to overrule
