"""The rules that decide what happens to a new comment, applied in order.

Each rule is a small function of the `Submission` that returns a `Decision` (the state the
comment starts in, and the reason moderators read beside it) or None to pass to the next
rule. A rule that refuses the post outright raises `Sanctioned`, which tells the reader why
and until when. The last rule, the piece's policy, always decides, so `decide` always has an answer.

1. A suspended or banned author is refused, told why and until when.
2. The honeypot field (invisible to people) was filled in: spam.
3. A term on the list, as a whole word, after folding case, accents and look-alikes: a
   blocked term refuses the post (the reader is told which and keeps their text), a
   suspect term holds it.
4. More than COMMENTS_MAX_LINKS links: held.
5. An author whose email domain is on the blocklist (disposable addresses): held.
6. An author whose address is an alias of another account's (the same mailbox once a
   "+tag" is dropped, and dots for Gmail): held.
7. A repeat: the same or nearly the same text as a comment by another reader, or on
   another piece, in the last COMMENTS_REPEAT_WINDOW_HOURS: held, naming the other copy.
8. An author whose recent comments were mostly turned down (COMMENTS_REJECTION_*): back to
   pre-moderation, held.
9. The scorer (`moderation.scorer`, when a model is in use): a score at or past its
   threshold holds the comment for a person, naming what weighed most. It never rejects;
   whichever rule decides, the score is kept on the comment for the queue's order.
10. One of the author's first COMMENTS_HOLD_FIRST_N comments: held.
11. A trusted author (COMMENTS_TRUSTED_AFTER published comments, none rejected, spam or
   removed in the last COMMENTS_TRUST_WINDOW_DAYS): published.
12. The piece's policy (its own, or COMMENTS_DEFAULT_POLICY): pre-moderate holds every
   comment, first-time holds authors with no published comment, post-moderate publishes.

The decision is recorded on the comment's first `CommentEvent` (actor: none, `rule`: the
rule's name, `reason`: the sentence below) and, when the comment is held, as its
`held_reason`. `SiteModerator` is how comments ask (COMMENTS_MODERATOR; see
`comments.moderator`); `comments.posting.post_comment` is the only caller.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Value
from django.db.models.functions import Lower, Replace
from django.urls import reverse

from comments.errors import CommentError, Sanctioned
from comments.models import Comment
from comments.moderator import Decision, Moderator, Submission
from comments.targets import CommentTarget
from core.markdown import BARE_URL
from core.text import fold, normalise_domain

from . import features, scorer
from .models import BlockedEmailDomain, BlockedTerm, Sanction
from .sanctions import active_sanction

State = Comment.State
NEGATIVE_STATES = (State.REJECTED, State.SPAM, State.REMOVED)

# How a piece's new comments are moderated (after the rules that apply everywhere): every
# comment held, only first-time commenters' held, or none held. A piece says one of these
# in its `moderation_policy`, or "default" (or nothing) for COMMENTS_DEFAULT_POLICY.
PRE_MODERATE = "pre_moderate"
FIRST_TIME = "first_time"
POST_MODERATE = "post_moderate"
POLICIES = (PRE_MODERATE, FIRST_TIME, POST_MODERATE)


@dataclass(frozen=True)
class Policy:
    name: str  # one of POLICIES
    is_default: bool  # the site's default, not chosen for this piece


def moderation_policy(target: CommentTarget) -> Policy:
    """The policy for new comments on `target`: its own, or the site's default."""
    chosen = getattr(target, "moderation_policy", "") or ""
    if chosen in POLICIES:
        return Policy(chosen, is_default=False)
    return Policy(settings.COMMENTS_DEFAULT_POLICY, is_default=True)


# Blocked terms -----------------------------------------------------------------------


def _term_pattern(term: str) -> str:
    words = [re.escape(word) for word in fold(term).split()]
    return r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"


def find_blocked_term(text: str, terms) -> str | None:
    """The first of `terms` that `text` contains as whole words, as the term was written."""
    folded = fold(text)
    for term in terms:
        if fold(term).split() and re.search(_term_pattern(term), folded):
            return term
    return None


