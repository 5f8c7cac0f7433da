"""The notifications page's form: how often e-mail is sent (the service checks the choice)."""

from django import forms

from minyi.forms import TextField


class EmailFrequencyForm(forms.Form):
    email_frequency = TextField()
