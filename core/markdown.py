"""The one Markdown pipeline: Markdown -> HTML -> nh3 sanitizer.

Two profiles share it. Editors' text (pieces, FAQ answers) gets headings with ids, tables,
fenced code, typographic quotes, pull-quotes (a blockquote whose first line is
`[!pullquote]`, see `PullQuotes`) and footnotes (`[^1]`, listed at the end under "Notes
and sources", see `Notes`). Readers' comments get a small subset (emphasis, links,
quotes, code, lists); their raw HTML is shown as text and their links are marked
`nofollow ugc`. Callers render once, when the text is saved, and store the HTML.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

_INLINE_TAGS = {"a", "em", "strong", "code", "br", "abbr", "sup", "sub", "del"}
_BLOCK_TAGS = {"p", "blockquote", "pre", "ul", "ol", "li", "hr"}


PULL_QUOTE_MARKER = "[!pullquote]"
PULL_QUOTE_CLASS = "pull-quote"
_ATTRIBUTION = re.compile(r"^(?:—|–|-{2,3})\s*")


NOTES_ID = "notes"
NOTES_TITLE = "Notes and sources"
_NOTE_ID = re.compile(r"^fn(?:ref)?-[\w-]+$")  # footnotes' own ids: fn-1, fnref-1
_OWN_CLASSES = {
    "blockquote": {PULL_QUOTE_CLASS},
    "a": {"footnote-ref", "footnote-backref"},
    "section": {"footnotes"},
}


def _keep_own_attributes(element: str, attribute: str, value: str) -> str | None:
    """Only the pipeline's own classes and ids pass: fenced_code's `language-x` on code,
    `pull-quote`, the footnotes' classes and ids; and the notes' label."""
    if attribute == "class":
        if element in _OWN_CLASSES:
            return " ".join(c for c in value.split() if c in _OWN_CLASSES[element]) or None
        classes = [c for c in value.split() if c.startswith("language-") and c[9:].isalnum()]
        return " ".join(classes) or None
    if attribute == "id" and element in {"li", "sup"}:
        return value if _NOTE_ID.match(value) else None
    if attribute == "aria-labelledby":
        return value if value == NOTES_ID else None
    return value


class _PullQuoteProcessor(Treeprocessor):
    """`> [!pullquote]` as a blockquote's first line marks it as a pull-quote.

    The marker goes; the blockquote gets class="pull-quote". A last paragraph that starts
    with a dash (`— Name, role`, or `--`) is the attribution and is set in a <cite>.
    """

    def run(self, root):
        for quote in root.iter("blockquote"):
            first = quote[0] if len(quote) else None
            if first is None or first.tag != "p" or not first.text:
                continue
            text = first.text.lstrip()
            if not text.lower().startswith(PULL_QUOTE_MARKER):
                continue
            first.text = text[len(PULL_QUOTE_MARKER) :].lstrip()
            if not first.text and not len(first):
                quote.remove(first)
            quote.set("class", PULL_QUOTE_CLASS)
            last = quote[-1] if len(quote) > 1 else None
            if last is not None and last.tag == "p" and last.text and not len(last):
                match = _ATTRIBUTION.match(last.text)
                if match:
                    cite = last.makeelement("cite", {})
                    cite.text = "— " + last.text[match.end() :]
                    last.text = None
                    last.append(cite)


class _NotesProcessor(Treeprocessor):
    """Python-Markdown's footnotes end the piece as a rule and a list: make them a section
    under a heading, "Notes and sources", that the contents and screen readers find, and
    give each number and each way back a name that says what it is."""

    def run(self, root):
        for notes in root.iter("div"):
            if notes.get("class") != "footnote":
                continue
            notes.tag = "section"
            notes.attrib = {"class": "footnotes", "aria-labelledby": NOTES_ID}
            for rule in notes.findall("hr"):
                notes.remove(rule)
            heading = notes.makeelement("h2", {"id": NOTES_ID})
            heading.text = NOTES_TITLE
            notes.insert(0, heading)
        for link in root.iter("a"):
            if link.get("class") == "footnote-ref":
                link.set("aria-label", f"Note {link.text}")
            elif link.get("class") == "footnote-backref":
                link.set("aria-label", link.get("title", "Back to the text"))


class Notes(Extension):
    def extendMarkdown(self, md):  # Python-Markdown's name
        # After "footnote" (50), which makes the list, and "inline" (20), which makes the
        # numbers' links; before "toc" (5), which lists the heading.
        md.treeprocessors.register(_NotesProcessor(md), "notes", 15)


class PullQuotes(Extension):
    def extendMarkdown(self, md):  # Python-Markdown's name
        # Before "inline" (20): the paragraph still holds the raw marker.
        md.treeprocessors.register(_PullQuoteProcessor(md), "pull_quotes", 25)


# A bare web address in a reader's text (the moderation rules count these as links too).
BARE_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>()\[\]\x02\x03]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"…"  # punctuation that ends the sentence, not the address


class _BareLinkProcessor(Treeprocessor):
    """Bare addresses (https://…, www.…) in the text become links, as in mail apps; text
    already in a link or in code stays as it is."""

    SKIP = {"a", "code", "pre"}

    def run(self, root):
        inside = {el for tag in self.SKIP for skipped in root.iter(tag) for el in skipped.iter()}
        for parent in list(root.iter()):
            if parent in inside:
                continue
            if parent.text:
                parent.text = self._link(parent, parent.text, at=0)
            for child in list(parent):
                if child.tail:
                    child.tail = self._link(parent, child.tail, at=list(parent).index(child) + 1)

    def _link(self, parent, text: str, *, at: int) -> str:
        """Link the addresses in `text`, inserting <a> elements into `parent` from index
        `at`; return the text before the first one."""
        addresses, between, end = [], [], 0
        for match in BARE_URL.finditer(text):
            address = match.group(0).rstrip(_TRAILING)
            between.append(text[end : match.start()])
            addresses.append(address)
            end = match.start() + len(address)
        between.append(text[end:])
        for offset, address in enumerate(addresses):
            href = address if "://" in address else f"https://{address}"
            link = parent.makeelement("a", {"href": href})
            link.text = AtomicString(address)
            link.tail = between[offset + 1]
            parent.insert(at + offset, link)
        return between[0]


class BareLinks(Extension):
    def extendMarkdown(self, md):  # Python-Markdown's name
        # After "inline" (20): Markdown links are made, and their text is left alone.
        md.treeprocessors.register(_BareLinkProcessor(md), "bare_links", 15)


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Profile:
    extensions: tuple
    extension_configs: dict
    tags: frozenset[str]
    attributes: dict[str, set[str]]
    link_rel: str | None
    raw_html: bool
    disabled_blocks: tuple[str, ...] = ()
    disabled_inlines: tuple[str, ...] = ()

    def _markdown(self) -> markdown.Markdown:
        md = markdown.Markdown(
            extensions=list(self.extensions),
            extension_configs=self.extension_configs,
            output_format="html",
        )
        if not self.raw_html:
            # Raw HTML is then escaped and shown as the text the person typed.
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
        for name in self.disabled_blocks:
            md.parser.blockprocessors.deregister(name)
        for name in self.disabled_inlines:
            md.inlinePatterns.deregister(name)
        return md

    def render(self, text: str) -> Rendered:
        md = self._markdown()
        html = md.convert(text or "")
        clean = nh3.clean(
            html,
            tags=set(self.tags),
            attributes=self.attributes,
            attribute_filter=_keep_own_attributes,
            url_schemes={"http", "https", "mailto"},
            link_rel=self.link_rel,
            strip_comments=True,
        )
        return Rendered(html=clean, toc=_toc_entries(getattr(md, "toc_tokens", [])))


def _toc_entries(tokens: list[dict]) -> list[dict]:
    return [
        {
            "id": token["id"],
            "title": unescape(token["name"]),
            "level": token["level"],
            "children": _toc_entries(token.get("children", [])),
        }
        for token in tokens
    ]


ARTICLE = Profile(
    extensions=(
        "toc",
        "tables",
        "fenced_code",
        "smarty",
        "sane_lists",
        "footnotes",
        Notes(),
        PullQuotes(),
    ),
    extension_configs={
        "toc": {"toc_depth": "2-3"},
        "tables": {"use_align_attribute": True},
        "footnotes": {"SEPARATOR": "-", "BACKLINK_TITLE": "Back to note %d in the text"},
    },
    tags=frozenset(
        _INLINE_TAGS
        | _BLOCK_TAGS
        | {"h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "img", "figure"}
        | {"figcaption", "cite", "q", "dl", "dt", "dd", "mark", "small", "section"}
    ),
    attributes={
        "h2": {"id"},
        "h3": {"id"},
        "h4": {"id"},
        "a": {"href", "title", "class", "aria-label"},
        "sup": {"id"},  # a note's number (see _keep_own_attributes)
        "li": {"id"},  # a note
        "section": {"class", "aria-labelledby"},  # the notes
        "blockquote": {"class"},  # `pull-quote` only (see _keep_own_attributes)
        "img": {"src", "alt", "title", "width", "height"},
        "abbr": {"title"},
        "code": {"class"},
        "th": {"align"},
        "td": {"align"},
        "ol": {"start"},
    },
    link_rel=None,
    raw_html=True,  # editors may write HTML; the sanitizer still decides what survives
)

COMMENT = Profile(
    extensions=("sane_lists", BareLinks()),
    extension_configs={},
    tags=frozenset({"p", "br", "em", "strong", "a", "blockquote", "code", "pre", "ul", "ol", "li"}),
    attributes={"a": {"href"}, "ol": {"start"}},
    link_rel="nofollow ugc noopener",
    raw_html=False,
    disabled_blocks=("hashheader", "setextheader", "hr"),
    disabled_inlines=("image_link", "image_reference", "short_image_ref"),
)


def render_article_markdown(text: str) -> Rendered:
    return ARTICLE.render(text)


def render_comment_markdown(text: str) -> str:
    return COMMENT.render(text).html


def html_to_text(html: str) -> str:
    """Plain text of sanitized HTML, for search, excerpts and reading time."""
    return " ".join(unescape(nh3.clean(html, tags=set())).split())


# Block syntax a headline could be mistaken for; a headline is one paragraph of plain text.
_HEADLINE_BLOCKS = ("code", "hashheader", "setextheader", "hr", "olist", "ulist", "quote")


@lru_cache(maxsize=2048)
def typographic(text: str) -> str:
    """Plain text (a headline) with the typography the body gets from `smarty`: curly quotes
    and apostrophes, dashes, ellipses. Everything else shows as typed, escaped: HTML."""
    md = markdown.Markdown(extensions=["smarty"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.treeprocessors.deregister("inline")  # no emphasis, links or raw HTML: smarty alone
    for name in _HEADLINE_BLOCKS:
        md.parser.blockprocessors.deregister(name)
    return nh3.clean(md.convert(text or ""), tags=set())
