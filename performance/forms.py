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


# The encodings an agency's program file may be in; auto tries UTF-8, then Big5.
IMPORT_ENCODINGS = [("auto", "自動偵測"), ("utf-8", "UTF-8"), ("big5", "Big5")]


class ProgramImportForm(forms.Form):
    """The import page: the files are read by the importer, which reports each problem."""

    encoding = forms.ChoiceField(choices=IMPORT_ENCODINGS, required=False)

    def clean_encoding(self) -> str:
        return self.cleaned_data.get("encoding") or "auto"
