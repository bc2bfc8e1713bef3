def is_cache_storage(sql: str) -> bool:
    """A statement of the database cache's own storage, or the savepoint around its write.

    Page query budgets leave these out: with Redis they are not database queries at all,
    and the warm cached view has a budget of its own (tests/articles/test_page_cache.py).
    """
    return "django_cache" in sql or sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
