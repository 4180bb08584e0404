"""A woman's request for access in the browser: the crisis-centre contact opens "Innsyn og
sletting" from the referral, reads everything held, downloads the JSON, and prints the page of
who viewed the record for the woman (print media: no buttons, no navigation, the list in
full). At 1280 px and on a 360 px phone, without sideways scrolling; axe at zero everywhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from ressursvenn.conftest import World
from ressursvenn.privacy.tests.test_export import SECRET_NOTE, build
from ressursvenn.tests.browser.axe import assert_no_axe_violations
from ressursvenn.tests.browser.helpers import horizontal_overflow, log_in

pytestmark = pytest.mark.browser

SCREEN_ONLY = (".site-header", ".site-nav", ".site-footer", "main nav.actions", "main .ds-alert")


def _printed_without_buttons(page: Page) -> None:
    page.emulate_media(media="print")
    for hidden in SCREEN_ONLY:
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.get_by_role("link", name="Last ned alt (JSON)")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main table").first).to_be_visible()
    page.emulate_media(media="screen")


def test_staff_reads_downloads_and_prints_the_womans_record(
    page: Page, phone_page: Page, browser_world: World, browser_db: Any, tmp_path: Path
) -> None:
    world = browser_world
    data = build(world)
    woman = data.woman
    log_in(page, browser_db, world.staff)
    page.goto(f"{browser_db.url}{reverse('participants:detail', args=[woman.pk])}")
    page.get_by_role("link", name="Innsyn og sletting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Innsyn: henvisning {woman.pk}")
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Henvisningen", exact=True)).to_be_visible()
    expect(main).to_contain_text("Amina")
    expect(main).to_contain_text(SECRET_NOTE)
    expect(main).not_to_contain_text(data.volunteer.full_name)
    assert_no_axe_violations(page, where="privacy page of a woman")
    _printed_without_buttons(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned alt (JSON)").click()
    download = download_info.value
    assert download.suggested_filename == f"innsyn-henvisning-{woman.pk}.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    exported = json.loads(saved.read_text(encoding="utf-8"))
    assert [row["first_name"] for row in exported["records"]["participants.referral"]] == ["Amina"]

    page.get_by_role("link", name="Hvem har sett opplysningene").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvem har sett opplysningene om deg")
    table = page.locator("main table")
    expect(table).to_contain_text(world.staff.full_name)
    expect(table).to_contain_text("Krisesenteransatt")
    expect(table).to_contain_text(world.centre.name)
    assert_no_axe_violations(page, where="who viewed, desktop")
    _printed_without_buttons(page)
    page.emulate_media(media="print")
    expect(main).to_contain_text("spørre kontaktpersonen din på krisesenteret")
    page.emulate_media(media="screen")

    phone_page.context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
    for name, where in (("privacy:woman", "privacy page"), ("privacy:woman_views", "who viewed")):
        phone_page.goto(f"{browser_db.url}{reverse(name, args=[woman.pk])}")
        expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
        assert horizontal_overflow(phone_page) == [], where
        assert_no_axe_violations(phone_page, where=f"{where} at 360 px")
    _printed_without_buttons(phone_page)


def test_group_leader_opens_a_volunteers_record(
    page: Page, phone_page: Page, browser_world: World, browser_db: Any
) -> None:
    world = browser_world
    data = build(world)
    log_in(page, browser_db, world.leader)
    page.goto(f"{browser_db.url}{reverse('volunteers:detail', args=[data.volunteer.pk])}")
    page.get_by_role("link", name="Innsyn og sletting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Innsyn: ressursvenn {data.volunteer.pk}"
    )
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Ressursvennen", exact=True)).to_be_visible()
    expect(main).to_contain_text("Ressursvennen er sliten denne måneden.")
    expect(main).not_to_contain_text("Amina")
    assert_no_axe_violations(page, where="privacy page of a volunteer")

    phone_page.context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
    phone_page.goto(f"{browser_db.url}{reverse('privacy:volunteer', args=[data.volunteer.pk])}")
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    assert horizontal_overflow(phone_page) == []
    assert_no_axe_violations(phone_page, where="privacy page of a volunteer at 360 px")
