import pytest
from django.core.exceptions import ValidationError

from accounts.validators import clean_display_name


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Ada  Lovelace  ", "Ada Lovelace"),
        ("Zoë", "Zoë"),
        ("Zoe\u0308", "Zoë"),  # combining diaeresis, normalised to one character
        ("李小龍", "李小龍"),
        ("O'Brien-Smith Jr.", "O'Brien-Smith Jr."),
        ("Family \U0001f468\u200d\U0001f469\u200d\U0001f467", "Family 👨‍👩‍👧"),  # ZWJ emoji
        ("x" * 50, "x" * 50),
        ("  " + "y" * 50 + "  ", "y" * 50),
    ],
)
def test_good_display_names(typed, kept):
    assert clean_display_name(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "a",
        "x" * 51,
        "nul\x00byte",
        "esc\x1b[31m",
        "del\x7fete",
        "zero\u200bwidth",
        "bidi\u2066isolate",
        "line\u2028separator",
        "private\ue000use",
        "deleted READER",
        "Moderator",
    ],
)
def test_bad_display_names(typed):
    with pytest.raises(ValidationError):
        clean_display_name(typed)
