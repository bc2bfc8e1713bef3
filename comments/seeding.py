"""Generated discussions for demos and benchmarks: published, threaded, plausible.

Deterministic (the same piece gets the same discussion) and idempotent: the generated
commenters are recognisable by their address domain, and seeding tops a piece up to the
number asked for instead of adding that many again.
"""

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.markdown import render_comment_markdown

from .models import Comment, CommentEvent, Recommendation
from .signals import discussion_changed

SEED_DOMAIN = "seed.invalid"  # a reserved top-level domain: no mail can ever reach it
COMMENTERS = 60
SEED_REASON = "Published: generated discussion for a demo or benchmark."

_OPENINGS = [
    "I think the piece underrates how much",
    "Worth remembering that",
    "A fair summary, although",
    "The point about Laos is the strongest:",
    "I'm not convinced that",
    "From what I saw working in the region,",
    "Good analysis. One thing missing is that",
    "This matches the trade figures:",
]
_CLAIMS = [
    "sanctions enforcement depends on China more than on anyone in Southeast Asia.",
    "Vietnam has far more to lose from secondary sanctions than Laos does.",
    "labour exports are the revenue stream that is hardest to track.",
    "symbolic visits matter less than the shipping data.",
    "ASEAN has never agreed on North Korea and will not start now.",
    "the *axis of upheaval* framing hides how transactional these ties are.",
    "the real test is whether any of this shows up in [the UN panel's reports](https://www.un.org/securitycouncil/).",
    "pragmatism cuts both ways: Hanoi will drop Pyongyang the moment it costs too much.",
]
_CLOSINGS = [
    "",
    " Curious what others think.",
    "\n\n> Diversifying its partnerships reduces its dependence on Beijing.\n\nExactly.",
    " Has anyone seen numbers on this?",
    "",
]


def _commenters() -> list:
    User = get_user_model()
    existing = {u.email: u for u in User.objects.filter(email__endswith=f"@{SEED_DOMAIN}")}
    missing = [
        f"reader{n:03d}@{SEED_DOMAIN}"
        for n in range(COMMENTERS)
        if f"reader{n:03d}@{SEED_DOMAIN}" not in existing
    ]
    for email in missing:
        user = User(
            username=email.split("@")[0] + "-seed",
            email=email,
            display_name=f"Reader {email[6:9]}",
        )
        user.set_unusable_password()
        existing[email] = user
    User.objects.bulk_create([existing[email] for email in missing])
    users = list(User.objects.filter(email__endswith=f"@{SEED_DOMAIN}").order_by("email"))
    have_address = set(
        EmailAddress.objects.filter(user__in=users).values_list("user_id", flat=True)
    )
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=u, email=u.email, verified=True, primary=True)
            for u in users
            if u.pk not in have_address
        ]
    )
    return users


def _body(rng: random.Random) -> str:
    return f"{rng.choice(_OPENINGS)} {rng.choice(_CLAIMS)}{rng.choice(_CLOSINGS)}"


@transaction.atomic
def seed_discussion(*, target, count: int) -> int:
    """Top `target`'s generated discussion up to `count` comments; returns how many were added."""
    users = _commenters()
    seeded = Comment.objects.filter(target=target, author__email__endswith=f"@{SEED_DOMAIN}")
    existing = list(seeded.values_list("id", "depth", "root_id"))
    to_add = count - len(existing)
    if to_add <= 0:
        return 0
    rng = random.Random(f"{target.pk}:{len(existing)}")  # noqa: S311 - made-up text, not secrets
    max_depth = settings.COMMENTS_MAX_DEPTH - 1
    start = timezone.now() - timedelta(minutes=count + 5)
    # Plan the tree: about a third top-level, the rest replies to earlier comments.
    plan: list[tuple[int | None, int]] = []  # (index of parent in plan, depth)
    for _ in range(to_add):
        candidates = [i for i, (_, depth) in enumerate(plan) if depth < max_depth]
        if not candidates or rng.random() < 0.35:
            plan.append((None, 0))
        else:
            parent = rng.choice(candidates[-60:])  # replies cluster on recent comments
            plan.append((parent, plan[parent][1] + 1))
    made: list[Comment | None] = [None] * to_add
    for depth in range(max_depth + 1):
        batch = []
        for n, (parent_index, node_depth) in enumerate(plan):
            if node_depth != depth:
                continue
            parent = made[parent_index] if parent_index is not None else None
            body = _body(rng)
            made[n] = Comment(
                target=target,
                author=users[n % len(users)],
                parent=parent,
                root=(parent.root or parent) if parent else None,
                in_reply_to=parent,
                depth=depth,
                body=body,
                body_html=render_comment_markdown(body),
                state=Comment.State.APPROVED,
                held_reason="",
                created_at=start + timedelta(minutes=n),
            )
            batch.append(made[n])
        Comment.objects.bulk_create(batch)
    comments = [comment for comment in made if comment is not None]
    CommentEvent.objects.bulk_create(
        CommentEvent(
            comment=comment,
            from_state="",
            to_state=Comment.State.APPROVED,
            reason=SEED_REASON,
            created_at=comment.created_at,
        )
        for comment in comments
    )
    recommendations = []
    for comment in comments:
        fans = rng.sample(users, k=min(len(users) - 1, int(rng.paretovariate(1.5)) - 1))
        recommendations += [
            Recommendation(comment=comment, user=fan) for fan in fans if fan != comment.author
        ]
    Recommendation.objects.bulk_create(recommendations)
    counts: dict[int, int] = {}
    for recommendation in recommendations:
        counts[recommendation.comment.pk] = counts.get(recommendation.comment.pk, 0) + 1
    for comment in comments:
        comment.recommendation_count = counts.get(comment.pk, 0)
    Comment.objects.bulk_update(comments, ["recommendation_count"], batch_size=500)
    discussion_changed.send(sender=Comment, target_id=target.pk)
    return len(comments)
