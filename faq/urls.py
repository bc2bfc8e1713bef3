from django.urls import path

from articles.caching import shared_listing

from . import views

app_name = "faq"

urlpatterns = [
    path("", shared_listing(views.faq_index), name="index"),
]
