"""Text as rules compare it: one folding for blocked terms (and anything else that must see
through look-alike letters), one spelling of an email domain; and how hard a text is to
read (Flesch reading ease), for editors."""

import re
import unicodedata

# Letters that look Latin but are not, and digits written for letters. The list is small
# and explicit on purpose: it covers what people type to slip a word past a filter, and
# nothing that would turn ordinary words into others.
_LOOKALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "һ": "h",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "к": "k",
        "ӏ": "l",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "ԛ": "q",
        "ѕ": "s",
        "т": "t",
        "с": "c",
        "у": "y",
        "ԝ": "w",
        "х": "x",
        "ԁ": "d",
        "ɡ": "g",
        # Greek
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
        # Latin look-alikes
        "ı": "i",
        "ɑ": "a",
        "ʀ": "r",
        # Digits for letters ("1d10t")
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
    }
)


# Greek capitals that look like other Latin letters than their small forms do (Η is H, η
# is n), mapped before case folding.
_CAPITAL_LOOKALIKES = str.maketrans(
    {
        "Α": "a",
        "Β": "b",
        "Ε": "e",
        "Ζ": "z",
        "Η": "h",
        "Ι": "i",
        "Κ": "k",
        "Μ": "m",
        "Ν": "n",
        "Ο": "o",
        "Ρ": "p",
        "Τ": "t",
        "Υ": "y",
        "Χ": "x",
    }
)


def fold(text: str) -> str:
    """`text` as rules compare it: compatibility-normalised (NFKC: full
    width and styled letters become plain ones), without invisible format characters,
    case-folded, without accents, and with look-alike letters and digits made Latin."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = unicodedata.normalize("NFKD", text.translate(_CAPITAL_LOOKALIKES).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.translate(_LOOKALIKES)


def normalise_domain(domain: str) -> str:
    domain = (domain or "").strip().lower().lstrip("@").strip(".")
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


# Readability ------------------------------------------------------------------------------
#
# Flesch reading ease (Rudolf Flesch, "A new readability yardstick", Journal of Applied
# Psychology 32(3), 1948, 221-233):
#
#     206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)
#
# Higher is easier: plain prose for a general reader scores 60-70, academic prose 30-50.
# Syllables are counted by the usual rule of thumb for English (groups of vowels, less a
# silent final "e"): exact dictionaries (CMUdict, as textstat uses) must be downloaded at
# run time, which a server here cannot do, and the rule is within a syllable or so of them
# on nearly every word, which moves the score by a few points at most.

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|\n+")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")

# Flesch's own table (1948), from the top of each band down.
FLESCH_BANDS = (
    (90, "very easy"),
    (80, "easy"),
    (70, "fairly easy"),
    (60, "standard"),
    (50, "fairly difficult"),
    (30, "difficult"),
    (float("-inf"), "very difficult"),
)


def syllables(word: str) -> int:
    """The syllables of an English `word`, by rule of thumb (see above); at least one."""
    word = word.lower().replace("’", "'").split("'")[0]
    count = len(_VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1  # "make", "state": the final e is silent; "table", "agree" keep theirs
    return max(1, count)


def flesch_reading_ease(text: str) -> float | None:
    """Flesch reading ease of `text` (see above), None when it has no words. A line break
    ends a sentence as a full stop does: headings and list items have none."""
    words = _WORD.findall(text)
    if not words:
        return None
    sentences = max(1, len([part for part in _SENTENCE_END.split(text) if _WORD.search(part)]))
    total_syllables = sum(syllables(word) for word in words)
    return 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (total_syllables / len(words))


def flesch_band(score: float) -> str:
    """The name Flesch gave to the band `score` falls in ("fairly difficult")."""
    return next(name for floor, name in FLESCH_BANDS if score >= floor)
