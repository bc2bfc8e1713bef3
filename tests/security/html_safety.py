"""Is this HTML safe? A strict parse of a page, for the XSS corpus and property tests.

`check_html(html)` returns the findings (an empty list: nothing in it can run script):

- a <script> element is the site's own: a same-origin `src` and no inline code, or JSON
  data (`application/ld+json`, `application/json`) that `json.loads` reads and that holds
  no raw "<" (so nothing in it can close the element);
- no event-handler attribute (`on*`) on any element, and no `srcdoc`;
- no `javascript:`, `vbscript:` or `data:` URL in any attribute that browsers follow or
  load (href, src, action, formaction, xlink:href, ...), after browsers' normalisation
  (entities decoded, whitespace and control characters dropped, any case);
- no CDATA section, and no markup inside an HTML comment (parsers disagree on both);
- no <noscript> (browsers read its content as raw text, so markup hidden in an attribute
  inside it can come alive) and no inline style that loads or runs anything;
- no tag outside the allow-list of tags the site's templates use (site pages) or the admin
  uses (admin pages); elements that only belong in <head> (link, meta, style, base) are
  refused in <body>; embedded documents (iframe, object, embed, frame...) anywhere;
- on site pages, no `style` attribute (the CSP forbids inline style anyway).

The parser is Python's `html.parser`, which treats <script> and <style> contents as raw
text the way browsers do, and decodes entities in attribute values as browsers do.
"""

import json
import re
from html.parser import HTMLParser

SITE_TAGS = frozenset(
    """
    html head meta title link script body a abbr article aside bdi blockquote br button
    caption cite code col colgroup dd del details dfn div dl dt em fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hr img input kbd label legend li main mark
    nav ol optgroup option output p pre q s samp search section select small span strong sub
    summary sup table tbody td textarea tfoot th thead time tr u ul var wbr
    """.split()  # noqa: SIM905 - a word list reads better
)
# The admin adds its theme icons (inline SVG sprites) and a few layout tags. Django's admin
# renders a field's help text as HTML, so Article.slug's "/articles/<slug>/" arrives as an
# empty <slug> element (the placeholder is lost on the page, nothing can run): allowed here,
# and reported to be reworded.
ADMIN_TAGS = SITE_TAGS | frozenset({"style", "svg", "symbol", "use", "path", "g", "b", "i", "slug"})

HEAD_ONLY_TAGS = frozenset({"link", "meta", "style", "base", "title"})
FORBIDDEN_TAGS = frozenset(
    """
    iframe frame frameset object embed applet base math portal xmp plaintext noembed listing
    isindex marquee bgsound template xml import noscript
    """.split()  # noqa: SIM905 - a word list reads better
)
URL_ATTRIBUTES = frozenset(
    """
    href src action formaction xlink:href data poster srcset background ping cite longdesc
    lowsrc dynsrc codebase manifest values to from by icon archive classid profile usemap
    """.split()  # noqa: SIM905 - a word list reads better
)
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
_DANGEROUS_STYLE = re.compile(r"javascript:|vbscript:|expression\(|url\(|@import|behavior:")
DATA_SCRIPT_TYPES = frozenset({"application/ld+json", "application/json"})
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]+")


def normalised_url(value: str) -> str:
    """A URL as a browser reads its scheme: no whitespace or control characters, lower case."""
    return _INVISIBLE.sub("", value or "").lower()


def is_dangerous_url(value: str) -> bool:
    url = normalised_url(value)
    return url.startswith(DANGEROUS_SCHEMES) or any(
        # srcset and similar hold several URLs separated by commas
        part.strip().startswith(DANGEROUS_SCHEMES)
        for part in url.split(",")[1:]
    )


