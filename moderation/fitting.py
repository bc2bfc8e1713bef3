"""The part of training that needs scikit-learn, in a process of its own: `python -m
moderation.fitting` reads a job as JSON on stdin and writes its result as JSON on stdout.

`moderation.training` starts it for each training, so the process that trains (the task
worker, for the scheduled training) never holds scikit-learn, about 110 MB, nor the
decisions' features. It knows nothing of Django: texts, signals and labels in
(`moderation.features` makes the rows, as the site does when it scores); probabilities,
the fitted model in skops's format and its weights out.

The job: `older` and `newest` (each `texts`, `signals`, as `features.Signals`'s fields,
and `labels`), and `previous` (the model in use, skops, base64) or null. The result:
`newest` (the held-out decisions' probabilities by a model fitted on `older`), `previous`
(theirs by the model in use, loaded from its file) or null, and the model fitted on all
the decisions: `estimator` (skops, base64), `weights` (little-endian float32, base64),
`intercept`.
"""

import base64
import json
import sys

import skops.io
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from moderation import features


def matrix(part: dict) -> csr_matrix:
    data, indices, starts = [], [], [0]
    for text, signals in zip(part["texts"], part["signals"], strict=True):
        for column, value in features.features(text, features.Signals(**signals)).items():
            indices.append(column)
            data.append(value)
        starts.append(len(indices))
    return csr_matrix((data, indices, starts), shape=(len(starts) - 1, features.COLUMNS))


def fit(part: dict) -> LogisticRegression:
    # Balanced: turned-down comments are the fewer, and the ones that matter.
    estimator = LogisticRegression(
        class_weight="balanced", C=4.0, solver="liblinear", random_state=0
    )
    return estimator.fit(matrix(part), part["labels"])


def run(job: dict) -> dict:
    older, newest = job["older"], job["newest"]
    held_out = matrix(newest)
    result = {"newest": fit(older).predict_proba(held_out)[:, 1].tolist(), "previous": None}
    if job["previous"]:
        previous = skops.io.loads(base64.b64decode(job["previous"]))
        result["previous"] = previous.predict_proba(held_out)[:, 1].tolist()
    final = fit({key: older[key] + newest[key] for key in older})
    result["estimator"] = base64.b64encode(skops.io.dumps(final)).decode()
    weights = final.coef_.ravel().astype("<f4").tobytes()
    result["weights"] = base64.b64encode(weights).decode()
    result["intercept"] = float(final.intercept_[0])
    return result


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout)
