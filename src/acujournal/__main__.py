"""Entry point: ``acujournal`` and ``python -m acujournal``."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from acujournal.cli.start import plain_start_arguments

    # A plain start opens the window without importing the commands (see cli.start).
    args = plain_start_arguments(argv)
    if args is None:
        from acujournal.cli.main import parse, run_command

        args = parse(argv)
        if getattr(args, "handler", None) is not None:
            return run_command(args)
    # Qt is imported only when a window is wanted: the commands run without it.
    from acujournal.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
