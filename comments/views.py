from django.http import HttpRequest


def discussion_context(request: HttpRequest, target) -> dict:
    """What a piece's page needs to show its discussion (filled in by the comments issue)."""
    return {}
