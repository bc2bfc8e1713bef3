"""The rules that decide what happens to a new comment, applied in order.

Each rule is a small function of the `Submission` that returns a `Decision` (the state the
comment starts in, and the reason moderators read beside it) or None to pass to the next
rule. A rule that refuses the post outright raises `Sanctioned`, which tells the reader why
and until when. The last rule, the piece's policy, always decides, so `decide` always has an answer.

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
`held_reason`. `SiteModerator` is how comments ask (COMMENTS_MODERATOR; see
`comments.moderator`); `comments.posting.post_comment` is the only caller.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from comments.errors import Sanctioned
from comments.models import Comment
from comments.moderator import Decision, Moderator, Submission
from comments.targets import CommentTarget
from core.markdown import BARE_URL
from core.text import fold, normalise_domain

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


def find_blocked_term(text: str, terms: list[str]) -> str | None:
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
    first_comments,
    trusted_author,
    article_policy,
]


def decide(submission: Submission) -> Decision:
    """The first decision of the rules, in order. The last rule always decides."""
    for rule in RULES:
        decision = rule(submission)
        if decision is not None:
            return decision
    raise AssertionError("article_policy always decides")  # pragma: no cover


class SiteModerator(Moderator):
    """This site's moderator (COMMENTS_MODERATOR): the rules above, and the sanctions
    moderators hand out (moderation.actions)."""

    def decide(self, submission: Submission) -> Decision:
        return decide(submission)

    def sanction(self, user, *, now: datetime | None = None) -> Sanction | None:
        return active_sanction(user, now)
