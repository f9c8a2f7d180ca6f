"""A plain start is told from a command before any command's module is imported."""

from __future__ import annotations

import subprocess
import sys

import pytest

from acujournal.cli.main import parse
from acujournal.cli.start import plain_start_arguments


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "journal.sqlite3"],
        ["--db=journal.sqlite3", "--quit-after-load"],
        ["--quit-after-load", "--database-url", "sqlite:///j.sqlite3"],
        ["--quit"],
    ],
)
def test_a_plain_start_reads_as_the_full_parser_reads_it(argv: list[str]) -> None:
    plain = plain_start_arguments(argv)
    assert plain is not None
    assert vars(plain) == vars(parse(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["points", "BL40"],
        ["--db", "j.sqlite3", "export", "out.json"],
        ["--help"],
        ["--version"],
        ["--db"],
        ["--db", "a", "--database-url", "sqlite://"],
        ["--no-such-option"],
    ],
)
def test_commands_help_and_mistakes_go_to_the_full_parser(argv: list[str]) -> None:
    assert plain_start_arguments(argv) is None


def test_reading_a_plain_start_imports_no_command() -> None:
    script = (
        "import sys\n"
        "from acujournal.cli.start import plain_start_arguments\n"
        "assert plain_start_arguments(['--db', 'j.sqlite3']) is not None\n"
        "print(sorted(m for m in sys.modules if m.startswith('acujournal.cli.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['acujournal.cli.common', 'acujournal.cli.start']"
