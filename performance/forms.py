"""Forms of the citizens' monitoring actions on a program, and the staff's answers."""

from django import forms

from minyi.forms import NextUrlForm, TextField


class ProgramActionForm(NextUrlForm):
    """Follow, unfollow, ask (``body``) or rate (``value``); ``next`` is where to go back to."""

    body = TextField()
    value = TextField()


class QuestionAnswerForm(forms.Form):
    """The staff's answer; the service says what an answer may be."""

    answer = TextField()
