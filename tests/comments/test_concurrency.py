"""Two identical posts at the same moment (a double click racing itself) make one comment."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from comments import posting
from comments.models import Comment


@pytest.mark.django_db(transaction=True)
def test_simultaneous_identical_posts_make_one_comment(trusted, piece):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL (SQLite serialises them anyway).")
    barrier = threading.Barrier(2)

    def submit(_):
        try:
            barrier.wait(timeout=10)
            return posting.post_comment(target=piece, author=trusted, body="Raced.")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(submit, range(2)))
    assert Comment.objects.filter(body="Raced.").count() == 1
    assert sorted(result.created for result in results) == [False, True]
