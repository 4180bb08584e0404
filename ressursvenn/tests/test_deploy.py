"""The examples under deploy/ are valid: systemd units (systemd-analyze verify) and the nginx
site (nginx's own parser, crossplane, inside an http block as sites-enabled includes it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import crossplane
import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())

pytestmark = pytest.mark.own_database


def localised(unit: Path, into: Path) -> Path:
    """The unit with the install paths pointing at this checkout, so verify can check that
    every command exists (the service user is root here: no ressursvenn user exists)."""
    text = unit.read_text()
    text = text.replace("/etc/ressursvenn/env", str(ROOT / ".env.example"))
    text = text.replace("/srv/ressursvenn", str(ROOT))
    text = text.replace("User=ressursvenn", "User=root").replace("Group=ressursvenn", "Group=root")
    target = into / unit.name
    target.write_text(text)
    return target


def test_the_deploy_examples_are_there() -> None:
    assert [unit.name for unit in UNITS] == [
        "ressursvenn-daily.service",
        "ressursvenn-daily.timer",
        "ressursvenn-web.service",
        "ressursvenn-worker.service",
    ]
    assert (DEPLOY / "nginx" / "ressursvenn.conf").is_file()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
@pytest.mark.parametrize("unit", UNITS, ids=[unit.name for unit in UNITS])
def test_systemd_units_verify(unit: Path, tmp_path: Path) -> None:
    for each in UNITS:  # a timer is verified with the service it starts beside it
        localised(each, tmp_path)
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["systemd-analyze", "verify", str(tmp_path / unit.name)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")


def parse_site(text: str, tmp_path: Path) -> dict[str, object]:
    config = tmp_path / "nginx.conf"
    config.write_text("events {}\nhttp {\n" + text + "\n}\n")
    payload: dict[str, object] = crossplane.parse(
        str(config), single=True, strict=True, check_ctx=True, check_args=True
    )
    return payload


def test_the_nginx_site_parses(tmp_path: Path) -> None:
    payload = parse_site((DEPLOY / "nginx" / "ressursvenn.conf").read_text(), tmp_path)
    assert (payload["status"], payload["errors"]) == ("ok", [])


def test_the_parser_would_catch_a_mistake(tmp_path: Path) -> None:
    text = (DEPLOY / "nginx" / "ressursvenn.conf").read_text().replace("proxy_pass", "proxy_pas")
    assert parse_site(text, tmp_path)["status"] == "failed"


def test_the_access_log_has_no_query_string() -> None:
    text = (DEPLOY / "nginx" / "ressursvenn.conf").read_text()
    log_format = text[text.index("log_format") : text.index(";", text.index("log_format"))]
    assert "$uri" in log_format
    for leak in ("$request ", "$request_uri", "$args", "$query_string", "$http_referer"):
        assert leak not in log_format
