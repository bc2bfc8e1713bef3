"""The comment scorer: how likely this site's moderators are to turn a new comment down.

A linear model (logistic regression, trained by `moderation.training` on the moderators' own
decisions) over `moderation.features`. Scoring is plain Python over the model's float32
weights (`ScorerModel.weights`): no scikit-learn, NumPy or network in the web process, well
under a millisecond for a comment. The model in use is read from its row once per process
and again only when another row is in use. Only routing follows from a score:
`moderation.rules.scored` holds a comment at or past the threshold for a person to decide,
and says which words and signals weighed most.
"""

import logging
import math
import sys
from array import array
from dataclasses import dataclass

from .features import COLUMNS, FEATURES, SIGNALS, TEXT_COLUMNS, Signals, row_of, terms
from .models import ScorerModel

EXPLAINED = 3  # words, phrases or signals named in a held reason
# Named only when it moved the score by this much (in log-odds, as the reason shows it).
MIN_SHARE = 0.1
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Score:
    value: float  # 0 to 1
    threshold: float
    # What weighed most towards holding, as moderators read it: "“clown” +1.04", "2 links
    # +0.70" (how far each moved the score, in log-odds).
    reasons: tuple[str, ...]
    model_id: int

    @property
    def holds(self) -> bool:
        return self.value >= self.threshold


@dataclass(frozen=True)
class Model:
    id: int
    weights: array
    intercept: float
    threshold: float

    @classmethod
    def of(cls, row: ScorerModel) -> "Model":
        weights = array("f")
        weights.frombytes(bytes(row.weights))
        if sys.byteorder == "big":  # stored little-endian
            weights.byteswap()
        if len(weights) != COLUMNS:
            raise ValueError(f"scorer model {row.pk} has {len(weights)} weights, not {COLUMNS}")
        return cls(row.pk, weights, row.intercept, row.threshold)

    def score(self, text: str, signals: Signals) -> Score:
        found = terms(text)
        row = row_of(found, signals)
        w = self.weights
        total = self.intercept + sum(w[c] * value for c, value in row.items())
        weighed: list[tuple[float, str]] = []
        for key, own in found.items():
            # A word's weight: its own and its runs of letters' (a run shared by two words
            # counts for each).
            share = sum(w[c] * row[c] for c in own)
            if share >= MIN_SHARE:
                weighed.append((share, f"“{key[2:]}”"))
        for offset, name in enumerate(SIGNALS):
            share = w[TEXT_COLUMNS + offset] * row.get(TEXT_COLUMNS + offset, 0.0)
            if share >= MIN_SHARE and name != "account_age":  # said by new_account
                weighed.append((share, signals.described(name)))
        weighed.sort(reverse=True)
        value = 1 / (1 + math.exp(-max(min(total, 30.0), -30.0)))
        reasons = tuple(f"{what} +{share:.2f}" for share, what in weighed[:EXPLAINED])
        return Score(value, self.threshold, reasons, self.id)


# The model this process scores with, and the row it came from: (id, trained at), which a
# restored database or a rolled-back test cannot give to other weights. Replaced whole.
_loaded: tuple[tuple[int, object], Model] | None = None


def model_in_use() -> Model | None:
    """The model in use, read from its row the first time this process meets it: one small
    query each time, for which row is in use. None when no model on today's features is
    in use, or its weights cannot be read (logged: comments are then decided by the rules)."""
    global _loaded
    in_use = ScorerModel.objects.filter(outcome=ScorerModel.Outcome.IN_USE, features=FEATURES)
    key = in_use.values_list("pk", "created_at").first()
    if key is None:
        return None
    if _loaded is None or _loaded[0] != key:
        row = in_use.filter(pk=key[0]).only("pk", "weights", "intercept", "threshold").first()
        if row is None:  # replaced between the two queries: the next post reads the new one
            return None
        try:
            _loaded = (key, Model.of(row))
        except ValueError:
            logger.exception("Scorer model %s cannot be used; the scorer is off", row.pk)
            return None
    return _loaded[1]
