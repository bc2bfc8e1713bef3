from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import FaqItem


class FaqSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        # An empty FAQ page is not worth a crawler's visit; it is listed once it has answers.
        return ["faq:index"] if FaqItem.objects.published().exists() else []

    def location(self, item: str) -> str:
        return reverse(item)
