"""Text as rules compare it: one folding for blocked terms (and anything else that must see
through look-alike letters), one spelling of an email domain."""

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
