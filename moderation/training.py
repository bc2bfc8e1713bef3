"""Training and evaluating the comment scorer (`moderation.scorer`) on the moderators' own
decisions. Called by `manage.py train_scorer` and the scheduled task `moderation.tasks.retrain`.
The fitting itself, with scikit-learn, runs in a process of its own (`moderation.fitting`).

1. The decisions: every comment a moderator (a person, not a rule) approved, rejected,
   marked as spam or removed, as it stands now, with its signals as they were when it was
   posted (links, the account's age, the author's rejection rate before it, and whether it
   repeated another reader's recent comment).
2. Too few (fewer than MODERATION_SCORER_MIN_DECISIONS, or fewer than
   MODERATION_SCORER_MIN_EACH of either kind): no model is trained, the run says so and the
   model in use, if any, stays.
3. Evaluation, held out by time: a model trained on the older decisions scores the newest
   MODERATION_SCORER_HELD_OUT share; precision and recall of "would have been held" (a score
   at or past the threshold) against what moderators decided. The model in use, if trained
   on the same features, and that model are both scored on the held-out decisions made
   since the model in use was trained (neither learnt from them).
4. The model kept is trained again on every decision. It is put in use unless the model in
   use evaluated better there (a higher F1); either way the run is kept, with its figures,
   for moderators to read (/moderation/scorer/), and so is a failed one (then raised).
"""

import base64
import bisect
import json
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from comments.models import Comment, CommentEvent

from . import features
from .models import ScorerModel
from .rules import NEGATIVE_STATES, count_links, shingles, similarity, words_of

State = Comment.State
DECIDED = (State.APPROVED, *NEGATIVE_STATES)
Outcome = ScorerModel.Outcome
FITTING_TIMEOUT = 15 * 60  # seconds


@dataclass(frozen=True)
class Example:
    comment_id: int
    text: str
    signals: features.Signals
    turned_down: bool
    decided_at: datetime


def _last_decision() -> Subquery:
    """When a moderator (a person, not a rule) last decided the comment."""
    return Subquery(
        CommentEvent.objects.filter(
            comment=OuterRef("pk"),
            actor__isnull=False,
            kind=CommentEvent.Kind.STATE,
            to_state__in=DECIDED,
        )
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )


def decisions() -> list[Example]:
    """Every comment a moderator decided, oldest decision first, with its signals."""
    rows = list(
        Comment.objects.filter(state__in=DECIDED)
        .annotate(decided_at=_last_decision())
        .filter(decided_at__isnull=False)
        .order_by("created_at", "id")
        .values_list(
            "pk",
            "author_id",
            "target_id",
            "created_at",
            "body",
            "state",
            "author__date_joined",
            "decided_at",
        )
    )
    rates = _rejection_history({author for _, author, *_ in rows})
    repeats = _repeats(
        [(pk, author, target, at, body) for pk, author, target, at, body, *_ in rows]
    )
    examples = []
    for pk, author, _, created_at, body, state, joined, decided_at in rows:
        decided, turned_down = rates(author, created_at)
        signals = features.Signals(
            links=count_links(body),
            account_days=features.account_days(joined, created_at),
            decided=decided,
            turned_down=turned_down,
            repeat=pk in repeats,
        )
        examples.append(Example(pk, body, signals, state != State.APPROVED, decided_at))
    examples.sort(key=lambda example: (example.decided_at, example.comment_id))
    return examples


def _rejection_history(authors: set[int]):
    """A function (author, time) -> (comments decided, turned down) in the rejection rule's
    window before that time, as `moderation.rules.rejection_rate` counted them then: only
    decisions made by that time (a rule's at posting, else the moderator's), never one made
    after (which would teach the model what it could not have known)."""
    window = timedelta(days=settings.COMMENTS_REJECTION_WINDOW_DAYS)
    posted: dict[int, list[datetime]] = defaultdict(list)
    known: dict[int, list[tuple[datetime, bool]]] = defaultdict(list)
    for author, created_at, known_at, state in (
        Comment.objects.filter(author_id__in=authors, state__in=DECIDED)
        .annotate(known_at=Coalesce(_last_decision(), F("created_at")))
        .order_by("author_id", "created_at", "id")
        .values_list("author_id", "created_at", "known_at", "state")
    ):
        posted[author].append(created_at)
        known[author].append((known_at, state != State.APPROVED))

    def history(author: int, at: datetime) -> tuple[int, int]:
        start = bisect.bisect_left(posted[author], at - window)
        end = bisect.bisect_left(posted[author], at)
        seen = [negative for known_at, negative in known[author][start:end] if known_at < at]
        return len(seen), sum(seen)

    return history


def _repeats(rows: list[tuple]) -> set[int]:
    """The comments that repeat an earlier one by another reader or on another piece, as the
    repeat rule finds them (the same window, scan and similarity), among `rows`."""
    window = timedelta(hours=settings.COMMENTS_REPEAT_WINDOW_HOURS)
    scan, alike = settings.COMMENTS_REPEAT_SCAN, settings.COMMENTS_REPEAT_SIMILARITY
    rows = sorted(rows, key=lambda row: (row[3], row[0]))
    seen: list[set] = []
    where: dict[tuple, list[int]] = defaultdict(list)  # shingle -> positions in `rows`
    found = set()
    for position, (pk, author, target, created_at, body) in enumerate(rows):
        text = words_of(body)
        mine = shingles(text)
        seen.append(mine)
        if len("".join(text)) < settings.COMMENTS_REPEAT_MIN_CHARS:
            continue
        candidates = {
            other
            for shingle in mine
            for other in where[shingle]
            if other >= position - scan and rows[other][3] >= created_at - window
        }
        if any(
            (rows[other][1] != author or rows[other][2] != target)
            and similarity(mine, seen[other]) >= alike
            for other in candidates
        ):
            found.add(pk)
        for shingle in mine:
            where[shingle].append(position)
    return found


