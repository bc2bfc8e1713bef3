"""Rules for the public name a reader chooses (their display name)."""

import re
import unicodedata

from django.core.exceptions import ValidationError

from core.text import fold

DISPLAY_NAME_MIN_LENGTH = 2
DISPLAY_NAME_MAX_LENGTH = 50

# Names the site itself uses for people; a reader may not take them.
RESERVED_DISPLAY_NAMES = frozenset({"deleted reader", "moderator", "editor", "admin"})

# Joiners that legitimate names and emoji sequences need (ZWNJ, ZWJ).
_ALLOWED_FORMAT_CHARACTERS = frozenset({"\u200c", "\u200d"})
_WHITESPACE_RUN = re.compile(r"\s+")

DISPLAY_NAME_TAKEN = (
    "That display name is already taken by another reader (names that differ only in "
    "capitals, spaces or look-alike letters count as the same). Choose another."
)


def display_name_key(value: str) -> str:
    """What makes two display names the same to a reader's eye: folded as blocked terms are
    (core.text.fold: case, accents, look-alike letters), without spaces."""
    return "".join(fold(value).split())


def _is_forbidden_character(char: str) -> bool:
    if char in _ALLOWED_FORMAT_CHARACTERS:
        return False
    category = unicodedata.category(char)
    # Cc: control characters (newline, tab, NUL...). Cf: invisible formatting,
    # including the bidirectional overrides used to disguise text. Cs/Co/Cn:
    # surrogates, private use, unassigned. Zl/Zp: line and paragraph separators.
    return category in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def validate_display_name_characters(value: str) -> None:
    """No control or invisible formatting characters (model-level rule, admin included)."""
    if any(_is_forbidden_character(char) for char in value):
        raise ValidationError(
            "Use letters, numbers, spaces and punctuation only: no control or "
            "invisible characters.",
            code="display_name_characters",
        )


def clean_display_name(value: str) -> str:
    """Normalise and validate a display name typed by a reader; return the clean value.

    Trims it, folds runs of spaces into one, applies Unicode NFC, and checks length
    (2-50 characters), characters and the reserved names.
    """
    value = unicodedata.normalize("NFC", value or "")
    # Reject control characters before whitespace folding would hide a tab or newline.
    validate_display_name_characters(value.strip())
    value = _WHITESPACE_RUN.sub(" ", value).strip()
    if len(value) < DISPLAY_NAME_MIN_LENGTH:
        raise ValidationError(
            f"Enter a display name of at least {DISPLAY_NAME_MIN_LENGTH} characters.",
            code="display_name_too_short",
        )
    if len(value) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            f"Enter a display name of at most {DISPLAY_NAME_MAX_LENGTH} characters "
            f"(it has {len(value)}).",
            code="display_name_too_long",
        )
    if value.casefold() in RESERVED_DISPLAY_NAMES:
        raise ValidationError(
            "That name is used by the site itself. Choose another.",
            code="display_name_reserved",
        )
    return value
