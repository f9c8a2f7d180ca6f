"""The icon, the .desktop file and the AppStream metadata: valid, and consistent with the app.

The validators come from Debian's desktop-file-utils and appstream packages. Where they are
missing the validation tests skip, saying so; with ACUJOURNAL_REQUIRE_VALIDATORS=1 (CI sets it
through scripts/test) they fail instead, so a CI run never passes without validating.
"""

from __future__ import annotations

import configparser
import os
import shutil
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import acujournal

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "org.acujournal.AcuJournal"
DESKTOP_FILE = ROOT / "packaging" / "linux" / f"{APP_ID}.desktop"
METAINFO = ROOT / "packaging" / "linux" / f"{APP_ID}.metainfo.xml"
ICONS = ROOT / "resources" / "icons"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)


def _validator(command: str, package: str) -> str:
    path = shutil.which(command)
    if path is not None:
        return path
    message = f"{command} is not installed (Debian package {package})"
    if os.environ.get("ACUJOURNAL_REQUIRE_VALIDATORS") == "1":
        pytest.fail(f"{message}, and ACUJOURNAL_REQUIRE_VALIDATORS=1 requires it")
    pytest.skip(message)


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    # Desktop entry keys are case-sensitive; configparser lowers them unless told otherwise.
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_desktop_file_passes_desktop_file_validate() -> None:
    validate = _validator("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([validate, DESKTOP_FILE], capture_output=True, text=True, check=False)
    # Not even a hint: hints are how the validator says a menu will look wrong.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_metainfo_passes_appstream_validation() -> None:
    appstreamcli = _validator("appstreamcli", "appstream")
    result = subprocess.run(
        [appstreamcli, "validate", "--no-net", METAINFO],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_file_starts_the_installed_command_with_the_shipped_icon() -> None:
    entry = _desktop_entry()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]

    assert entry["Exec"].split()[0] in scripts
    assert entry["Icon"] == "acujournal"
    for size in PNG_SIZES:
        icon = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{entry['Icon']}.png"
        assert _png_size(icon) == (size, size)


def test_metainfo_agrees_with_the_project() -> None:
    component = ET.parse(METAINFO).getroot()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable[@type='desktop-id']") == DESKTOP_FILE.name
    assert component.findtext("project_license") == project["license"]
    assert component.findtext("provides/binary") in project["scripts"]
    newest = component.find("releases/release")
    assert newest is not None
    assert newest.get("version") == acujournal.__version__, "add a release for the new version"


def test_metainfo_screenshots_are_the_readme_screenshots_on_the_homepage() -> None:
    images = [
        image.text or ""
        for image in ET.parse(METAINFO).getroot().iterfind("screenshots/screenshot/image")
    ]

    assert images
    for url in images:
        assert url.startswith("https://acujournal.org/screenshots/")
        assert (ROOT / "docs" / "screenshots" / url.rsplit("/", 1)[1]).is_file(), url


def test_committed_icons_match_the_svg() -> None:
    result = subprocess.run(
        [sys.executable, ROOT / "packaging" / "render-icons.py", "--check"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr


def test_windows_icon_holds_every_size_up_to_256() -> None:
    data = (ROOT / "packaging" / "windows" / "acujournal.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    sizes = []
    for index in range(count):
        width, _height, _colours, _reserved, _planes, _bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
        sizes.append(width or 256)

    assert (reserved, kind) == (0, 1)
    assert sorted(sizes) == [16, 24, 32, 48, 64, 128, 256]


def test_macos_icon_holds_the_retina_sizes() -> None:
    data = (ROOT / "packaging" / "macos" / "acujournal.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    starts = {}  # entry type: the first bytes of its data
    position = 8
    while position < len(data):
        kind, length = struct.unpack(">4sI", data[position : position + 8])
        starts[kind.decode()] = data[position + 8 : position + 16]
        position += length

    assert position == len(data)
    assert {"ic07", "ic08", "ic09", "ic10", "ic11", "ic12", "ic13", "ic14"} <= starts.keys()
    assert set(starts.values()) == {b"\x89PNG\r\n\x1a\n"}
