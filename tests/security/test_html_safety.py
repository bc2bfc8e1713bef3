"""The checker itself: it must catch every payload of the corpus when a page lets it through.

Without this, a checker that flags nothing would make every XSS test pass.
"""

import markdown
import pytest

from .html_safety import check_html, json_scripts
from .xss_payloads import PAYLOADS

PAGE = "<!doctype html><html><head><title>t</title></head><body><main>{}</main></body></html>"


def test_the_corpus_has_at_least_fifty_payloads_of_every_kind():
    assert len(PAYLOADS) >= 50
    assert {payload.kind for payload in PAYLOADS} == {"html", "markdown", "attribute", "text"}


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p.kind == "html"], ids=str)
def test_raw_markup_is_caught(payload):
    assert check_html(PAGE.format(payload.text)), payload.text


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p.kind == "markdown"], ids=str)
def test_markdown_rendered_without_a_sanitiser_is_caught(payload):
    assert check_html(PAGE.format(markdown.markdown(payload.text))), payload.text


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p.kind == "attribute"], ids=str)
def test_an_unescaped_attribute_is_caught(payload):
    double = PAGE.format(f'<input value="{payload.text}">')
    single = PAGE.format(f"<input value='{payload.text}'>")
    assert check_html(double) or check_html(single), payload.text


def test_a_json_script_that_can_be_closed_from_inside_is_caught():
    head = '<script type="application/ld+json">{"headline": "%s"}</script>'
    assert not check_html(PAGE.replace("</head>", head % "safe" + "</head>"))
    broken = head % "</script><script>alert(1)</script>"
    assert check_html(PAGE.replace("</head>", broken + "</head>"))
    assert check_html(PAGE.replace("</head>", head % "a < b" + "</head>"))


def test_the_sites_own_scripts_and_data_pass():
    page = PAGE.replace(
        "</head>",
        '<script src="/static/js/comments.js" defer></script>'
        '<script type="application/ld+json">{"a": "\\u003C/script\\u003E"}</script></head>',
    )
    assert check_html(page) == []
    assert json_scripts(page) == [{"a": "</script>"}]


@pytest.mark.parametrize(
    "html",
    [
        '<script src="https://cdn.example/x.js"></script>',
        '<script src="//cdn.example/x.js"></script>',
        "<script>var a = 1;</script>",
        '<a href="  JaVa&#x0A;ScRipt:alert(1)">x</a>',
        '<img srcset="a.png 1x, javascript:alert(1) 2x">',
        "<p onclick=x>",
        '<iframe src="https://example.org"></iframe>',
        '<p style="color: red">',
    ],
)
def test_other_dangerous_markup_is_caught(html):
    assert check_html(PAGE.format(html)), html
