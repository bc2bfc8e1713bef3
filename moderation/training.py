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
   on the same features, is scored on the same decisions.
4. The model kept is trained again on every decision. It is put in use unless the model in
   use evaluated better (a higher F1 on the same held-out decisions); either way the run is
   kept, with its figures, for moderators to read (/moderation/scorer/).
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
from django.db.models import OuterRef, Subquery

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


def decisions() -> list[Example]:
    """Every comment a moderator decided, oldest decision first, with its signals."""
    last_decision = CommentEvent.objects.filter(
        comment=OuterRef("pk"),
        actor__isnull=False,
        kind=CommentEvent.Kind.STATE,
        to_state__in=DECIDED,
    ).order_by("-created_at", "-id")
    rows = list(
        Comment.objects.filter(state__in=DECIDED)
        .annotate(decided_at=Subquery(last_decision.values("created_at")[:1]))
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
    window before that time, as `moderation.rules.rejection_rate` counts them."""
    window = timedelta(days=settings.COMMENTS_REJECTION_WINDOW_DAYS)
    times: dict[int, list[datetime]] = defaultdict(list)
    negative_so_far: dict[int, list[int]] = defaultdict(lambda: [0])
    for author, created_at, state in (
        Comment.objects.filter(author_id__in=authors, state__in=DECIDED)
        .order_by("author_id", "created_at", "id")
        .values_list("author_id", "created_at", "state")
    ):
        times[author].append(created_at)
        negative_so_far[author].append(negative_so_far[author][-1] + (state != State.APPROVED))

    def history(author: int, at: datetime) -> tuple[int, int]:
        start = bisect.bisect_left(times[author], at - window)
        end = bisect.bisect_left(times[author], at)
        counts = negative_so_far[author]
        return end - start, counts[end] - counts[start]

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
    done = subprocess.run(
        [sys.executable, "-m", "moderation.fitting"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
        timeout=FITTING_TIMEOUT,
    )
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
    previous = ScorerModel.objects.filter(
        outcome=Outcome.IN_USE, features=features.FEATURES
    ).first()
    fitted = fit_elsewhere(
        {
            "older": _rows(older),
            "newest": _rows(newest),
            # The file is the model: what scores here is what the site has been scoring with.
            "previous": base64.b64encode(bytes(previous.estimator)).decode() if previous else None,
        }
    )
    result = evaluate(fitted["newest"], newest, threshold=threshold)
    run.held_out, run.precision, run.recall = len(newest), result.precision, result.recall
    run.confusion = result.confusion
    if previous is not None:
        before = evaluate(fitted["previous"], newest, threshold=previous.threshold)
        run.previous = previous
        run.previous_precision, run.previous_recall = before.precision, before.recall
    run.estimator = base64.b64decode(fitted["estimator"])
    run.weights = base64.b64decode(fitted["weights"])
    run.intercept = fitted["intercept"]
    better = previous is None or (run.f1 or 0.0) >= (run.previous_f1 or 0.0)
    with transaction.atomic():
        if better:
            ScorerModel.objects.filter(outcome=Outcome.IN_USE).update(outcome=Outcome.REPLACED)
            run.outcome = Outcome.IN_USE
        else:
            run.outcome = Outcome.WORSE
        run.save()
    return run
