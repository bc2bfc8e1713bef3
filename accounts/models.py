from django.contrib.auth.models import AbstractUser
from django.db import models

from .validators import validate_display_name_characters

DELETED_READER_NAME = "Deleted reader"


class User(AbstractUser):
    """A person with an account: reader, commenter, editor or moderator.

    Readers sign in by email (allauth); `display_name` is what others see beside their
    comments. The email address is never shown to other readers.

    An account that its owner deleted is anonymised, not removed (see
    `accounts.services.delete_account`): the row stays so that what the person wrote
    keeps its place in discussion threads, and `public_name` reads "Deleted reader".
    """

    display_name = models.CharField(
        max_length=50,
        blank=True,
        validators=[validate_display_name_characters],
        help_text="Shown beside this person's comments instead of their email address.",
    )
    notify_on_reply = models.BooleanField(
        "email me when someone replies to my comment",
        default=False,
        help_text="Send an email when someone replies to one of this person's comments.",
    )
    is_deleted = models.BooleanField(
        "deleted by its owner",
        default=False,
        help_text="The person deleted their account: their details were erased and "
        "their comments are shown as by a deleted reader.",
    )

    class Meta(AbstractUser.Meta):
        ordering = ["username"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name shown to other people. Never the email address."""
        if self.is_deleted:
            return DELETED_READER_NAME
        return self.display_name or self.get_full_name() or self.username
