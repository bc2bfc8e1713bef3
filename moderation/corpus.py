"""Generated moderators' decisions, for the scorer's tests, the benchmark and demos: comments
on a piece by generated readers, each approved, rejected, marked as spam or removed by a
generated moderator, as the site records a decision (a first event by rule, then the
moderator's, with a reason from the list when turned down).

The text is made from phrases, not downloaded. Turned-down comments are insults, spam and
off-topic rants, often wrapped in the same civil phrases approved comments use; approved
ones sometimes use the strong words a rant does ("nonsense", "ridiculous"). Spam tends to
carry links and come from new accounts; some readers are turned down again and again. A
share `noise` of the decisions is flipped, as moderators disagree. Deterministic for a seed.
"""

import random
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from comments.models import Comment, CommentEvent
from comments.seeding import SEED_DOMAIN
from core.markdown import render_comment_markdown

State = Comment.State
Reason = CommentEvent.Reason
WRITERS = 80
MODERATOR = f"corpus-moderator@{SEED_DOMAIN}"

_CIVIL = [
    "I think the piece underrates how much sanctions enforcement depends on China.",
    "Vietnam has far more to lose from secondary sanctions than Laos does.",
    "Labour exports are the revenue stream that is hardest to track.",
    "The shipping data tells a different story from the official visits.",
    "ASEAN has never agreed on North Korea and will not start now.",
    "Pragmatism cuts both ways: Hanoi will drop Pyongyang when it costs too much.",
    "Good analysis, though the section on Malaysia could use more sources.",
    "Has anyone seen the latest panel of experts report on ship transfers?",
    "The embassy reopening in Jakarta seems more symbolic than strategic.",
    "Remittances through Cambodia deserve a closer look in a follow-up.",
    "A fair summary of the trade figures, thank you for the footnotes.",
    "Myanmar's arms purchases are the part I would like to read more about.",
    "This matches what diplomats in Bangkok have been saying for years.",
    "I disagree with the conclusion, but the evidence is laid out clearly.",
]
_STRONG_BUT_FAIR = ["That claim is nonsense, in my view.", "The ridiculous part is the tariff."]
_INSULTS = [
    "You are an idiot and so is the author.",
    "Shut up, moron, nobody asked you.",
    "What a pathetic clown of a writer.",
    "Only a brainless fool would believe this garbage.",
    "You people are scum and should be ashamed.",
    "Typical traitor propaganda, you disgusting liar.",
    "Get lost, loser, go back to your hole.",
    "This author is a worthless hack and an imbecile.",
]
_SPAM = [
    "Buy cheap followers today at {link}",
    "Earn $500 a day from home, click here {link}",
    "Best online casino bonus, sign up now {link}",
    "Crypto giveaway! Send one coin and get two back {link}",
    "Cheap pills without prescription, discreet shipping {link}",
    "Make money fast with this one weird trick {link}",
]
_OFF_TOPIC = [
    "Does anyone know a good plumber near the station?",
    "First! Nobody cares about this, subscribe to my channel.",
    "My cat knocked over the router again lol.",
    "Who won the football last night? Asking for a friend.",
]
_LINKS = ["https://deals.example/offer", "http://cheap.example/x?ref=42", "https://win.example/"]


def _writers(rng: random.Random, now: datetime) -> list:
    User = get_user_model()
    emails = [f"writer{n:03d}@{SEED_DOMAIN}" for n in range(WRITERS)]
    existing = {u.email for u in User.objects.filter(email__in=emails)}
    new = []
    for n, email in enumerate(emails):
        if email in existing:
            continue
        # A fifth of the accounts are hours or days old, the rest months to years.
        age = rng.choice([0.2, 0.5, 2]) if n % 5 == 0 else rng.uniform(60, 1500)
        user = User(
            username=f"writer{n:03d}-seed",
            email=email,
            display_name=f"Writer {n:03d}",
            date_joined=now - timedelta(days=age),
        )
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new)
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=u, email=u.email, verified=True, primary=True)
            for u in users
            if u.email not in existing
        ]
    )
    return users


