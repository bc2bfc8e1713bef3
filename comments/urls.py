from django.urls import path

from . import views
from .feeds import comments_feed

app_name = "comments"

urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("on/<int:target_id>/", views.post, name="post"),
    path("on/<int:target_id>/draft/", views.draft, name="draft"),
    path("on/<int:target_id>/feed/", comments_feed, name="feed"),
    path("on/<int:target_id>/follow/", views.follow, name="follow"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<int:pk>/", views.locate, name="locate"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/recommend/", views.recommend, name="recommend"),
]
