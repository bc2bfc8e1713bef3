class CommentError(Exception):
    """A rule said no. `message` is written for the person acting; `field` is the form field.

    `code` says which rule (e.g. "empty", "closed", "sanctioned", "conflict"), for views and
    tests; the message is what people read.
    """

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