def _moderator():
    User = get_user_model()
    moderator, created = User.objects.get_or_create(
        email=MODERATOR,
        defaults={"username": "corpus-moderator-seed", "display_name": "Corpus moderator"},
    )
    if created:
        moderator.set_unusable_password()
        moderator.save(update_fields=["password"])
    return moderator


def _turned_down(rng: random.Random) -> tuple[str, str, str]:
    """(text, final state, reason from the list) of a comment moderators turn down."""
    kind = rng.random()
    civil = rng.choice(_CIVIL) if rng.random() < 0.5 else ""
    if kind < 0.5:
        insult = rng.choice(_INSULTS)
        if rng.random() < 0.3:  # look-alikes and shouting
            insult = insult.replace("o", "0").replace("i", "1").upper()
        return f"{civil} {insult}".strip(), State.REJECTED, Reason.ABUSE
    if kind < 0.8:
        spam = rng.choice(_SPAM).format(link=rng.choice(_LINKS))
        return f"{spam} {civil}".strip(), State.SPAM, Reason.SPAM
    return rng.choice(_OFF_TOPIC), State.REMOVED, Reason.OFF_TOPIC


def _approved(rng: random.Random) -> str:
    parts = rng.sample(_CIVIL, k=rng.choice([1, 2, 2, 3]))
    if rng.random() < 0.15:
        parts.append(rng.choice(_STRONG_BUT_FAIR))
    return " ".join(parts)


@transaction.atomic
def seed_decisions(
    *,
    target,
    count: int,
    seed: int = 0,
    turned_down_share: float = 0.3,
    noise: float = 0.05,
    start: datetime | None = None,
    days: float = 60,
) -> list[Comment]:
    """Add `count` decided comments on `target`, posted evenly from `start` (default: `days`
    ago) over `days`, each decided within the hour (and not after now); returns them,
    oldest first."""
    rng = random.Random(seed)  # noqa: S311 - made-up text, not secrets
    now = timezone.now()
    start = start or now - timedelta(days=days)
    # Their own generator: the comments are the same for a seed whichever writers exist.
    writers = _writers(random.Random(f"writers:{seed}"), start)  # noqa: S311
    # A few writers are the usual suspects, and spam comes mostly from the youngest accounts.
    suspects, young = writers[1::7], writers[::5]
    moderator = _moderator()
    comments, decisions = [], []
    for n in range(count):
        down = rng.random() < turned_down_share
        if down:
            body, state, reason = _turned_down(rng)
            usual = young if state == State.SPAM else suspects
            author = rng.choice(usual) if rng.random() < 0.6 else rng.choice(writers)
        else:
            body, state, reason = _approved(rng), State.APPROVED, ""
            author = rng.choice(writers)
        if rng.random() < noise:  # moderators disagree
            state, reason = (State.APPROVED, "") if down else (State.REJECTED, Reason.OTHER)
        created_at = start + timedelta(days=days) * (n / max(count, 1))
        comments.append(
            Comment(
                target=target,
                author=author,
                body=body,
                body_html=render_comment_markdown(body),
                state=state,
                created_at=created_at,
            )
        )
        decided_at = min(created_at + timedelta(minutes=rng.uniform(1, 60)), now)  # never ahead
        decisions.append((state, reason, decided_at))
    Comment.objects.bulk_create(comments)
    events = []
    for comment, (state, reason, decided_at) in zip(comments, decisions, strict=True):
        events.append(
            CommentEvent(
                comment=comment,
                from_state="",
                to_state=State.PENDING,
                reason="Held: generated for the scorer's corpus",
                rule="corpus",
                created_at=comment.created_at,
            )
        )
        events.append(
            CommentEvent(
                comment=comment,
                actor=moderator,
                from_state=State.PENDING,
                to_state=state,
                category=reason,
                created_at=decided_at,
            )
        )
    CommentEvent.objects.bulk_create(events)
    return comments
