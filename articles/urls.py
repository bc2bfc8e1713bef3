from django.urls import path
from django.views.decorators.http import condition

from . import views
from .caching import shared_listing
from .feeds import LatestArticlesFeed, feed_modified

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("articles/<slug:slug>/preview/", views.article_preview, name="preview"),
    path("topics/", views.topic_index, name="topics"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("search/", views.search, name="search"),
    path("corrections/", views.corrections_index, name="corrections"),
    path(
        "feed/",
        shared_listing(condition(last_modified_func=feed_modified)(LatestArticlesFeed())),
        name="feed",
    ),
]
