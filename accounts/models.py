from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person with an account: reader, commenter, editor or moderator.

    Readers sign in by email (allauth); `display_name` is what others see beside their
    comments. The email address is never shown to other readers.
    """

    display_name = models.CharField(
        max_length=50,
        blank=True,
        help_text="Shown beside this person's comments instead of their email address.",
    )

    class Meta(AbstractUser.Meta):
        ordering = ["username"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username
