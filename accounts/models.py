from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models

from .validators import DISPLAY_NAME_TAKEN, display_name_key, validate_display_name_characters

DELETED_READER_NAME = "Deleted reader"


class ReaderManager(UserManager):
    def display_name_taken(self, name: str, *, by_other_than: int | None = None) -> bool:
        """Whether another account has a name that reads the same (display_name_key)."""
        key = display_name_key(name)
        return bool(key) and self.filter(display_name_key=key).exclude(pk=by_other_than).exists()


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
    # The name folded (accounts.validators.display_name_key), unique: no two accounts show
    # names a reader could not tell apart. Accounts without a name (deleted ones) have "".
    display_name_key = models.CharField(max_length=200, blank=True, default="", editable=False)
    is_deleted = models.BooleanField(
        "deleted by its owner",
        default=False,
        help_text="The person deleted their account: their details were erased and "
        "their comments are shown as by a deleted reader.",
    )

    objects = ReaderManager()

    class Meta(AbstractUser.Meta):
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                fields=["display_name_key"],
                condition=~models.Q(display_name_key=""),
                name="user_display_name_unique",
            )
        ]

    def __str__(self) -> str:
        return self.public_name

    def clean(self) -> None:
        super().clean()
        if User.objects.display_name_taken(self.display_name, by_other_than=self.pk):
            raise ValidationError({"display_name": DISPLAY_NAME_TAKEN}, code="display_name_taken")

    def save(self, *args, **kwargs) -> None:
        self.display_name_key = display_name_key(self.display_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "display_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "display_name_key"}
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        """The name shown to other people. Never the email address."""
        if self.is_deleted:
            return DELETED_READER_NAME
        return self.display_name or self.get_full_name() or self.username
