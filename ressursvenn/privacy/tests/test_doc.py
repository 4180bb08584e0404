"""docs/privacy.md is generated from the data inventory and kept current (privacy/doc.py and
`manage.py privacy_doc`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from ressursvenn.privacy import doc
from ressursvenn.privacy.inventory import INVENTORY

DOC = Path(settings.BASE_DIR) / "docs" / "privacy.md"


def test_docs_privacy_md_equals_the_generated_text() -> None:
    call_command("privacy_doc", check=True)  # raises CommandError when stale

    assert DOC.read_text(encoding="utf-8") == doc.build()


def test_the_command_writes_the_file(tmp_path: Path, capsys: Any) -> None:
    output = tmp_path / "privacy.md"

    call_command("privacy_doc", output=output)

    assert output.read_text(encoding="utf-8") == doc.build()
    assert f"Wrote {output}" in capsys.readouterr().out


def test_check_refuses_a_stale_file_and_changes_nothing(tmp_path: Path) -> None:
    output = tmp_path / "privacy.md"
    stale = doc.build().replace("| fødselsår (`birth_year`)", "| fødselsdato (`birth_year`)")
    output.write_text(stale, encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("privacy_doc", check=True, output=output)

    assert "is stale" in str(refused.value)
    assert "-| fødselsdato (`birth_year`)" in str(refused.value)  # the diff shows the change
    assert output.read_text(encoding="utf-8") == stale


def test_check_refuses_a_missing_file(tmp_path: Path) -> None:
    output = tmp_path / "missing.md"

    with pytest.raises(CommandError, match="does not exist"):
        call_command("privacy_doc", check=True, output=output)
    assert not output.exists()


def test_the_text_uses_the_defaults_not_the_current_settings(settings: Any) -> None:
    expected = doc.build()
    settings.RETENTION_WOMAN_MONTHS = 3
    settings.RETENTION_VOLUNTEER_MONTHS = 7

    assert doc.build() == expected
    assert "Anonymiseres 12 måneder etter at koblingen" in expected


def test_the_text_is_bokmal_whatever_the_active_language() -> None:
    expected = doc.build()
    with translation.override("en"):
        assert doc.build() == expected
    assert "## Kvinnen: henvisningen" in expected


def test_setting_defaults_are_read_from_settings_py() -> None:
    defaults = doc.setting_defaults()

    assert doc.retention_values(defaults) == {
        "ACCOUNT_UNUSED_DAYS": 90,
        "RETENTION_APPLICANT_MONTHS": 6,
        "RETENTION_LOG_MONTHS": 60,
        "RETENTION_TECHNICAL_LOG_DAYS": 90,
        "RETENTION_VOLUNTEER_MONTHS": 24,
        "RETENTION_WOMAN_MONTHS": 12,
    }
    source = 'A = env_int("A", 5, minimum=1)\nB = env_int("B", 2 * 3)\nC = env_str("C", "x")\n'
    assert doc.setting_defaults(source) == {"A": 5}
    with pytest.raises(LookupError, match="RETENTION_WOMAN_MONTHS"):
        doc.retention_values({"ACCOUNT_UNUSED_DAYS": 1})


def test_every_model_has_one_section_under_its_area() -> None:
    text = doc.build()
    headings = [line for line in text.splitlines() if line.startswith("### ")]

    assert len(headings) == len(INVENTORY)
    assert sorted(line.rsplit("(`", 1)[1].rstrip("`)") for line in headings) == sorted(INVENTORY)
    assert doc.area_of("participants.referral") == 0
    with pytest.raises(LookupError):
        doc.area_of("elsewhere.model")


def test_each_field_row_says_its_level_and_what_anonymisation_does() -> None:
    text = doc.build()

    assert "| fødselsår (`birth_year`) | personopplysning | tømmes |" in text
    assert "| situasjon (`value`) | personopplysning | beholdes for statistikken |" in text
    assert "| sjekksum av koden i lenken (`token_hash`) | intern (tilgangsnøkkel, vises " in text
    assert "| områder å unngå (`excluded_areas`) | hemmelig (kryptert) | tømmes |" in text
    assert "| løpenummer (ID) (`id`) | intern | slettes |" in text  # a deleted row
    assert "| IP-adresse (`ip_address`) | personopplysning | se «Ved anonymisering» |" in text
    rows = sum(1 for line in text.splitlines() if line.startswith("| ") and "(`" in line)
    assert rows == sum(len(item.fields) for item in INVENTORY.values())


def test_the_narrowed_rows_are_explained() -> None:
    text = doc.build()
    assert (
        "Kvinnen (bare radene der «med hvem» er «Kvinnen») og ressursvennen (bare radene der "
        "«med hvem» er «Ressursvennen»)."
    ) in text
