#!/usr/bin/env python3
"""Render AcuJournal's icon files from resources/icons/acujournal.svg.

Writes:
- resources/icons/hicolor/NxN/apps/acujournal.png for the freedesktop sizes (also what the
  app loads as its window icon),
- packaging/windows/acujournal.ico (PNG-compressed entries, 16 to 256 pixels),
- packaging/macos/acujournal.icns (PNG entries, 16 to 1024 pixels).

Run it with the project's Python after changing the SVG:

    .venv/bin/python packaging/render-icons.py

``--check`` renders in memory and compares with the committed PNGs instead of writing; it
exits 1 when they no longer match the SVG (the tests run it this way).

ICO and ICNS are both simple containers of PNG images, so they are written here directly
rather than through an imaging library.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "acujournal.svg"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
ICO = ROOT / "packaging" / "windows" / "acujournal.ico"
ICNS = ROOT / "packaging" / "macos" / "acujournal.icns"

PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS entry types holding PNG data, by the pixel size they hold. The @2x types reuse the
# same pictures: a Retina 16-point icon is simply the 32-pixel rendering.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic07", 128),
    (b"ic13", 256),
    (b"ic08", 256),
    (b"ic14", 512),
    (b"ic09", 512),
    (b"ic10", 1024),
)
# Mean difference per channel (0-255) tolerated by --check: a newer Qt may antialias a
# little differently, an edited SVG changes far more than this.
CHECK_TOLERANCE = 2.0


def png_path(size: int) -> Path:
    return HICOLOR / f"{size}x{size}" / "apps" / "acujournal.png"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file: a 6-byte header, one 16-byte entry per image, then the PNG data."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries = b""
    for size in sizes:
        side = 0 if size >= 256 else size  # 0 stands for 256 in the one-byte fields
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(pngs[size]), offset)
        offset += len(pngs[size])
    return header + entries + b"".join(pngs[size] for size in sizes)


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICNS file: 'icns' and the total length, then (type, length, PNG data) entries."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def mean_difference(a: QImage, b: QImage) -> float:
    """Mean absolute difference per channel of two images of one size, 0 to 255."""
    first = a.convertToFormat(QImage.Format.Format_RGBA8888)
    second = b.convertToFormat(QImage.Format.Format_RGBA8888)
    if first.size() != second.size():
        return 255.0
    left = bytes(first.constBits())
    right = bytes(second.constBits())
    return sum(abs(x - y) for x, y in zip(left, right, strict=True)) / len(left)


def check(renderer: QSvgRenderer) -> list[str]:
    """What is out of date: one line per committed file that no longer matches the SVG."""
    stale = []
    for size in PNG_SIZES:
        path = png_path(size)
        committed = QImage(str(path))
        if committed.isNull():
            stale.append(f"{path.relative_to(ROOT)} is missing or unreadable")
            continue
        difference = mean_difference(render(renderer, size), committed)
        if difference > CHECK_TOLERANCE:
            stale.append(f"{path.relative_to(ROOT)} differs from the SVG ({difference:.1f})")
    for path in (ICO, ICNS):
        if not path.is_file():
            stale.append(f"{path.relative_to(ROOT)} is missing")
    return stale


def write_all(renderer: QSvgRenderer) -> None:
    pngs = {
        size: png_bytes(render(renderer, size))
        for size in sorted({*PNG_SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    }
    for size in PNG_SIZES:
        png_path(size).parent.mkdir(parents=True, exist_ok=True)
        png_path(size).write_bytes(pngs[size])
    ICO.parent.mkdir(parents=True, exist_ok=True)
    ICO.write_bytes(ico_bytes({size: pngs[size] for size in ICO_SIZES}))
    ICNS.parent.mkdir(parents=True, exist_ok=True)
    ICNS.write_bytes(icns_bytes(pngs))
    for path in [*(png_path(size) for size in PNG_SIZES), ICO, ICNS]:
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed files, write nothing"
    )
    args = parser.parse_args()
    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"render-icons: {SVG} is not a valid SVG", file=sys.stderr)
        return 2
    if args.check:
        stale = check(renderer)
        for line in stale:
            print(f"render-icons: {line}; run packaging/render-icons.py", file=sys.stderr)
        return 1 if stale else 0
    write_all(renderer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