# Links -------------------------------------------------------------------------------

_MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")


def count_links(body: str) -> int:
    """Links in a comment: Markdown links (whatever their address) and bare addresses."""
    markdown_targets = _MARKDOWN_LINK.findall(body)
    without_markdown = _MARKDOWN_LINK.sub("](", body)
    return len(markdown_targets) + len(BARE_URL.findall(without_markdown))


# Email domains -----------------------------------------------------------------------


def _domain_and_parents(email: str) -> list[str]:
    domain = normalise_domain(email.rpartition("@")[2]) if "@" in (email or "") else ""
    labels = domain.split(".") if domain else []
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


# The rules, in order -----------------------------------------------------------------


def refuse_sanctioned(s: Submission) -> Decision | None:
    sanction = active_sanction(s.author, s.now)
    if sanction is not None:
        raise Sanctioned(sanction=sanction)
    return None


def honeypot(s: Submission) -> Decision | None:
    if s.honeypot.strip():
        return Decision(State.SPAM, "Spam: honeypot field filled", "honeypot")
    return None


def blocked_term(s: Submission) -> Decision | None:
    listed = list(BlockedTerm.objects.filter(is_active=True).values_list("term", "action"))
    refused = [term for term, action in listed if action == BlockedTerm.Action.REFUSE]
    term = find_blocked_term(s.body, refused) if refused else None
    if term is not None:
        raise CommentError(
            f"Your comment contains “{term}”, which this site does not accept. Change it and "
            "post again: your text is kept below.",
            code="blocked_term",
            field="body",
        )
    suspect = [term for term, action in listed if action == BlockedTerm.Action.HOLD]
    term = find_blocked_term(s.body, suspect) if suspect else None
    if term is not None:
        return Decision(State.PENDING, f"Held: contains suspect term “{term}”", "suspect_term")
    return None


def too_many_links(s: Submission) -> Decision | None:
    limit = settings.COMMENTS_MAX_LINKS
    links = count_links(s.body)
    if links > limit:
        return Decision(State.PENDING, f"Held: {links} links (limit {limit})", "links")
    return None


def blocked_email_domain(s: Submission) -> Decision | None:
    candidates = _domain_and_parents(getattr(s.author, "email", ""))
    if not candidates:
        return None
    blocked = (
        BlockedEmailDomain.objects.filter(is_active=True, domain__in=candidates)
        .values_list("domain", flat=True)
        .first()
    )
    if blocked is not None:
        return Decision(
            State.PENDING, f"Held: email domain “{blocked}” is on the blocklist", "email_domain"
        )
    return None


# Aliased addresses ---------------------------------------------------------------------

# Mail services that ignore dots in the part before the @.
DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def mailbox(email: str) -> tuple[str, str] | None:
    """(local part without its "+tag", domain), both lower case, dots dropped from the local
    part for DOTLESS_DOMAINS: two addresses with the same mailbox reach the same person."""
    local, at, domain = (email or "").strip().lower().rpartition("@")
    if not at or not local or not domain:
        return None
    local = local.partition("+")[0]
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
    return local, domain


def aliased_email(s: Submission) -> Decision | None:
    box = mailbox(getattr(s.author, "email", ""))
    if box is None:
        return None
    local, domain = box
    address = Lower("email")
    if domain in DOTLESS_DOMAINS:
        address = Replace(address, Value("."), Value(""))
        domain_key = domain.replace(".", "")
    else:
        domain_key = domain
    # One query over the accounts' addresses, folded as `mailbox` folds them.
    others = (
        get_user_model()
        .objects.exclude(pk=s.author.pk)
        .annotate(mailbox_key=address)
        .filter(
            Q(mailbox_key=f"{local}@{domain_key}")
            | Q(mailbox_key__startswith=f"{local}+", mailbox_key__endswith=f"@{domain_key}")
        )
    )
    if others.exists():
        return Decision(
            State.PENDING,
            "Held: the email address reaches the same mailbox as another account’s",
            "aliased_email",
        )
    return None


# Repeat posts --------------------------------------------------------------------------