class SafetyParser(HTMLParser):
    def __init__(self, *, allowed_tags: frozenset[str], allow_style_attribute: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.allow_style_attribute = allow_style_attribute
        self.findings: list[str] = []
        self.in_body = False
        self.script: dict | None = None
        self.scripts: list[dict] = []

    def _finding(self, message: str) -> None:
        line, column = self.getpos()
        self.findings.append(f"line {line}:{column}: {message}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check_element(tag, attrs)
        if tag == "script":
            attributes = dict(attrs)
            self.script = {
                "src": attributes.get("src"),
                "type": (attributes.get("type") or "").strip().lower(),
                "text": [],
            }

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check_element(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            self._check_script(self.script)
            self.scripts.append(self.script)
            self.script = None

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script["text"].append(data)

    def unknown_decl(self, data: str) -> None:
        # <![CDATA[ is a bogus comment in HTML that ends at the first ">": what follows is live.
        self._finding(f"markup declaration <![{data[:60]}")

    def handle_comment(self, data: str) -> None:
        if "<" in data or ">" in data:
            self._finding(f"markup inside an HTML comment: {data[:80]!r}")

    def _check_element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.in_body = True
        if tag in FORBIDDEN_TAGS:
            self._finding(f"forbidden element <{tag}>")
        elif tag not in self.allowed_tags:
            self._finding(f"unexpected element <{tag}>")
        if self.in_body and tag in HEAD_ONLY_TAGS:
            self._finding(f"<{tag}> in the body")
        for name, value in attrs:
            name = name.lower()
            value = value or ""
            if name.startswith("on"):
                self._finding(f"event handler {name}={value!r} on <{tag}>")
            elif name == "srcdoc":
                self._finding(f"srcdoc on <{tag}>")
            elif name == "style" and (
                not self.allow_style_attribute or _DANGEROUS_STYLE.search(normalised_url(value))
            ):
                self._finding(f"style attribute on <{tag}>: {value!r}")
            elif name == "http-equiv":
                self._finding(f"http-equiv on <{tag}>: {value!r}")
            if name in URL_ATTRIBUTES and is_dangerous_url(value):
                self._finding(f"dangerous URL {name}={value!r} on <{tag}>")

    def _check_script(self, script: dict) -> None:
        text = "".join(script["text"])
        if script["src"] is not None:
            src = script["src"]
            if not src.startswith("/") or src.startswith("//") or text.strip():
                self._finding(f"script not the site's own: src={src!r}, text={text[:80]!r}")
            return
        if script["type"] not in DATA_SCRIPT_TYPES:
            self._finding(f"inline script: {text[:120]!r}")
            return
        if "<" in text:
            self._finding(f"raw '<' inside a JSON script element: {text[:120]!r}")
        try:
            json.loads(text)
        except ValueError as error:
            self._finding(f"JSON script element does not parse ({error}): {text[:120]!r}")

    def close(self) -> None:
        super().close()
        if self.script is not None:
            self._finding("a <script> element is never closed")


def check_html(html: str, *, admin: bool = False) -> list[str]:
    """The findings for a whole page (or a fragment): empty when nothing can execute."""
    parser = SafetyParser(
        allowed_tags=ADMIN_TAGS if admin else SITE_TAGS, allow_style_attribute=admin
    )
    parser.feed(html)
    parser.close()
    return parser.findings


def check_fragment(html: str, allowed_tags: frozenset[str]) -> list[str]:
    """Findings for stored, sanitised HTML (a comment's body_html) against its own tags."""
    parser = SafetyParser(allowed_tags=allowed_tags, allow_style_attribute=False)
    parser.feed(html)
    parser.close()
    return parser.findings


def json_scripts(html: str) -> list:
    """The parsed contents of the page's JSON data scripts (JSON-LD and json_script)."""
    parser = SafetyParser(allowed_tags=ADMIN_TAGS, allow_style_attribute=True)
    parser.feed(html)
    parser.close()
    return [
        json.loads("".join(script["text"]))
        for script in parser.scripts
        if script["src"] is None and script["type"] in DATA_SCRIPT_TYPES
    ]


def assert_safe(response_or_html, *, admin: bool = False, where: str = "") -> str:
    html = (
        response_or_html
        if isinstance(response_or_html, str)
        else response_or_html.content.decode(response_or_html.charset or "utf-8")
    )
    findings = check_html(html, admin=admin)
    assert not findings, f"{where}: " + "\n".join(findings[:20])
    return html
