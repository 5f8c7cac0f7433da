"""The display preferences form (text size, contrast): a value it does not know is ignored."""

from minyi.forms import NextUrlForm, TextField

from .context_processors import TEXT_SIZES

CONTRASTS = ("high", "normal")


class DisplayPreferencesForm(NextUrlForm):
    text_size = TextField()
    contrast = TextField()

    def clean_text_size(self) -> str:
        value = self.cleaned_data.get("text_size")
        return value if value in TEXT_SIZES else ""

    def clean_contrast(self) -> str:
        value = self.cleaned_data.get("contrast")
        return value if value in CONTRASTS else ""
