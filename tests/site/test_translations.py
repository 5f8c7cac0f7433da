"""The zh_Hant catalogues (Python and JavaScript) are complete and their compiled .mo files
match the .po files."""

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
CATALOGUES = [LOCALE_DIR / "zh_Hant" / "LC_MESSAGES" / f"{d}.po" for d in ("django", "djangojs")]


@pytest.mark.parametrize("po_file", CATALOGUES, ids=lambda p: p.stem)
def test_every_message_is_translated(po_file):
    catalogue = polib.pofile(str(po_file))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


@pytest.mark.parametrize("po_file", CATALOGUES, ids=lambda p: p.stem)
def test_compiled_catalogue_matches_source(po_file):
    catalogue = polib.pofile(str(po_file))
    with po_file.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue.translated_entries():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            continue  # plural forms are checked by msgfmt itself
        if compiled._catalog.get(key) != entry.msgstr:
            stale.append(entry.msgid)
    assert not stale, f"run compilemessages; stale in .mo: {stale[:10]}"
