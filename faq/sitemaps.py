from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class FaqSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["faq:index"]

    def location(self, item: str) -> str:
        return reverse(item)
