"""``acujournal questionnaires``: the intake questionnaires on offer, and adding the clinic's own.

``acujournal questionnaires`` lists every questionnaire (the newest version of each), shipped
with AcuJournal or added by the clinic. ``acujournal questionnaires add FILE`` adds a
questionnaire file to the journal after checking all of it; a file with any problem is
refused whole, with each problem on a line of its own, named by its path in the file.
"""

from __future__ import annotations

import argparse

from acujournal.cli.common import (
    CliError,
    add_database_options,
    journal_if_any,
    one_line,
    open_journal,
    print_table,
)
from acujournal.domain.wording import plural
from acujournal.services.questionnaires import (
    QuestionnaireNotAddedError,
    available_questionnaires,
    read_questionnaire_file,
    store_questionnaire,
)
from acujournal.services.settings import get_default_questionnaire


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``questionnaires`` subcommand and its ``add``."""
    parser = subparsers.add_parser(
        "questionnaires",
        help="list the intake questionnaires; add the clinic's own",
        description=(
            "List the intake questionnaires on offer, the newest version of each: those that "
            "ship with AcuJournal and those the clinic added to the journal. "
            "See docs/intake.md for how to write one."
        ),
    )
    add_database_options(parser)
    parser.set_defaults(handler=run_list)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    add = commands.add_parser(
        "add",
        help="add a questionnaire file to the journal",
        description=(
            "Check a questionnaire file completely and add it to the journal, where every "
            "treatment room finds it. A file with any problem is refused whole. A changed "
            'questionnaire needs a higher "version"; every version stays in the journal, so '
            "forms handed out earlier are still read."
        ),
    )
    add.add_argument("file", metavar="FILE", help="the questionnaire file (JSON)")
    add_database_options(add)
    add.set_defaults(handler=run_add)


def run_list(args: argparse.Namespace) -> int:
    """Print the questionnaires on offer; without a journal yet, the shipped ones."""
    db = journal_if_any(args)
    try:
        found = available_questionnaires(db)
        default = get_default_questionnaire(db)
    finally:
        if db is not None:
            db.dispose()
    rows = [["KEY", "VERSION", "SOURCE", "TITLE"]]
    rows += [[one_line(q.key), str(q.version), q.source, one_line(q.title)] for q in found]
    print_table(rows)
    print(f"\nDefault questionnaire: {default} (chosen in the app's Clinic settings).")
    return 0


def run_add(args: argparse.Namespace) -> int:
    """Add a questionnaire file; every problem is printed on a line of its own."""
    try:
        # Checked before the journal is opened, so a bad file never creates an empty journal.
        checked = read_questionnaire_file(args.file)
        db = open_journal(args, create=True)
        try:
            added = store_questionnaire(db, checked)
        finally:
            db.dispose()
    except QuestionnaireNotAddedError as error:
        raise CliError(_refusal(error)) from error
    info = added.info
    what = f'"{one_line(info.title)}" ({info.key}, version {info.version})'
    if added.new:
        print(f"Added the questionnaire {what} to the journal.")
    else:
        print(f"The journal already has the questionnaire {what}; nothing was changed.")
    return 0


def _refusal(error: QuestionnaireNotAddedError) -> str:
    lines = [f"{error.source} was not added ({plural(len(error.problems), 'problem')}):"]
    lines += [f"  {one_line(str(problem))}" for problem in error.problems]
    return "\n".join(lines)
