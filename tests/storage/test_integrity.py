"""The start-up check of a journal file, and warnings about where it lives.

Every damaged-file test also asserts that checking changed nothing: the same bytes, and no
``-wal``/``-shm`` files appearing beside the journal.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from acujournal.services.sessions import record_session, sign_session
from acujournal.storage.db import database_url, open_database
from acujournal.storage.integrity import FileState, check_database_file, location_warning
from tests.builders import make_journal, make_session

BTREE_PAGE_TYPES = {2, 5, 10, 13}


def folder_state(folder: Path) -> dict[str, str]:
    """Every file in a folder with the hash of its bytes."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


@pytest.fixture(scope="module")
def journal_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A journal with a few sessions, closed cleanly; built once, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "journal.sqlite3"
    db = open_database(database_url(path))
    journal = make_journal(db)
    for day in range(12):
        session = make_session(journal, days_later=day)
        session.notes.subjective = "Pain radiating down the left leg. " * 40
        if day % 2:
            sign_session(db, session, journal.practitioner.id)
        else:
            record_session(db, session)
    db.dispose()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    return path


@pytest.fixture
def closed_journal(journal_template: Path, tmp_path: Path) -> Path:
    """This test's own copy of the template journal (no -wal or -shm beside it)."""
    path = tmp_path / "journal.sqlite3"
    shutil.copyfile(journal_template, path)
    return path


def check_and_assert_untouched(path: Path) -> FileState:
    before = folder_state(path.parent)
    report = check_database_file(path)
    assert folder_state(path.parent) == before
    assert str(path) in report.message
    return report.state


def page_size_of(path: Path) -> int:
    size = int.from_bytes(path.read_bytes()[16:18], "big")
    return 65536 if size == 1 else size


def test_an_intact_journal_passes_and_nothing_appears_beside_it(closed_journal: Path) -> None:
    assert check_and_assert_untouched(closed_journal) is FileState.OK
    report = check_database_file(closed_journal)
    assert report.ok
    assert report.message == f"The journal file {closed_journal} is intact."


def test_a_journal_left_with_its_log_after_a_crash_is_checked_with_the_log(
    closed_journal: Path, tmp_path: Path
) -> None:
    # A crash image: the journal and its -wal copied while a writer holds them open, with
    # committed rows that exist only in the log.
    writer = sqlite3.connect(closed_journal, isolation_level=None)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("UPDATE patients SET phone = '+47 000 00 000'")
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    shutil.copyfile(closed_journal, crashed / "journal.sqlite3")
    shutil.copyfile(f"{closed_journal}-wal", crashed / "journal.sqlite3-wal")
    writer.close()

    assert check_and_assert_untouched(crashed / "journal.sqlite3") is FileState.OK
    assert sorted(p.name for p in crashed.iterdir()) == ["journal.sqlite3", "journal.sqlite3-wal"]


