import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.markdown import typographic as _typographic

register = template.Library()

# The characters that could end a <script> element or start markup, as JSON escapes.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data: dict) -> SafeString:
    """A JSON-LD <script> block; no value inside it can close the element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _JSON_SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


@register.filter
def typographic(text: str) -> SafeString:
    """A headline set like the text: curly quotes, dashes (core.markdown.typographic)."""
    return mark_safe(_typographic(str(text)))  # noqa: S308 - escaped and sanitised there


@register.filter
def sentence(text: str) -> str:
    """`text` trimmed of its final full stop, to sit inside a sentence of the template's."""
    return (text or "").strip().rstrip(".")


@register.filter
def words(name: str) -> str:
    """A code name as words: "report_threshold" becomes "report threshold"."""
    return (name or "").replace("_", " ")
