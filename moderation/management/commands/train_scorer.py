from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from moderation import tasks, training
from moderation.models import ScorerModel


def figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


class Command(BaseCommand):
    help = (
        "Train the comment scorer on the moderators' decisions so far, evaluate it on the "
        "newest decisions held out by time, and put it in use unless the model in use "
        "evaluates better. --schedule also queues a training every "
        "MODERATION_SCORER_RETRAIN_HOURS on the task queue."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--schedule", action="store_true", help="Queue the scheduled training, once."
        )
        parser.add_argument("--no-train", action="store_true", help="Do not train now.")

    def handle(self, *args, schedule: bool, no_train: bool, **options) -> None:
        if schedule:
            queued = tasks.queue_retraining()
            self.stdout.write(
                "Scheduled training queued." if queued else "Scheduled training already queued."
            )
        if no_train:
            return
        try:
            run = training.train()
        except training.TrainingFailed as failure:
            raise CommandError(str(failure)) from failure
        self.stdout.write(self.describe(run))

    def describe(self, run: ScorerModel) -> str:
        if run.outcome == ScorerModel.Outcome.TOO_FEW:
            return (
                f"Not trained: {run.decisions} decisions ({run.turned_down} turned down); "
                f"training needs {settings.MODERATION_SCORER_MIN_DECISIONS}, at least "
                f"{settings.MODERATION_SCORER_MIN_EACH} of each. The scorer stays as it was."
            )
        confusion = run.confusion
        lines = [
            f"Model {run.pk}: trained on {run.decisions} decisions ({run.turned_down} turned "
            f"down); the {run.held_out} newest decisions held out to evaluate it.",
            f"Would have been held (score >= {run.threshold:.2f}): precision "
            f"{figure(run.precision)}, recall {figure(run.recall)}.",
            f"  held and turned down {confusion['held_turned_down']}, held but approved "
            f"{confusion['held_approved']}, passed but turned down "
            f"{confusion['passed_turned_down']}, passed and approved "
            f"{confusion['passed_approved']}.",
        ]
        if run.previous_id and run.compared_on:
            lines.append(
                f"On the {run.compared_on} held-out decisions made since model "
                f"{run.previous_id} (in use) was trained: this one precision "
                f"{figure(run.compared_precision)}, recall {figure(run.compared_recall)}; model "
                f"{run.previous_id} precision {figure(run.previous_precision)}, recall "
                f"{figure(run.previous_recall)}."
            )
        elif run.previous_id:
            lines.append(
                f"No held-out decision was made since model {run.previous_id} (in use) was "
                "trained: nothing to compare them on."
            )
        lines.append(f"Outcome: {run.get_outcome_display().lower()}.")
        return "\n".join(lines)
