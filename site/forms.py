"""Form helpers shared by the apps' ``forms.py``.

Views validate input with Django forms and only call forms and services. The apps' forms parse
and check what a request carries (ids, choices, a ``next`` address); the business rules, and
their Traditional Chinese messages, stay in the services, which also serve the API. A refusal
from a service becomes the form's own error with :func:`form_refuse`, so a template shows one
list of messages either way.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_url_safe(request: HttpRequest, next_url: str) -> str:
    """``next_url`` when it stays on this site (same host; HTTPS when the request is), else ""."""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


class TextField(forms.CharField):
    """Text as sent, not required and not stripped: the service decides what is acceptable,
    with the same messages the API answers."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)


class RequestForm(forms.Form):
    """A form that knows its request (for the host a ``next`` address must stay on)."""

    def __init__(self, data=None, files=None, *, request: HttpRequest, **kwargs):
        self.request = request
        super().__init__(data, files, **kwargs)


class NextUrlForm(RequestForm):
    """``next``: where to go afterwards; anything leaving the site is dropped (becomes "")."""

    next = TextField()

    def clean_next(self) -> str:
        return next_url_safe(self.request, self.cleaned_data.get("next") or "")


def form_refuse(form: forms.Form, error: ValidationError) -> None:
    """A service refused the form's input: its messages become the form's errors."""
    form.add_error(None, ValidationError(error.messages))


def form_messages(form: forms.Form) -> list[str]:
    """Every error of ``form`` (its own first, then the fields'), as plain strings."""
    messages = list(form.non_field_errors())
    for name, field_errors in form.errors.items():
        if name != NON_FIELD_ERRORS:
            messages.extend(field_errors)
    return messages


def form_value(form: forms.Form, name: str) -> str:
    """What the reader typed in ``name`` (for re-showing the form), "" when nothing."""
    value = form.data.get(name, "") if form.is_bound else form.initial.get(name, "")
    return "" if value is None else str(value)
