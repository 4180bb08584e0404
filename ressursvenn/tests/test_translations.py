"""English is complete: every bokmål message has a translation, compiled, and none is missing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import gettext

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "ressursvenn" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _ids(entries: list[polib.POEntry] | polib.POFile | polib.MOFile) -> set[tuple[str, str]]:
    return {(entry.msgctxt or "", entry.msgid) for entry in entries if entry.msgid}


def test_every_message_is_translated() -> None:
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_po_file() -> None:
    po, mo = polib.pofile(str(PO)), polib.mofile(str(MO))
    assert _ids(mo) == _ids(po.translated_entries())


def test_catalogue_holds_every_message_in_the_code(tmp_path: Path) -> None:
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is missing: apt-get install -y gettext")
    copy = tmp_path / "ressursvenn"
    shutil.copytree(
        ROOT / "ressursvenn",
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "tests", "static", "data"),
    )
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "../manage.py", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "ressursvenn.settings"},
        timeout=120,
    )
    fresh = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert sorted(_ids(fresh) - _ids(polib.pofile(str(PO)))) == []


def test_english_is_served() -> None:
    with translation.override("en"):
        assert gettext("Logg inn") == "Log in"
