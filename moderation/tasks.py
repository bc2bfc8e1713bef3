"""The scorer's scheduled training, on the task queue: `retrain` trains on the decisions so
far (moderation.training) and queues the next training MODERATION_SCORER_RETRAIN_HOURS
later, so one `manage.py train_scorer --schedule` starts a schedule that keeps itself going.

Web processes never enqueue it; the fitting runs in a process of its own
(`moderation.fitting`), so the worker never holds scikit-learn. A schedule whose chain broke
(a worker killed mid-task) is started again by the same command, which is safe to run at
every deployment: it queues nothing while a training waits.
"""

from datetime import timedelta

from django.conf import settings
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, TaskResultStatus

from core.tasks import later, retried

from . import training


def queue_retraining(*, after: timedelta | None = None) -> bool:
    """Queue `retrain` to run after `after` (default: now) unless one is queued already;
    True when this queued it. A backend that cannot defer gets no schedule (it would run
    the next training at once, and the next)."""
    if isinstance(retrain.get_backend(), DatabaseBackend):
        waiting = DBTaskResult.objects.filter(
            task_path=retrain.module_path, status=TaskResultStatus.READY
        )
        if waiting.exists():
            return False
    task = later(retrain, seconds=after.total_seconds()) if after else retrain
    if task is None:
        return False
    task.enqueue()
    return True


@retried
def retrain() -> int:
    """Train, and queue the next training first: a failed attempt's retry queues no second."""
    hours = settings.MODERATION_SCORER_RETRAIN_HOURS
    if hours > 0:
        queue_retraining(after=timedelta(hours=hours))
    return training.train().pk
