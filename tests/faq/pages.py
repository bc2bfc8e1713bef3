"""Reading FAQ pages the way a browser and a search engine do."""

import json
import re
from html import unescape
from html.parser import HTMLParser

# Non-greedy, as a browser ends a script element at the first "</script>".
_JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def json_ld(html: str) -> list[dict]:
    """Every JSON-LD block on the page, parsed (fails if a block was cut short)."""
    return [json.loads(block) for block in _JSON_LD.findall(html)]


def faq_page_ld(html: str) -> dict | None:
    pages = [data for data in json_ld(html) if data.get("@type") == "FAQPage"]
    assert len(pages) <= 1, "one FAQPage per page"
    return pages[0] if pages else None


def ld_questions(html: str) -> list[tuple[str, str]]:
    """(question, answer HTML) pairs of the page's FAQPage data, in order."""
    page = faq_page_ld(html)
    if page is None:
        return []
    return [(q["name"], q["acceptedAnswer"]["text"]) for q in page["mainEntity"]]


class _Questions(HTMLParser):
    """Collects the question headings (h3 with an id faq-<n>) and the text that follows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.questions: list[dict] = []
        self._in_question = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h3" and re.fullmatch(r"faq-\d+", attrs.get("id") or ""):
            self.questions.append({"id": attrs["id"], "text": ""})
            self._in_question = True

    def handle_endtag(self, tag):
        if tag == "h3":
            self._in_question = False

    def handle_data(self, data):
        if self._in_question:
            self.questions[-1]["text"] += data


def visible_questions(html: str) -> list[dict]:
    """[{"id": "faq-7", "text": "…?"}, …]: the questions a reader sees, in order."""
    parser = _Questions()
    parser.feed(html)
    return parser.questions


def visible_text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def script_tags(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", html, re.IGNORECASE)
