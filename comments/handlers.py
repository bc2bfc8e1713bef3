"""Changes made outside the comments app that change what readers see of discussions."""

from allauth.account.signals import user_signed_up
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.cache import caches
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import Comment
from .selectors import AUTHOR_FIELDS
from .signals import discussion_changed

# Set in a signed-out visitor's session by comments.views when it keeps a draft.
DRAFT_SESSION_MARK = "comments.draft_session"
DRAFTS = "comments.drafts"  # the session's drafts, by target (comments.views)
# A signed-out visitor's session holds nothing but drafts: it lasts hours, not the weeks
# of a signed-in one (signing in gives it the usual length).
DRAFT_SESSION_SECONDS = 3 * 60 * 60


def _drafts_of_new_account(user) -> str:
    return f"comments.drafts:signed-up:{user.pk}"


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="comments.name_before")
def _remember_name(sender, instance, update_fields=None, **kwargs) -> None:
    """Keep what a commenter's name was made of, to compare after the save. A save of
    other fields only (a sign-in's `last_login`) costs nothing."""
    if instance.pk is None or (update_fields and not set(update_fields) & set(AUTHOR_FIELDS)):
        return
    instance._name_before = sender.objects.filter(pk=instance.pk).values(*AUTHOR_FIELDS).first()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="comments.name_changed")
def _name_changed(sender, instance, **kwargs) -> None:
    """A commenter renamed or deleted their account: every discussion they are in reads
    differently (a name beside each of their comments, "replying to" on replies)."""
    before = instance.__dict__.pop("_name_before", None)
    if before is None or before == {name: getattr(instance, name) for name in AUTHOR_FIELDS}:
        return
    targets = Comment.objects.filter(author_id=instance.pk).values_list("target_id", flat=True)
    for target_id in targets.distinct().order_by():
        discussion_changed.send(sender=Comment, target_id=target_id)


@receiver(user_signed_up, dispatch_uid="comments.drafts_signed_up")
def _drafts_follow_the_new_account(sender, request, user, **kwargs) -> None:
    """A visitor who typed a comment, then signed up, may confirm their address and sign in
    from another browser (their mail app's): the drafts wait for the account's first
    sign-in, wherever it is (the `default` cache: never evicted), as long as a draft
    session would."""
    drafts = getattr(request, "session", {}).get(DRAFTS)
    if drafts:
        caches["default"].set(_drafts_of_new_account(user), drafts, DRAFT_SESSION_SECONDS)


@receiver(user_logged_in, dispatch_uid="comments.draft_session_signed_in")
def _draft_session_signed_in(sender, request, user, **kwargs) -> None:
    """A session started for a signed-out visitor's draft lasts hours; signed in (Django
    keeps the data, so the draft), it gets the usual length. A new account's drafts
    typed in another browser join this session's."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.pop(DRAFT_SESSION_MARK, False):
        session.set_expiry(None)
    waiting = caches["default"].get(_drafts_of_new_account(user))
    if waiting:
        caches["default"].delete(_drafts_of_new_account(user))
        session[DRAFTS] = {**waiting, **session.get(DRAFTS, {})}
