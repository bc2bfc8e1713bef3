"""The XSS corpus: hostile text pushed through every place user or editor text appears.

Each payload has a kind, saying how it attacks and how `test_html_safety` proves that it
would be caught if a page let it through unescaped:

- "html": markup; the checker flags it as raw HTML in a page;
- "markdown": a Markdown trick; the checker flags what a Markdown renderer without a
  sanitiser makes of it;
- "attribute": breaks out of a quoted attribute; flagged inside an unescaped attribute;
- "text": inert on its own (encoded forms, bidi overrides, template syntax): it must come
  out as the same text, never decoded into markup and never able to disguise the page.
"""

from dataclasses import dataclass

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"
B64_SCRIPT = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="  # <script>alert(1)</script>
B64_SVG = "PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"  # <svg onload=alert(1)>


@dataclass(frozen=True)
class Payload:
    name: str
    text: str
    kind: str  # html | markdown | attribute | text

    def __str__(self) -> str:
        return self.name


def _p(kind: str, *entries: tuple[str, str]) -> list[Payload]:
    return [Payload(name, text, kind) for name, text in entries]


PAYLOADS: list[Payload] = [
    # Script elements, in every spelling.
    *_p(
        "html",
        ("script", "<script>alert(1)</script>"),
        ("script-src", '<SCRIPT SRC="//xss.example/x.js"></SCRIPT>'),
        ("script-mixed-case", "<ScRiPt>alert(String.fromCharCode(88,83,83))</sCrIpT>"),
        ("script-slash-attr", '<script/xss src="//xss.example/a.js"></script>'),
        ("close-attr-then-script", '"><script>alert(1)</script>'),
        ("close-single-then-script", "'><script>alert(1)</script>"),
        ("close-script", "</script><script>alert(1)</script>"),
        ("close-title", "</title><script>alert(1)</script>"),
        ("close-textarea", "</textarea><script>alert(1)</script>"),
        ("close-noscript", "</noscript><script>alert(1)</script>"),
        ("close-json-ld", '"}</script><script>alert(1)</script>'),
        ("nested-script", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
        ("double-open", "<<script>alert(1);//<</script>"),
        ("template-script", "<template><script>alert(1)</script></template>"),
    ),
    # Event handlers.
    *_p(
        "html",
        ("img-onerror", "<img src=x onerror=alert(1)>"),
        ("img-onerror-case", "<IMG SRC=x OnErRoR=alert(1)>"),
        ("img-onerror-entities", '<img src="x" onerror="alert&#40;1&#41;">'),
        ("img-onerror-hex", "<img src=x onerror=&#x61;&#x6c;&#x65;&#x72;&#x74;(1)>"),
        ("img-alt-breakout", '<img src="x" alt="\\"" onerror="alert(1)">'),
        ("body-onload", "<body onload=alert(1)>"),
        ("input-autofocus", "<input autofocus onfocus=alert(1)>"),
        ("details-ontoggle", "<details open ontoggle=alert(1)>"),
        ("video-source", "<video><source onerror=alert(1)></video>"),
        ("audio-onerror", "<audio src=x onerror=alert(1)>"),
        ("marquee-onstart", "<marquee onstart=alert(1)>hi</marquee>"),
        ("custom-element", "<x-foo onclick=alert(1)>click</x-foo>"),
        ("div-onmouseover", '<div onmouseover="alert(1)">hover</div>'),
        ("comment-breakout", '<!--<img src="--><img src=x onerror=alert(1)//">'),
        ("cdata", "<![CDATA[><img src=x onerror=alert(1)>]]>"),
        (
            "noscript-mxss",
            '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        ),
        ("math-mxss", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    ),
    # SVG.
    *_p(
        "html",
        ("svg-onload", "<svg onload=alert(1)>"),
        ("svg-slash-onload", "<svg/onload=alert(1)>"),
        ("svg-script", "<svg><script>alert(1)</script></svg>"),
        (
            "svg-xlink",
            '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
        ),
        ("svg-animate", "<svg><animate onbegin=alert(1) attributeName=x dur=1s>"),
        ("svg-set-href", "<svg><a><set attributeName=href to=javascript:alert(1) />x</a></svg>"),
    ),
    # javascript:, vbscript: and data: URLs in markup.
    *_p(
        "html",
        ("a-javascript", '<a href="javascript:alert(1)">click</a>'),
        ("a-javascript-case", '<a href="JaVaScRiPt:alert(1)">click</a>'),
        (
            "a-javascript-entities",
            '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;'
            'alert(1)">x</a>',
        ),
        ("a-javascript-tab", '<a href="java&#x09;script:alert(1)">tab</a>'),
        ("a-javascript-space", '<a href=" javascript:alert(1)">space</a>'),
        ("a-vbscript", '<a href="vbscript:msgbox(1)">vb</a>'),
        ("a-data-base64", f'<a href="data:text/html;base64,{B64_SCRIPT}">data</a>'),
        ("a-data-html", '<a href="data:text/html,<script>alert(1)</script>">data</a>'),
        ("iframe-javascript", '<iframe src="javascript:alert(1)"></iframe>'),
        ("iframe-srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'),
        ("object-data", '<object data="javascript:alert(1)"></object>'),
        ("embed-data", f'<embed src="data:text/html;base64,{B64_SCRIPT}">'),
        ("form-action", '<form action="javascript:alert(1)"><button>go</button></form>'),
        ("button-formaction", '<button formaction="javascript:alert(1)">x</button>'),
        ("img-data-svg", f'<img src="data:image/svg+xml;base64,{B64_SVG}">'),
        ("style-import", "<style>@import 'javascript:alert(1)';</style>"),
        ("style-attribute", '<div style="background:url(javascript:alert(1))">x</div>'),
        ("link-stylesheet", '<link rel=stylesheet href="javascript:alert(1)">'),
        ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
        ("base-href", '<base href="javascript:alert(1)//">'),
    ),
    # Markdown link and image tricks.
    *_p(
        "markdown",
        ("md-link-javascript", "[click me](javascript:alert(1))"),
        ("md-link-javascript-case", "[click](JAVASCRIPT:alert(1))"),
        ("md-link-title", '[x](javascript:alert(1) "title")'),
        ("md-link-vbscript", "[x](vbscript:msgbox(1))"),
        ("md-link-data", f"[x](data:text/html;base64,{B64_SCRIPT})"),
        ("md-autolink-javascript", "<javascript:alert(1)>"),
        ("md-image-javascript", "![img](javascript:alert(1))"),
        ("md-image-data-svg", f"![x](data:image/svg+xml;base64,{B64_SVG})"),
        ("md-reference-javascript", "[x][ref]\n\n[ref]: javascript:alert(1)"),
        ("md-reference-image-data", f"![x][ref]\n\n[ref]: data:text/html;base64,{B64_SCRIPT}"),
        ("md-emphasis-html", "**<img src=x onerror=alert(1)>**"),
        ("md-blockquote-html", "> <img src=x onerror=alert(1)>"),
        ("md-list-link", "* [x](javascript:alert(1))\n* two"),
        ("md-html-block", "<div>\n<script>alert(1)</script>\n</div>"),
    ),
    # Markdown that must stay code, shown as typed (never unescaped by the sanitiser).
    *_p(
        "text",
        ("md-code-span", "`<script>alert(1)</script>`"),
        ("md-fenced-code", "```html\n<script>alert(1)</script>\n```"),
    ),
    # Breaking out of a quoted attribute (meta tags, form values, titles).
    *_p(
        "attribute",
        ("attr-double-quote", '" onmouseover="alert(1)'),
        ("attr-single-quote", "' onmouseover='alert(1)"),
        ("attr-autofocus", '" autofocus onfocus="alert(1)" x="'),
        ("attr-close-tag", '"><img src=x onerror=alert(1)>'),
    ),
    # Inert text that must stay text.
    *_p(
        "text",
        ("escaped-entities", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("percent-encoded", "%3Cscript%3Ealert(1)%3C/script%3E"),
        ("js-unicode-escapes", "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"),
        ("fullwidth-brackets", "＜script＞alert(1)＜/script＞"),
        ("bare-javascript-url", "javascript:alert(1)"),
        ("bare-data-url", f"data:text/html;base64,{B64_SCRIPT}"),
        ("template-syntax", "{{ 7*7 }} {% debug %} ${alert(1)} #{alert(1)}"),
        ("json-breakout", '\\"};alert(1);//'),
        ("html-comment-open", "<!-- everything after me is hidden"),
        ("bidi-rlo", f"Invoice {RLO}fdp.exe"),
        ("bidi-rlo-code", f"Totally safe {RLO})1(trela:tpircsavaj{PDF}"),
        ("bidi-isolate-markup", f"{LRI}<img src=x onerror=alert(1)>{PDI}"),
        ("zero-width-script", "\u200b<script>alert(1)</script>\u200b"),
    ),
]

BY_NAME = {payload.name: payload for payload in PAYLOADS}
assert len(BY_NAME) == len(PAYLOADS), "payload names must be unique"

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
