"""Write the English plural forms of the window's counted texts, and compile them.

The window counts things with Qt's plural-aware texts, ``self.tr("%n patient(s)", "", n)``.
Without a translation Qt shows them as written ("1 patient(s)"); the English translation
made here says "1 patient" and "2 patients". It holds only those counted texts.

    python packaging/english-plurals.py          # rewrite resources/i18n/acujournal_en.{ts,qm}
    python packaging/english-plurals.py --check  # exit 1 when they are not up to date

The singular is the text with "(s)" dropped, the plural with "(s)" made "s"; a counted
noun with an irregular plural ("%n entries") is named in IRREGULAR. A counted text that
fits neither stops the script with its wording, so no text goes untranslated unnoticed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "src" / "acujournal"
TARGET = ROOT / "resources" / "i18n"
STEM = "acujournal_en"
# Plural -> singular, for counted nouns whose plural is not made with "(s)".
IRREGULAR = {"entries": "entry", "summaries": "summary"}


def _tool(name: str) -> str:
    """A Qt tool of the PySide6 installed next to this Python (pyside6-lupdate, ...)."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6-Essentials in this environment")
    return found


def english_forms(source: str) -> tuple[str, str]:
    """The singular and plural English of a counted text."""
    if "(s)" in source:
        return source.replace("(s)", ""), source.replace("(s)", "s")
    for plural, singular in IRREGULAR.items():
        if re.search(rf"\b{plural}\b", source):
            return re.sub(rf"\b{plural}\b", singular, source), source
    raise SystemExit(f'no English plural rule for the counted text "{source}": add it to IRREGULAR')


def extract(folder: Path) -> Path:
    """Every translatable text of the sources, by lupdate, in a .ts file in ``folder``."""
    ts = folder / "all.ts"
    files = sorted(str(p) for p in SOURCES.rglob("*.py"))
    options = ["-silent", "-locations", "none", "-target-language", "en"]
    subprocess.run([_tool("pyside6-lupdate"), *options, *files, "-ts", str(ts)], check=True)
    return ts


def counted_only(ts: Path) -> str:
    """The .ts text keeping only the counted messages, with their English forms filled in."""
    tree = ET.parse(ts)
    root = tree.getroot()
    for context in list(root.findall("context")):
        for message in list(context.findall("message")):
            if message.get("numerus") != "yes":
                context.remove(message)
                continue
            translation = message.find("translation")
            assert translation is not None
            translation.attrib.pop("type", None)
            for form in list(translation):
                translation.remove(form)
            source = message.findtext("source", "")
            for text in english_forms(source):
                ET.SubElement(translation, "numerusform").text = text
        if context.find("message") is None:
            root.remove(context)
    # Contexts and messages in a stable order, so the file changes only with the texts.
    root[:] = sorted(root, key=lambda c: c.findtext("name", ""))
    for context in root:
        messages = sorted(context.findall("message"), key=lambda m: m.findtext("source", ""))
        for message in context.findall("message"):
            context.remove(message)
        context.extend(messages)
    ET.indent(tree)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n"


def compile_qm(ts: Path, qm: Path) -> None:
    subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)


def build(folder: Path) -> tuple[Path, Path]:
    """The English .ts and .qm, written into ``folder``."""
    ts, qm = folder / f"{STEM}.ts", folder / f"{STEM}.qm"
    ts.write_text(counted_only(extract(folder)), encoding="utf-8")
    compile_qm(ts, qm)
    return ts, qm


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check they are up to date")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        built = build(Path(scratch))
        if args.check:
            stale = [
                p.name
                for p in built
                if not (TARGET / p.name).exists()
                or (TARGET / p.name).read_bytes() != p.read_bytes()
            ]
            if stale:
                print(
                    f"Out of date: {', '.join(stale)}; run python packaging/english-plurals.py",
                    file=sys.stderr,
                )
                return 1
            return 0
        TARGET.mkdir(parents=True, exist_ok=True)
        for path in built:
            shutil.copyfile(path, TARGET / path.name)
    print(f"Wrote {TARGET / STEM}.ts and .qm")
    return 0


if __name__ == "__main__":
    sys.exit(main())
