from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.http import condition
from django.views.generic import RedirectView

from articles.caching import shared_listing
from articles.sitemaps import ArticleSitemap, AuthorSitemap, TopicSitemap, sitemap_modified
from core import views as core_views
from faq import views as faq_views
from faq.sitemaps import FaqSitemap

# The admin signs people in through allauth: the same rate limits, no side door.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Meridian newsroom"
admin.site.site_title = "Meridian newsroom"

sitemaps = {
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "authors": AuthorSitemap,
    "faq": FaqSitemap,
}

urlpatterns = [
    # Nor is the admin's own password form: it would skip allauth's rate limit, its
    # re-authentication and the mail that tells the owner. Staff use the site's page.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="account_change_password"),
        name="admin_password_change",
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    # The FAQ page lists every piece's questions: a shared page like the other listings
    # (articles.caching), which faq, below articles, does not import.
    path("faq/", include(([path("", shared_listing(faq_views.faq_index), name="index")], "faq"))),
    path("comments/", include("comments.urls")),
    path("moderation/", include("moderation.urls")),
    path(
        "sitemap.xml",
        shared_listing(condition(last_modified_func=sitemap_modified)(sitemap)),
        {"sitemaps": sitemaps},
        name="sitemap",
    ),
    path("robots.txt", core_views.robots_txt, name="robots"),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("articles.urls")),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
