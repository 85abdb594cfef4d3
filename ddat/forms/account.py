"""Signing in, registering and changing a password."""

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length, StopValidation, ValidationError

from ..auth import email_problem, password_problem
from .base import Form
from .fields import text


def plain_email(_form, field) -> None:
    problem = email_problem(field.data or "")
    if problem:
        raise StopValidation(problem)


def new_password_field(label: str, missing: str) -> PasswordField:
    """A box for choosing a password; the form checks its strength with `password_problem`."""
    return PasswordField(
        label,
        description="Use 12 characters or more. Three random words work well.",
        widget=GovPasswordInput(),
        validators=[InputRequired(message=missing), Length(max=200)],
    )


class SignInForm(Form):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address"), Length(max=254), plain_email],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class RegisterForm(Form):
    email = text(
        "Work email address",
        254,
        required="Enter your work email address",
        called="Email address",
        validators=[
            plain_email,
            Email(
                message="Enter an email address in the correct format, like name@example.gov.uk",
                check_deliverability=False,
            ),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class NewPasswordForm(Form):
    """A form that sets a new password for the account with `email`, checked for strength."""

    new_password = new_password_field("New password", "Enter a new password")

    def __init__(self, email: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def validate_new_password(self, field):
        problem = password_problem(field.data or "", self.email)
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")],
    )
    # Declared again after the current password, so the page and its error summary ask in that order.
    new_password = new_password_field("New password", "Enter a new password")
    submit = SubmitField("Change password", widget=GovSubmitInput())

    def validate_new_password(self, field):
        super().validate_new_password(field)
        if field.data == self.current_password.data:
            raise ValidationError("New password must be different from your current password")


class FinishAccountForm(NewPasswordForm):
    """The page a confirmation link opens: the account's name and password."""

    display_name = text("Full name", 200, required="Enter your full name")
    # Declared again after the name, so the page and its error summary ask in that order.
    new_password = new_password_field("Create a password", "Enter a password")
    submit = SubmitField("Create account", widget=GovSubmitInput())


class ForgotPasswordForm(Form):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address"), Length(max=254), plain_email],
    )
    submit = SubmitField("Send a reset link", widget=GovSubmitInput())


class ResetPasswordForm(NewPasswordForm):
    submit = SubmitField("Reset password", widget=GovSubmitInput())
