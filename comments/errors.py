"""What the comments app's rules say when they refuse.

`CommentError` carries a sentence for the person acting, as Django's ValidationError does;
the two refusals that tell a story (who changed the comment and when, a sanction until
when) keep the facts and are told by templates, in the reader's time zone.
"""

from django.template.loader import render_to_string


class CommentError(Exception):
    """A rule said no. `message` is written for the person acting; `field` is the form field.

    `code` says which rule (e.g. "empty", "closed", "sanctioned", "conflict"), for views and
    tests; the message is what people read.
    """

    def __init__(self, message: str = "", *, code: str = "invalid", field: str | None = None):
        super().__init__(message or code)
        self._message = message
        self.code = code
        self.field = field

    @property
    def message(self) -> str:
        return self._message

    def __str__(self) -> str:
        return self.message


class Conflict(CommentError):
    """The comment moved on since the person acting saw it. `event` is its last recorded
    change of the kinds that matter (None when nothing is recorded); `comment` as it is."""

    def __init__(self, *, comment, event) -> None:
        super().__init__(code="conflict")
        self.comment, self.event = comment, event

    @property
    def message(self) -> str:
        context = {"comment": self.comment, "event": self.event}
        return " ".join(render_to_string("comments/includes/conflict.txt", context).split())


class Sanctioned(CommentError):
    """The reader may not write now: `sanction`, in force, says why and until when (see
    comments.moderator.Sanction)."""

    def __init__(self, *, sanction) -> None:
        super().__init__(code="sanctioned")
        self.sanction = sanction

    @property
    def message(self) -> str:
        context = {"sanction": self.sanction, "attempted": True}
        return " ".join(render_to_string("comments/includes/sanction.txt", context).split())
