"""The rules that decide what happens to a new comment, applied in order.

Each rule is a small function of the `Submission` that returns a `Decision` (the state the
comment starts in, and the reason moderators read beside it) or None to pass to the next
rule. A rule that refuses the post outright raises `CommentError`, saying why and until
when. The last rule, the piece's policy, always decides, so `decide` always has an answer.

1. A suspended or banned author is refused, told why and until when.
2. The honeypot field (invisible to people) was filled in: spam.
3. A blocked term, as a whole word, after folding case, accents and look-alikes: held.
4. More than COMMENTS_MAX_LINKS links: held.
5. An author whose email domain is on the blocklist: held.
6. One of the author's first COMMENTS_HOLD_FIRST_N comments: held.
7. A trusted author (COMMENTS_TRUSTED_AFTER published comments, none rejected, spam or
   removed in the last COMMENTS_TRUST_WINDOW_DAYS): published.
8. The piece's policy (its own, or COMMENTS_DEFAULT_POLICY): pre-moderate holds every
   comment, first-time holds authors with no published comment, post-moderate publishes.

The decision is recorded on the comment's first `CommentEvent` (actor: none, `rule`: the
rule's name, `reason`: the sentence below) and, when the comment is held, as its
`held_reason`. `services.post_comment` is the only caller.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format

from core.text import fold, normalise_domain

from .errors import CommentError
from .models import BlockedEmailDomain, BlockedTerm, Comment, Sanction
from .targets import FIRST_TIME, POST_MODERATE, PRE_MODERATE, CommentTarget, moderation_policy

State = Comment.State
NEGATIVE_STATES = (State.REJECTED, State.SPAM, State.REMOVED)


@dataclass(frozen=True)
class Decision:
    state: str
    reason: str  # for moderators: "Held: 4 links (limit 2)"
    rule: str  # the rule's name, recorded on the event


@dataclass
class Submission:
    """A comment about to be posted, and what the rules may ask about its author."""

    author: object
    target: CommentTarget
    body: str
    honeypot: str = ""
    now: datetime = field(default_factory=timezone.now)

    @cached_property
    def history(self) -> dict[str, int]:
        """The author's comments so far, and how many are published: one query."""
        return Comment.objects.filter(author_id=self.author.pk).aggregate(
            total=Count("pk"), published=Count("pk", filter=Q(state=State.APPROVED))
        )


def _term_pattern(term: str) -> str:
    words = [re.escape(word) for word in fold(term).split()]
    return r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"


def find_blocked_term(text: str, terms: list[str]) -> str | None:
    """The first of `terms` that `text` contains as whole words, as the term was written."""
    folded = fold(text)
    for term in terms:
        if fold(term).split() and re.search(_term_pattern(term), folded):
            return term
    return None


# Links -------------------------------------------------------------------------------

_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>()\[\]]+", re.IGNORECASE)
_MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")


def count_links(body: str) -> int:
    """Links in a comment: Markdown links (whatever their address) and bare addresses."""
    markdown_targets = _MARKDOWN_LINK.findall(body)
    without_markdown = _MARKDOWN_LINK.sub("](", body)
    return len(markdown_targets) + len(_URL.findall(without_markdown))


# Email domains -----------------------------------------------------------------------


def _domain_and_parents(email: str) -> list[str]:
    domain = normalise_domain(email.rpartition("@")[2]) if "@" in (email or "") else ""
    labels = domain.split(".") if domain else []
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


# Sanctions ---------------------------------------------------------------------------


def active_sanction(user, now: datetime | None = None) -> Sanction | None:
    """The sanction in force on `user`: a ban before any suspension, else the longest."""
    if not getattr(user, "pk", None):
        return None
    sanctions = list(Sanction.objects.active(now).filter(user_id=user.pk))
    if not sanctions:
        return None
    bans = [s for s in sanctions if s.kind == Sanction.Kind.BAN]
    return bans[0] if bans else max(sanctions, key=lambda s: s.until)


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i T")


def sanction_message(sanction: Sanction) -> str:
    """What a sanctioned reader reads when they try to post."""
    reason = sanction.reason.strip().rstrip(".")
    if sanction.kind == Sanction.Kind.BAN:
        return (
            f"Your account is banned from commenting. The moderators’ reason: {reason}. "
            "You can still read the discussion."
        )
    return (
        f"Your account is suspended from commenting until {_when(sanction.until)}. "
        f"The moderators’ reason: {reason}. You can post again after that; what you "
        "wrote is kept below."
    )


def sanction_notice(sanction: Sanction) -> str:
    """What a sanctioned reader reads in place of the comment box, before typing."""
    reason = sanction.reason.strip().rstrip(".")
    what = "post, reply, edit, recommend or report comments, or change your display name"
    if sanction.kind == Sanction.Kind.BAN:
        return (
            f"Your account is banned from commenting. The moderators’ reason: {reason}. "
            f"You can still read the discussion, but you can’t {what}."
        )
    return (
        f"Your account is suspended from commenting until {_when(sanction.until)}. "
        f"The moderators’ reason: {reason}. Until then you can read the discussion, but "
        f"you can’t {what}."
    )


def check_not_sanctioned(user, now: datetime | None = None) -> None:
    sanction = active_sanction(user, now)
    if sanction is not None:
        raise CommentError(sanction_message(sanction), code="sanctioned")


# The rules, in order -----------------------------------------------------------------


def refuse_sanctioned(s: Submission) -> Decision | None:
    check_not_sanctioned(s.author, s.now)
    return None


def honeypot(s: Submission) -> Decision | None:
    if s.honeypot.strip():
        return Decision(State.SPAM, "Spam: honeypot field filled", "honeypot")
    return None


def blocked_term(s: Submission) -> Decision | None:
    terms = list(BlockedTerm.objects.filter(is_active=True).values_list("term", flat=True))
    term = find_blocked_term(s.body, terms) if terms else None
    if term is not None:
        return Decision(State.PENDING, f"Held: contains blocked term “{term}”", "blocked_term")
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


def piece_policy(s: Submission) -> Decision:
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
    first_comments,
    trusted_author,
    piece_policy,
]


def decide(submission: Submission) -> Decision:
    """The first decision of the rules, in order. The last rule always decides."""
    for rule in RULES:
        decision = rule(submission)
        if decision is not None:
            return decision
    raise AssertionError("piece_policy always decides")  # pragma: no cover