def test_a_truncated_journal_is_reported_as_truncated(closed_journal: Path) -> None:
    data = closed_journal.read_bytes()
    page = page_size_of(closed_journal)
    closed_journal.write_bytes(data[: len(data) // page // 2 * page])  # whole pages
    assert check_and_assert_untouched(closed_journal) is FileState.TRUNCATED
    assert "pages are missing" in check_database_file(closed_journal).message


def test_a_journal_cut_mid_page_is_reported_as_truncated(closed_journal: Path) -> None:
    data = closed_journal.read_bytes()
    closed_journal.write_bytes(data[: 3 * page_size_of(closed_journal) + 1000])
    assert check_and_assert_untouched(closed_journal) is FileState.TRUNCATED
    assert "not a whole number" in check_database_file(closed_journal).message


def test_a_journal_cut_inside_its_header_is_reported_as_truncated(closed_journal: Path) -> None:
    closed_journal.write_bytes(closed_journal.read_bytes()[:60])
    assert check_and_assert_untouched(closed_journal) is FileState.TRUNCATED


def test_a_zeroed_journal_is_reported_as_wiped(closed_journal: Path) -> None:
    closed_journal.write_bytes(bytes(closed_journal.stat().st_size))
    assert check_and_assert_untouched(closed_journal) is FileState.ZEROED
    assert "only zero bytes" in check_database_file(closed_journal).message


def test_a_journal_with_a_zeroed_page_is_reported_as_damaged(closed_journal: Path) -> None:
    data = bytearray(closed_journal.read_bytes())
    page = page_size_of(closed_journal)
    data[page : 2 * page] = bytes(page)  # the second page, the first table's root
    closed_journal.write_bytes(bytes(data))
    report = check_database_file(closed_journal)
    assert check_and_assert_untouched(closed_journal) is FileState.DAMAGED
    assert "is damaged" in report.message
    assert report.details


def test_a_journal_with_a_wiped_header_is_reported_as_damaged(closed_journal: Path) -> None:
    data = bytearray(closed_journal.read_bytes())
    data[:100] = bytes(100)
    closed_journal.write_bytes(bytes(data))
    assert check_and_assert_untouched(closed_journal) is FileState.DAMAGED
    assert "header has been wiped" in check_database_file(closed_journal).message


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_random_bytes_flipped_in_the_pages_are_reported_as_damaged(
    closed_journal: Path, seed: int
) -> None:
    rng = random.Random(seed)
    data = bytearray(closed_journal.read_bytes())
    page = page_size_of(closed_journal)
    in_use = [
        n for n in range(1, len(data) // page) if data[n * page] in BTREE_PAGE_TYPES
    ]  # b-tree pages after the first, found by their type byte
    for n in rng.sample(in_use, 3):
        offset = n * page + rng.randrange(8)  # a byte of the page's b-tree header
        data[offset] ^= rng.randrange(1, 256)
    for _ in range(30):
        data[rng.randrange(page, len(data))] ^= 1 << rng.randrange(8)
    closed_journal.write_bytes(bytes(data))

    report = check_database_file(closed_journal)
    assert check_and_assert_untouched(closed_journal) is FileState.DAMAGED
    assert report.message.startswith(f"The journal file {closed_journal} is damaged")


def test_a_flipped_byte_in_the_sqlite_header_means_not_a_journal(closed_journal: Path) -> None:
    data = bytearray(closed_journal.read_bytes())
    data[3] ^= 0x20  # "SQLite" -> "SQlite"
    closed_journal.write_bytes(bytes(data))
    assert check_and_assert_untouched(closed_journal) is FileState.NOT_A_DATABASE


def test_an_impossible_page_size_is_reported_as_damaged(closed_journal: Path) -> None:
    data = bytearray(closed_journal.read_bytes())
    data[16:18] = (1000).to_bytes(2, "big")
    closed_journal.write_bytes(bytes(data))
    assert check_and_assert_untouched(closed_journal) is FileState.DAMAGED


def test_a_file_that_is_not_a_database_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    path.write_text("Name;Phone\nÅse;912 34 567\n" * 100, encoding="utf-8")
    assert check_and_assert_untouched(path) is FileState.NOT_A_DATABASE
    assert "is not a SQLite journal" in check_database_file(path).message


def test_an_empty_file_is_reported_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    path.touch()
    assert check_and_assert_untouched(path) is FileState.EMPTY


def test_a_missing_file_is_reported_as_missing(tmp_path: Path) -> None:
    report = check_database_file(tmp_path / "journal.sqlite3")
    assert report.state is FileState.MISSING
    assert not report.ok
    assert list(tmp_path.iterdir()) == []


# Location -------------------------------------------------------------------------------------

LINUX_MOUNTS = """\
/dev/sda2 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
/dev/sda3 /home ext4 rw,relatime 0 0
server:/export/clinic /mnt/clinic nfs4 rw,relatime,vers=4.2 0 0
//nas/journals /home/lin/Clinic\\040Share cifs rw,relatime,vers=3.1.1 0 0
lin@host:/srv /home/lin/remote fuse.sshfs rw,nosuid,nodev 0 0
drvfs /mnt/c 9p rw,noatime,dirsync 0 0
/dev/sdb1 /mnt/clinic/local-disk ext4 rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/home/lin/Dropbox/AcuJournal/journal.sqlite3", "Dropbox"),
        ("/home/lin/Dropbox (Klinikk)/journal.sqlite3", "Dropbox"),
        ("/Users/lin/Library/CloudStorage/OneDrive-Personal/journal.sqlite3", "OneDrive"),
        ("/Users/lin/Library/CloudStorage/GoogleDrive-lin@example.com/j.sqlite3", "Google Drive"),
        ("/home/lin/Google Drive/journal.sqlite3", "Google Drive"),
        ("/Users/lin/Library/Mobile Documents/com~apple~CloudDocs/j.sqlite3", "iCloud Drive"),
        ("/home/lin/iCloud Drive/journal.sqlite3", "iCloud Drive"),
        ("/home/lin/Nextcloud/journal.sqlite3", "Nextcloud"),
        ("/home/lin/ownCloud/journal.sqlite3", "ownCloud"),
        ("/home/lin/pCloudDrive/journal.sqlite3", "pCloud"),
        ("/home/lin/MEGA/journal.sqlite3", "MEGA"),
    ],
)
def test_a_journal_in_a_cloud_synced_folder_is_warned_about(path: str, service: str) -> None:
    warning = location_warning(path, mounts=LINUX_MOUNTS, platform="linux")
    assert warning is not None
    assert f"in a {service} folder" in warning
    assert "local folder" in warning


def test_a_windows_onedrive_folder_is_warned_about() -> None:
    path = r"C:\Users\Lin\OneDrive - Klinikk AS\AcuJournal\journal.sqlite3"
    warning = location_warning(path, platform="win32")
    assert warning is not None
    assert "OneDrive" in warning


@pytest.mark.parametrize(
    ("path", "fstype"),
    [
        ("/mnt/clinic/journal.sqlite3", "nfs4"),
        ("/home/lin/Clinic Share/journal.sqlite3", "cifs"),
        ("/home/lin/remote/journal.sqlite3", "fuse.sshfs"),
        ("/mnt/c/Users/lin/journal.sqlite3", "9p"),
    ],
)
def test_a_journal_on_a_network_file_system_is_warned_about(path: str, fstype: str) -> None:
    warning = location_warning(path, mounts=LINUX_MOUNTS, platform="linux")
    assert warning is not None
    assert f"network drive ({fstype})" in warning


@pytest.mark.parametrize(
    "path",
    [
        "/home/lin/.local/share/AcuJournal/journal.sqlite3",
        "/home/megan/journal.sqlite3",  # "Megan" is not MEGA
        "/home/lin/My Drive notes/journal.sqlite3",
        "/mnt/clinic/local-disk/journal.sqlite3",  # a local disk mounted inside the share
        "/mnt/clinical/journal.sqlite3",  # only a name like the share's
    ],
)
def test_a_local_journal_gets_no_warning(path: str) -> None:
    assert location_warning(path, mounts=LINUX_MOUNTS, platform="linux") is None


def test_a_windows_share_is_warned_about() -> None:
    warning = location_warning(r"\\nas\clinic\journal.sqlite3", platform="win32")
    assert warning is not None
    assert "network drive" in warning


def test_a_macos_smb_volume_is_warned_about() -> None:
    mounts = (
        "/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n"
        "//lin@nas._smb._tcp.local/Clinic on /Volumes/Clinic (smbfs, nodev, nosuid, mounted by lin)"
    )
    warning = location_warning("/Volumes/Clinic/journal.sqlite3", mounts=mounts, platform="darwin")
    assert warning is not None
    assert "smbfs" in warning
    assert location_warning("/Users/lin/journal.sqlite3", mounts=mounts, platform="darwin") is None
