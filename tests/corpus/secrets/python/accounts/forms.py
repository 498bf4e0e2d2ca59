import re

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

PASSWORD_PATTERN = re.compile(r"^(?=.*[A-Z])(?=.*\d)(?=.*[^\w\s]).{12,}$")
API_KEY_RE = re.compile(r"(?i)(api[_-]?key|secret|token)\s*[:=]\s*['\"]?([A-Za-z0-9_\-]{16,})")
PASSWORD_MIN_LENGTH = 12
TOKEN_HEADER = "X-Api-Token"


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    remember_me = forms.BooleanField(required=False)


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(label=_("Password confirmation"), widget=forms.PasswordInput)

    error_messages = {
        "password_mismatch": _("The two password fields didn't match."),
    }

    def clean_password2(self):
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise forms.ValidationError(
                self.error_messages["password_mismatch"], code="password_mismatch"
            )
        if not PASSWORD_PATTERN.match(password2 or ""):
            raise forms.ValidationError(_("Password too weak"))
        return password2


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=64)
    api_key = forms.CharField(widget=forms.HiddenInput, required=False)
    secret = forms.CharField(
        label=_("Client secret"), widget=forms.PasswordInput(render_value=False)
    )

    def clean_api_key(self):
        value = self.cleaned_data["api_key"]
        if value and not API_KEY_RE.fullmatch(f"api_key={value}"):
            raise forms.ValidationError(_("Malformed API key"))
        return value
