"""schema.org data for pages that show FAQ items, rendered with the `json_ld` filter."""

from collections.abc import Iterable

from .models import FaqItem


def faq_page_json_ld(items: Iterable[FaqItem]) -> dict:
    """An FAQPage holding exactly `items`, the ones the page shows, in the page's order.

    The answer is the sanitized HTML readers see (schema.org allows links and lists in it);
    the `json_ld` filter escapes <, > and & so nothing in it can end the script element.
    """
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": item.question,
                "acceptedAnswer": {"@type": "Answer", "text": item.answer_html},
            }
            for item in items
        ],
    }
