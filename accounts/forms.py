from allauth.account.forms import AddEmailForm, LoginForm, ReauthenticateForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest

from . import tasks
from .models import User
from .validators import DISPLAY_NAME_TAKEN, clean_display_name

DISPLAY_NAME_HELP = "Shown beside your comments. Between 2 and 50 characters."


def _drop_placeholders(form: forms.BaseForm) -> None:
    """Visible labels do the job; allauth's placeholders only repeat them."""
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


def display_name_field() -> forms.CharField:
    return forms.CharField(
        label="Display name",
        help_text=DISPLAY_NAME_HELP,
        # No max_length (nor a maxlength attribute, which silently cuts pasted text):
        # clean_display_name counts characters after trimming and says what is wrong,
        # and the page keeps what the person typed.
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname", "spellcheck": "false"}),
    )


class SignupForm(AllauthSignupForm):
    """allauth's signup (email, password twice) plus the public display name."""

    field_order = ["display_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"] = display_name_field()
        self.order_fields(self.field_order)
        _drop_placeholders(self)
        self.fields["email"].label = "Email address"
        self.fields[
            "email"
        ].help_text = "We will send a link to confirm it. It is never shown to other readers."

    def clean_display_name(self) -> str:
        name = clean_display_name(self.cleaned_data["display_name"])
        if User.objects.display_name_taken(name):
            raise forms.ValidationError(DISPLAY_NAME_TAKEN, code="display_name_taken")
        return name

    def try_save(self, request: HttpRequest):
        if self.account_already_exists:
            # A new account costs a password hash, most of a sign-up's time: hash here too,
            # or the quicker answer would tell that the address has an account.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class ResetPasswordForm(AllauthResetPasswordForm):
    """allauth's reset form; the worker finds the accounts and makes the mail."""

    def save(self, request: HttpRequest, **kwargs) -> str:
        email = self.cleaned_data["email"]
        # The same work for a known address as for an unknown one: one task queued, which
        # mails the accounts it finds (accounts.tasks). Making the mail here, for known
        # addresses only, took measurably longer than doing nothing for unknown ones.
        tasks.mail_password_reset.enqueue(email=email)
        return email


class SignInForm(LoginForm):
    """allauth's sign-in form (email and password), labelled for this site."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _drop_placeholders(self)
        self.fields["login"].label = "Email address"
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in on this device"


class ChangeEmailForm(AddEmailForm):
    """The new address; allauth verifies it before it replaces the current one."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _drop_placeholders(self)
        email = self.fields["email"]
        email.label = "New email address"
        email.help_text = "We send a link to the new address; it changes when you follow it."


class ProfileForm(forms.ModelForm):
    """What a signed-in reader may change about their public profile."""

    class Meta:
        model = User
        fields = ["display_name", "notify_on_reply"]
        labels = {"notify_on_reply": "Email me when someone replies to my comment"}
        help_texts = {
            "notify_on_reply": "At most one email per reply, sent to the address on your "
            "account. You can switch this off at any time."
        }

    def __init__(self, *args, sanctioned: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"] = display_name_field()
        if sanctioned:
            # The name shows on every published comment: a sanctioned reader keeps theirs
            # (a disabled field ignores what is posted), and still manages their mail.
            self.fields["display_name"].disabled = True
            self.fields[
                "display_name"
            ].help_text = "You can't change your display name while your account is sanctioned."

    def clean_display_name(self) -> str:
        return clean_display_name(self.cleaned_data["display_name"])


class DeleteAccountForm(ReauthenticateForm):
    """Password re-entry before the account is anonymised (allauth's rate limits apply)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["password"]
        field.label = "Your password"
        field.help_text = "To make sure it is you, enter the password you sign in with."
        _drop_placeholders(self)
