"""Account mail that the worker makes, so that the request does the same work whoever asks."""

from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm
from allauth.account.utils import user_pk_to_url_str

from core import tasks


@tasks.retried
def mail_password_reset(*, email: str) -> int:
    """Mail a reset link to each active account using `email`; to nobody if there is none
    (the site does not mail addresses it does not know). Returns how many were mailed."""
    # allauth's own form finds the accounts, with its rules for matching an address.
    form = ResetPasswordForm(data={"email": email})
    if not form.is_valid():
        return 0
    adapter = get_adapter()
    for user in form.users:
        token = app_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
        url = adapter.get_reset_password_from_key_url(f"{user_pk_to_url_str(user)}-{token}")
        adapter.send_password_reset_mail(user, email, {"user": user, "password_reset_url": url})
    return len(form.users)
