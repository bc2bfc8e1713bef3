"""The comment fixtures (piece, post, approve, trusted, …) are the root conftest's, shared
with the moderation and security tests."""

import pytest


@pytest.fixture(autouse=True)
def _database(db):
    """Every test here reads or writes comments in the database."""
