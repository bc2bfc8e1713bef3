"""The Markdown pipeline: headings get ids, and nothing executable survives sanitizing."""

import pytest

from core.markdown import html_to_text, render_article_markdown, render_comment_markdown

HOSTILE = [
    ("<script>alert(1)</script>", "<script"),
    ('<img src="x" onerror="alert(1)">', "onerror"),
    ('<a href="javascript:alert(1)">click</a>', "javascript:"),
    ("[click](javascript:alert(1))", "javascript:"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ("<style>body{display:none}</style>", "<style"),
    ('<p style="position:fixed">x</p>', "style="),
    ('<svg onload="alert(1)"><circle/></svg>', "<svg"),
    ('<form action="https://evil.example"><input name="q"></form>', "<form"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
    ('<div onclick="alert(1)">x</div>', "onclick"),
    ("<object data=x></object>", "<object"),
]


@pytest.mark.parametrize(("source", "forbidden"), HOSTILE)
def test_article_html_is_sanitized(source, forbidden):
    html = render_article_markdown(f"Intro.\n\n{source}\n\nOutro.").html
    assert forbidden not in html.lower()
    assert "Outro." in html


@pytest.mark.parametrize(("source", "forbidden"), HOSTILE)
def test_comment_html_is_sanitized(source, forbidden):
    html = render_comment_markdown(source)
    assert forbidden.lower() not in html.lower() or "&lt;" in html  # shown as text, inert


def test_headings_get_ids_and_make_the_table_of_contents():
    rendered = render_article_markdown("## First part\n\nText.\n\n### A detail\n\n## Second part")
    assert '<h2 id="first-part">First part</h2>' in rendered.html
    assert '<h3 id="a-detail">A detail</h3>' in rendered.html
    assert [(e["id"], [c["id"] for c in e["children"]]) for e in rendered.toc] == [
        ("first-part", ["a-detail"]),
        ("second-part", []),
    ]


def test_extensions_tables_fenced_code_and_typographic_quotes():
    html = render_article_markdown(
        'He said "no" -- twice.\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n```python\nx = 1\n```'
    ).html
    assert "“no”" in html
    assert "–" in html
    assert "<table>" in html
    assert '<td align="right">2</td>' in html
    assert '<code class="language-python">' in html


def test_only_language_classes_survive():
    html = render_article_markdown('<p class="evil">x</p>\n\n```js\nx\n```').html
    assert "evil" not in html
    assert 'class="language-js"' in html


def test_comment_markdown_subset_escapes_raw_html_and_marks_links():
    html = render_comment_markdown("# Not a heading\n\n*yes* <b>no</b> [site](https://example.org)")
    assert "<h1>" not in html
    assert "<em>yes</em>" in html
    assert "&lt;b&gt;no&lt;/b&gt;" in html
    assert 'rel="nofollow ugc noopener"' in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "See https://example.org/a?x=1&y=2.",
            'See <a href="https://example.org/a?x=1&amp;y=2" rel="nofollow ugc noopener">'
            "https://example.org/a?x=1&amp;y=2</a>.",
        ),
        (
            "(www.un.org)",
            '(<a href="https://www.un.org" rel="nofollow ugc noopener">www.un.org</a>)',
        ),
        (
            "*at https://a.org* and https://b.org",
            '<em>at <a href="https://a.org" rel="nofollow ugc noopener">https://a.org</a></em> and '
            '<a href="https://b.org" rel="nofollow ugc noopener">https://b.org</a>',
        ),
        # Already a link, or code: left as written (never a link inside a link).
        (
            "[*https://a.org*](https://b.org)",
            '<a href="https://b.org" rel="nofollow ugc noopener"><em>https://a.org</em></a>',
        ),
        ("`https://a.org`", "<code>https://a.org</code>"),
        ("javascript:alert(1) and ftp://x.org", "javascript:alert(1) and ftp://x.org"),
    ],
)
def test_bare_addresses_in_comments_become_links(text, expected):
    assert render_comment_markdown(text) == f"<p>{expected}</p>"


def test_footnotes_are_numbered_notes_with_their_way_back_listed_as_sources():
    rendered = render_article_markdown(
        "## Trade\n\nExports rose.[^un] Laos agreed.[^2]\n\n"
        "[^un]: [UN Panel of Experts, 2025](https://un.org/panel).\n"
        "[^2]: Interview with an official in Vientiane, March 2026."
    )
    html = rendered.html
    assert (
        '<sup id="fnref-un"><a aria-label="Note 1" class="footnote-ref" href="#fn-un">1</a></sup>'
    ) in html
    assert '<section aria-labelledby="notes" class="footnotes">' in html
    assert '<h2 id="notes">Notes and sources</h2>' in html
    assert '<li id="fn-un">' in html
    assert '<a href="https://un.org/panel">' in html  # a source as a link
    assert "Interview with an official in Vientiane, March 2026." in html  # plain text
    assert (
        'aria-label="Back to note 2 in the text" class="footnote-backref" href="#fnref-2"' in html
    )
    assert [entry["title"] for entry in rendered.toc] == ["Trade", "Notes and sources"]


def test_footnote_markup_written_by_hand_is_sanitised_like_the_rest():
    html = render_article_markdown(
        '<li id="location" class="footnote-ref evil">x</li>\n\n'
        '<sup id="fn-1" onclick="alert(1)">y</sup>\n\n'
        '<section aria-labelledby="other" class="footnotes evil">'
        "<script>alert(1)</script></section>"
    ).html
    assert 'id="location"' not in html  # only the notes' own ids (no clobbering)
    for unsafe in ("evil", "onclick", "<script"):
        assert unsafe not in html
    assert 'aria-labelledby="other"' not in html
    assert '<sup id="fn-1">y</sup>' in html


def test_plain_text_for_search_and_reading_time():
    html = render_article_markdown("## Title\n\nSome *emphasis* &amp; text.").html
    assert html_to_text(html) == "Title Some emphasis & text."


def test_a_blockquote_marked_pullquote_is_set_off_as_a_pull_quote_with_its_attribution():
    html = render_article_markdown(
        "Intro.\n\n"
        "> [!pullquote]\n"
        '> North Korea wants "another source of material goods."\n'
        ">\n"
        "> -- Edward Howell, University of Oxford\n\n"
        "Between.\n\n"
        "> An ordinary quote.\n"
    ).html
    assert "[!pullquote]" not in html
    assert '<blockquote class="pull-quote">' in html
    assert "<p>North Korea wants “another source of material goods.”</p>" in html
    assert "<cite>— Edward Howell, University of Oxford</cite>" in html
    assert "<blockquote>\n<p>An ordinary quote.</p>" in html  # unmarked: no class


def test_pull_quote_is_the_only_class_a_blockquote_keeps():
    html = render_article_markdown(
        '<blockquote class="pull-quote evil">a</blockquote>\n\n'
        '<blockquote class="evil">b</blockquote>\n\n'
        '<p class="pull-quote">c</p>'
    ).html
    assert '<blockquote class="pull-quote">a</blockquote>' in html
    assert "<blockquote>b</blockquote>" in html
    assert "<p>c</p>" in html
    assert "evil" not in html
