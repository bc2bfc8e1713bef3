from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("one/", views.next_item, name="next"),
    path("undo/", views.undo, name="undo"),
    path("<int:pk>/", views.item, name="item"),
    path("<int:pk>/act/", views.act, name="act"),
]
