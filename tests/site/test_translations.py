"""The zh_Hant catalogue is complete and its compiled .mo matches the .po."""

import gettext
from pathlib import Path

import polib
from django.conf import settings

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PO_FILE = LOCALE_DIR / "zh_Hant" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def test_every_message_is_translated():
    catalogue = polib.pofile(str(PO_FILE))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_compiled_catalogue_matches_source():
    catalogue = polib.pofile(str(PO_FILE))
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue.translated_entries():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            continue  # plural forms are checked by msgfmt itself
        if compiled._catalog.get(key) != entry.msgstr:
            stale.append(entry.msgid)
    assert not stale, f"run compilemessages; stale in .mo: {stale[:10]}"
