from django.urls import path

from . import notice_views, views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("one/", views.next_item, name="next"),
    path("undo/", views.undo, name="undo"),
    path("bulk/", views.bulk, name="bulk"),
    path("<int:pk>/", views.item, name="item"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("decisions/<int:event_id>/", views.statement, name="statement"),
    path("decisions/<int:event_id>/second-look/", views.ask, name="ask"),
    path("decisions/mail/", views.statement_mail, name="statement_mail"),
    path("second-looks/<int:pk>/decide/", views.decide_review, name="decide_review"),
    path("statements/stop/<str:token>/", views.opt_out, name="statements_opt_out"),
    path("notices/", notice_views.notice_queue, name="notices"),
    path("notices/<int:pk>/decide/", notice_views.decide_notice, name="decide_notice"),
    path("notices/comment/<int:pk>/", notice_views.notice, name="notice"),
]

urlpatterns += [
    path("stats/", views.stats, name="stats"),
    path("scorer/", views.scorer, name="scorer"),
    path("readers/<int:pk>/", views.reader, name="reader"),
]