def _rows(examples: list[Example]) -> dict:
    return {
        "texts": [example.text for example in examples],
        "signals": [asdict(example.signals) for example in examples],
        "labels": [e.turned_down for e in examples],
    }


class TrainingFailed(Exception):
    """The fitting process failed: its error output says why."""


def fit_elsewhere(job: dict) -> dict:
    """Run `job` in `python -m moderation.fitting` (see there), its answer parsed."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "moderation.fitting"],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
            check=False,
            timeout=FITTING_TIMEOUT,
        )
    except subprocess.TimeoutExpired as timeout:
        raise TrainingFailed(f"moderation.fitting took longer than {timeout.timeout} s") from None
    if done.returncode:
        raise TrainingFailed(f"moderation.fitting failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout)


@dataclass(frozen=True)
class Evaluation:
    precision: float | None  # None: it would have held nothing
    recall: float | None  # None: nothing held out was turned down
    confusion: dict[str, int]


def evaluate(
    probabilities: list[float], examples: list[Example], *, threshold: float
) -> Evaluation:
    outcomes = Counter(
        (bool(p >= threshold), example.turned_down)
        for p, example in zip(probabilities, examples, strict=True)
    )
    counts = {
        "held_turned_down": outcomes[True, True],
        "held_approved": outcomes[True, False],
        "passed_turned_down": outcomes[False, True],
        "passed_approved": outcomes[False, False],
    }
    true = counts["held_turned_down"]
    held_total = true + counts["held_approved"]
    down_total = true + counts["passed_turned_down"]
    return Evaluation(
        precision=true / held_total if held_total else None,
        recall=true / down_total if down_total else None,
        confusion=counts,
    )


def train() -> ScorerModel:
    """Train on the decisions so far and keep the run (see the module's docstring)."""
    examples = decisions()
    turned_down = sum(example.turned_down for example in examples)
    threshold = settings.MODERATION_SCORER_THRESHOLD
    run = ScorerModel(
        features=features.FEATURES,
        decisions=len(examples),
        turned_down=turned_down,
        threshold=threshold,
    )
    fewest = min(turned_down, len(examples) - turned_down)
    held_out = round(len(examples) * settings.MODERATION_SCORER_HELD_OUT)
    if (
        len(examples) < settings.MODERATION_SCORER_MIN_DECISIONS
        or fewest < settings.MODERATION_SCORER_MIN_EACH
        or not held_out
    ):
        run.outcome = Outcome.TOO_FEW
        run.save()
        return run

    older, newest = examples[:-held_out], examples[-held_out:]
    run.trained_until = examples[-1].decided_at
    previous = ScorerModel.objects.filter(
        outcome=Outcome.IN_USE, features=features.FEATURES
    ).first()
    job = {
        "older": _rows(older),
        "newest": _rows(newest),
        # The file is the model: what scores here is what the site has been scoring with.
        "previous": base64.b64encode(bytes(previous.estimator)).decode() if previous else None,
    }
    try:
        fitted = fit_elsewhere(job)
    except TrainingFailed as failure:
        run.outcome, run.error = Outcome.FAILED, str(failure)[-4000:]
        run.save()
        raise
    result = evaluate(fitted["newest"], newest, threshold=threshold)
    run.held_out, run.precision, run.recall = len(newest), result.precision, result.recall
    run.confusion = result.confusion
    better = True
    if previous is not None:
        # Only the held-out decisions made since the model in use was trained: it learnt
        # from the others, and would look better on them than it is.
        unseen = [
            n for n, example in enumerate(newest) if example.decided_at > previous.trained_until
        ]
        run.previous, run.compared_on = previous, len(unseen)
        if unseen:
            examples_unseen = [newest[n] for n in unseen]
            mine = evaluate(
                [fitted["newest"][n] for n in unseen], examples_unseen, threshold=threshold
            )
            theirs = evaluate(
                [fitted["previous"][n] for n in unseen],
                examples_unseen,
                threshold=previous.threshold,
            )
            run.compared_precision, run.compared_recall = mine.precision, mine.recall
            run.previous_precision, run.previous_recall = theirs.precision, theirs.recall
            better = (run.compared_f1 or 0.0) >= (run.previous_f1 or 0.0)
    with transaction.atomic():
        # Another training may have finished meanwhile: the row in use, locked, says.
        in_use = ScorerModel.objects.select_for_update().filter(outcome=Outcome.IN_USE).first()
        if in_use is not None and in_use.features == features.FEATURES and in_use != previous:
            run.outcome = Outcome.OVERTAKEN
        elif better:
            ScorerModel.objects.filter(outcome=Outcome.IN_USE).update(
                outcome=Outcome.REPLACED, estimator=b"", weights=b""
            )
            run.outcome = Outcome.IN_USE
            run.estimator = base64.b64decode(fitted["estimator"])
            run.weights = base64.b64decode(fitted["weights"])
            run.intercept = fitted["intercept"]
        else:
            run.outcome = Outcome.WORSE
        run.save()
    return run