SHINGLE = 3  # words


def words_of(text: str) -> list[str]:
    """The words of `text` as repeats compare them: folded (case, accents, look-alikes),
    without punctuation or spacing."""
    return re.findall(r"\w+", fold(text))


def shingles(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) <= SHINGLE:
        return {tuple(words)}
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def similarity(a: set, b: set) -> float:
    """Jaccard: the share of shingles the two texts have in common."""
    return len(a & b) / len(a | b) if a and b else 0.0


def find_repeat(s: Submission) -> tuple[int, str, float] | None:
    """(comment id, its piece's title, similarity) of the recent comment by another reader,
    or on another piece, most like `s`; None when none is alike enough. Looked for once per
    submission (the scorer asks too)."""
    if "repeat" not in s.facts:
        s.facts["repeat"] = _find_repeat(s)
    return s.facts["repeat"]


def _find_repeat(s: Submission) -> tuple[int, str, float] | None:
    words = words_of(s.body)
    if len("".join(words)) < settings.COMMENTS_REPEAT_MIN_CHARS:
        return None
    mine = shingles(words)
    since = s.now - timedelta(hours=settings.COMMENTS_REPEAT_WINDOW_HOURS)
    # The newest first, bounded (the created_at index): a scan of a few hundred short texts.
    recent = (
        Comment.objects.filter(created_at__gte=since)
        .exclude(state=State.WITHDRAWN)
        .exclude(author_id=s.author.pk, target_id=s.target.pk)
        .order_by("-created_at", "-id")
        .values_list("pk", "body", "target__title")[: settings.COMMENTS_REPEAT_SCAN]
    )
    best = None
    for pk, body, title in recent:
        score = similarity(mine, shingles(words_of(body)))
        if score >= settings.COMMENTS_REPEAT_SIMILARITY and (best is None or score > best[2]):
            best = (pk, title, score)
            if score == 1.0:
                break
    return best


def repeat_post(s: Submission) -> Decision | None:
    found = find_repeat(s)
    if found is None:
        return None
    pk, title, score = found
    # The same words: case, accents, spacing and punctuation may differ.
    alike = "the same words as" if score == 1.0 else f"{score:.0%} the same as"
    return Decision(
        State.PENDING, f"Held: repeat post, {alike} comment #{pk} on “{title}”", "repeat"
    )


# Rejection rate ------------------------------------------------------------------------


def rejection_tally(s: Submission) -> tuple[int, int]:
    """(decided, turned down): the author's comments in the last COMMENTS_REJECTION_WINDOW_DAYS
    approved, and rejected, spam or removed. Counted once per submission."""
    if "rejections" not in s.facts:
        tally = Comment.objects.filter(
            author_id=s.author.pk,
            created_at__gte=s.now - timedelta(days=settings.COMMENTS_REJECTION_WINDOW_DAYS),
            state__in=(State.APPROVED, *NEGATIVE_STATES),
        ).aggregate(decided=Count("pk"), negative=Count("pk", filter=Q(state__in=NEGATIVE_STATES)))
        s.facts["rejections"] = (tally["decided"], tally["negative"])
    return s.facts["rejections"]


def rejection_rate(s: Submission) -> Decision | None:
    needed = settings.COMMENTS_REJECTION_MIN_DECIDED
    if needed <= 0:
        return None
    decided, negative = rejection_tally(s)
    limit = settings.COMMENTS_REJECTION_RATE_PERCENT
    if decided < needed or negative * 100 < limit * decided:
        return None
    days = settings.COMMENTS_REJECTION_WINDOW_DAYS
    return Decision(
        State.PENDING,
        f"Held: pre-moderated, {negative} of this reader’s {decided} decided comments in "
        f"{days} days were rejected, spam or removed (limit {limit}%)",
        "rejection_rate",
    )


# The scorer ----------------------------------------------------------------------------


