"""Running ``acujournal`` in-process, as the command-line tests do."""

from __future__ import annotations

import pytest

from acujournal.__main__ import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The exit code, standard output and standard error of ``acujournal argv``."""
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err
