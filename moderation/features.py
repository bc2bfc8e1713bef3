"""What a comment becomes for the scorer's model: hashed features of its text and a few
signals of its circumstances. Plain Python, without Django, shared by the site, which scores
(`moderation.scorer`), and the process that fits (`moderation.fitting`).

- the words (folded as the rules fold them) but FUNCTION_WORDS, pairs of words, and the
  letters within each word in threes to fives ("idiot" and "id1ot" share most of theirs),
  each hashed to one of 2**BITS columns with CRC-32 and weighted so that a comment's text
  features sum to one in square (long comments don't outweigh short ones);
- SIGNALS: links, a new account, the account's age, the author's recent rejection rate,
  and a repeat of another reader's recent comment.
"""

import itertools
import math
import re
import zlib
from dataclasses import dataclass
from datetime import datetime

from core.text import fold

# Change FEATURES whenever what follows changes what a text becomes: a model trained on
# other features is never compared with, or used beside, a model on these.
FEATURES = 1
BITS = 18
TEXT_COLUMNS = 1 << BITS
SIGNALS = ("links", "new_account", "account_age", "rejection_rate", "repeat")
COLUMNS = TEXT_COLUMNS + len(SIGNALS)
LETTERS = (3, 5)  # the shortest and longest runs of letters within a word
# Words every comment uses, whatever moderators decide: alone they tell nothing (and a model
# would learn them from whichever kind of comment happened to use them more), so only
# pairs of words count them. "You" and "your" are not among them: they aim at a person.
FUNCTION_WORDS = frozenset(
    """a an the and or but nor of to in on at by for with from as into than then so if
    is are was were be been being am it its this that these those there here i me my we
    us our they them their he him his she her do does did have has had will would can
    could should may might must not no yes also just very about what which who whom""".split()  # noqa: SIM905 - a list to read
)


@dataclass(frozen=True)
class Signals:
    """What a comment's text does not say: its circumstances when it was posted."""

    links: int = 0
    account_days: float = 365.0
    decided: int = 0  # the author's comments decided in the rejection-rate window
    turned_down: int = 0  # of which rejected, spam or removed
    repeat: bool = False

    @property
    def rejection_rate(self) -> float:
        return self.turned_down / self.decided if self.decided else 0.0

    def values(self) -> tuple[float, ...]:
        """The signals' columns, in the order of SIGNALS, each about 0 to 1."""
        return (
            min(math.log1p(self.links) / math.log1p(10), 1.0),
            1.0 if self.account_days < 1 else 0.0,
            min(math.log1p(max(self.account_days, 0.0)) / math.log1p(365), 1.0),
            self.rejection_rate,
            1.0 if self.repeat else 0.0,
        )

    def described(self, name: str) -> str:
        """A signal as a moderator checks it."""
        if name == "links":
            return f"{self.links} link{'s' if self.links != 1 else ''}"
        if name in ("new_account", "account_age"):
            days = int(self.account_days)
            return f"account {days} day{'s' if days != 1 else ''} old"
        if name == "rejection_rate":
            return f"{self.turned_down} of the author’s {self.decided} recent comments turned down"
        return "repeats another recent comment"


def words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def terms(text: str) -> dict[str, list[int]]:
    """Each word and pair of words of `text` ("w:" and "p:"), with the columns of its own
    features (the word itself and its runs of letters, or the pair)."""
    found: dict[str, list[int]] = {}
    seen = words(text)
    for word in seen:
        key = "w:" + word
        if key in found or word in FUNCTION_WORDS:
            continue
        padded = f" {word} "
        grams = {
            padded[i : i + n]
            for n in range(LETTERS[0], LETTERS[1] + 1)
            for i in range(len(padded) - n + 1)
        }
        found[key] = [column(key), *(column("l:" + gram) for gram in grams)]
    for first, second in itertools.pairwise(seen):
        key = f"p:{first} {second}"
        found.setdefault(key, [column(key)])
    return found


def column(feature: str) -> int:
    return zlib.crc32(feature.encode()) & (TEXT_COLUMNS - 1)


def features(text: str, signals: Signals) -> dict[int, float]:
    """The comment as the model reads it: column -> value."""
    return row_of(terms(text), signals)


def row_of(found: dict[str, list[int]], signals: Signals) -> dict[int, float]:
    columns = {c for own in found.values() for c in own}
    row = dict.fromkeys(columns, 1 / math.sqrt(len(columns))) if columns else {}
    for offset, value in enumerate(signals.values()):
        if value:
            row[TEXT_COLUMNS + offset] = value
    return row


def account_days(date_joined: datetime | None, now: datetime) -> float:
    if date_joined is None:
        return 365.0
    return max((now - date_joined).total_seconds() / 86400, 0.0)