def machine_score(s: Submission) -> scorer.Score | None:
    """The scorer's estimate for `s`, or None while no model is in use. Once per submission."""
    if "score" not in s.facts:
        model = scorer.model_in_use()
        if model is None:
            s.facts["score"] = None
        else:
            decided, turned_down = rejection_tally(s)
            signals = features.Signals(
                links=count_links(s.body),
                account_days=features.account_days(getattr(s.author, "date_joined", None), s.now),
                decided=decided,
                turned_down=turned_down,
                repeat=find_repeat(s) is not None,
            )
            s.facts["score"] = model.score(s.body, signals)
    return s.facts["score"]


def scored(s: Submission) -> Decision | None:
    score = machine_score(s)
    if score is None or not score.holds:
        return None
    weighed = ", ".join(score.reasons) or "nothing in particular"
    return Decision(
        State.PENDING,
        f"Held automatically by the scorer (model {score.model_id}): score "
        f"{score.value:.2f}, holds from {score.threshold:.2f}; weighed most: {weighed}",
        "scorer",
        score.value,
    )


def first_comments(s: Submission) -> Decision | None:
    limit = settings.COMMENTS_HOLD_FIRST_N
    earlier = s.history["total"]
    if earlier >= limit:
        return None
    if limit == 1:
        return Decision(State.PENDING, "Held: first comment by this reader", "first_comments")
    return Decision(
        State.PENDING,
        f"Held: comment {earlier + 1} of this reader’s first {limit}",
        "first_comments",
    )


def trusted_author(s: Submission) -> Decision | None:
    needed = settings.COMMENTS_TRUSTED_AFTER
    published = s.history["published"]
    if needed <= 0 or published < needed:
        return None
    days = settings.COMMENTS_TRUST_WINDOW_DAYS
    recent_negative = Comment.objects.filter(
        author_id=s.author.pk,
        state__in=NEGATIVE_STATES,
        events__to_state__in=NEGATIVE_STATES,
        events__created_at__gte=s.now - timedelta(days=days),
    ).exists()
    if recent_negative:
        return None
    return Decision(
        State.APPROVED,
        f"Published: trusted reader ({published} approved, none rejected in {days} days)",
        "trusted",
    )


def article_policy(s: Submission) -> Decision:
    policy = moderation_policy(s.target)
    note = " (site default)" if policy.is_default else ""
    if policy.name == POST_MODERATE:
        return Decision(State.APPROVED, f"Published: post-moderated piece{note}", "policy")
    if policy.name == FIRST_TIME and s.history["published"]:
        return Decision(
            State.APPROVED,
            f"Published: the reader has a published comment (first-time policy{note})",
            "policy",
        )
    if policy.name == FIRST_TIME:
        return Decision(
            State.PENDING,
            f"Held: no published comment yet (first-time policy{note})",
            "policy",
        )
    if policy.name != PRE_MODERATE:  # a misconfigured default: the safe choice
        note = f" (unknown policy {policy.name!r}: pre-moderated)"
    return Decision(State.PENDING, f"Held: pre-moderated piece{note}", "policy")


RULES: list[Callable[[Submission], Decision | None]] = [
    refuse_sanctioned,
    honeypot,
    blocked_term,
    too_many_links,
    blocked_email_domain,
    aliased_email,
    repeat_post,
    rejection_rate,
    scored,
    first_comments,
    trusted_author,
    article_policy,
]


def decide(submission: Submission) -> Decision:
    """The first decision of the rules, in order (the last rule always decides), with the
    scorer's estimate, whichever rule decided, for the queue's order."""
    for rule in RULES:
        decision = rule(submission)
        if decision is not None:
            break
    score = machine_score(submission)
    return replace(decision, score=score.value) if score is not None else decision


class SiteModerator(Moderator):
    """This site's moderator (COMMENTS_MODERATOR): the rules above, and the sanctions
    moderators hand out (moderation.actions)."""

    def decide(self, submission: Submission) -> Decision:
        return decide(submission)

    def sanction(self, user, *, now: datetime | None = None) -> Sanction | None:
        return active_sanction(user, now)

    def decision_url(self, event_id: int) -> str:
        return reverse("moderation:statement", args=[event_id])

    def notice_url(self, comment_id: int) -> str:
        return reverse("moderation:notice", args=[comment_id])
