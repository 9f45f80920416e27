"""The whole case as one ZIP, for a transfer, an appeal or a subpoena: a readable summary of the case and its
items, and every file sent with them. Each file put in is audited as a download of its own, so that its
employee sees it among who has seen their medical information, and the whole download once more."""

import logging
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import access
from portal.accounts.models import RosterPerson, User
from portal.audit import operations as audit
from portal.cases import timeline
from portal.cases.models import Case, CaseOutcome, ReturnDuty
from portal.core.columns import utcnow
from portal.core.dates import written_date, written_moment
from portal.core.errors import NotFound
from portal.files import downloads, storage
from portal.files.models import StoredFile
from portal.items.models import Submission, SubmissionEvent
from portal.notes import operations as notes

log = logging.getLogger(__name__)

SUMMARY = "case.txt"
FILES = "files/"
# The decisions an item's history records, as the case file names them, and what its message says.
DECISIONS = {
    "accept": ("Accepted", None),
    "decline": ("Declined", "Reason"),
    "grant": ("Granted", "What"),
    "offer_alternative": ("Alternative offered", "What"),
    "deny": ("Denied", "Reason"),
}
# The summary's label columns: the case's, and its items'.
CASE_LABELS, ITEM_LABELS = 26, 11


@dataclass(frozen=True)
class CaseFile:
    name: str  # the download's name: case-<number>.zip
    archive: BinaryIO  # the ZIP, from its start; closing it removes it
    size: int


@dataclass(frozen=True)
class _Entry:
    stored: StoredFile
    name: str  # its name in the archive, under files/


def build(session, actor: User, case: Case, upload_folder: str, timezone: str, ip_address: str | None) -> CaseFile:
    """The case's file for ``actor``, written to a temporary file beside the stored uploads (never whole in
    memory): the items ``actor`` may see and their files. Needs medical access to the case: the file is the
    case's medical record. Audited and committed before a byte is sent; the same few queries however many
    items the case has."""
    if not access.can_see_medical(actor, case, session):
        raise NotFound()
    items = list(
        session.scalars(
            access.visible_submissions(actor)
            .where(Submission.case_id == case.id)
            .options(joinedload(Submission.submitted_by))
            .order_by(Submission.submitted_at, Submission.id)
        )
    )
    # With medical access to the case, every file on an item it may see is one the policy lets it download.
    files: dict[int, list[StoredFile]] = defaultdict(list)
    for stored in session.scalars(
        select(StoredFile)
        .where(StoredFile.case_id == case.id, StoredFile.submission_id.in_([item.id for item in items]))
        .order_by(StoredFile.uploaded_at, StoredFile.id)
    ):
        files[stored.submission_id or 0].append(stored)
    decisions = session.scalars(
        select(SubmissionEvent)
        .where(
            SubmissionEvent.submission_id.in_([item.id for item in items]),
            SubmissionEvent.action.in_(DECISIONS),
        )
        .options(joinedload(SubmissionEvent.actor))
        .order_by(SubmissionEvent.at, SubmissionEvent.id)
    )
    entries = _named(items, files)
    # The employer's number for the employee, when the roster has them.
    employee_number = session.scalar(
        select(RosterPerson.employee_number).where(RosterPerson.user_id == case.employee_id)
    )
    decided: dict[int, list[SubmissionEvent]] = defaultdict(list)
    for event in decisions:
        decided[event.submission_id].append(event)

    # Beside the stored uploads, not in /tmp: that disk is sized for the files, and /tmp may be memory. The
    # file has no name once made (or a .part one that sweep() removes, if the process dies in between).
    incoming = Path(upload_folder) / storage.INCOMING
    incoming.mkdir(parents=True, exist_ok=True)
    archive = tempfile.TemporaryFile(dir=incoming, prefix="case-file-", suffix=".part")
    try:
        now = utcnow()
        with zipfile.ZipFile(archive, "w") as zipped:
            placed = [entry for entry in entries if _put(zipped, entry, upload_folder, timezone)]
            missing = {entry.stored.id for entry in entries} - {entry.stored.id for entry in placed}
            summary = _summary(case, employee_number, actor, items, entries, missing, decided, now, timezone)
            summary += _record(session, actor, case, timezone)
            zipped.writestr(_info(SUMMARY, now, timezone, zipfile.ZIP_DEFLATED), summary)
        size = archive.tell()
        downloads.record_openings(session, actor, [entry.stored for entry in placed], False, ip_address)
        audit.record(
            session,
            actor=actor,
            action="case_file_downloaded",
            object_type="case",
            object_id=case.id,
            case_id=case.id,
            ip_address=ip_address,
            detail=f"{len(items)} items, {len(placed)} files" + (f", {len(missing)} missing" if missing else ""),
        )
        session.commit()
        archive.seek(0)
    except BaseException:
        archive.close()
        raise
    return CaseFile(f"case-{case.number}.zip", archive, size)


def _named(items: list[Submission], files: dict[int, list[StoredFile]]) -> list[_Entry]:
    """Each file under files/, its item's reference first: in the order of the items, unique even on a disk
    that ignores case, and a name only, never a path, whatever the row holds."""
    entries: list[_Entry] = []
    taken: set[str] = set()
    for item in items:
        prefix = storage.clean_name(item.reference)
        for stored in files[item.id]:
            stem, dot, extension = storage.name_in_folder(stored).rpartition(".")
            if not dot:
                stem, extension = extension, ""
            name, copy = f"{prefix}_{stem}{dot}{extension}", 1
            while name.lower() in taken:
                copy += 1
                name = f"{prefix}_{stem} ({copy}){dot}{extension}"
            taken.add(name.lower())
            entries.append(_Entry(stored, FILES + name))
    return entries


def _put(zipped: zipfile.ZipFile, entry: _Entry, upload_folder: str, timezone: str) -> bool:
    """Copy the stored bytes into the archive; False, and the file left out, if they are not in storage."""
    try:
        source = storage.open_stored(entry.stored, upload_folder)
    except (FileNotFoundError, ValueError):
        # Named by its key, never its name, which may say something medical; a person must restore it.
        log.error("A stored file is missing from a case file: %s", entry.stored.storage_key)
        return False
    # Stored, not deflated: PDFs and photos are compressed already, and a large case would take long.
    info = _info(entry.name, entry.stored.uploaded_at, timezone, zipfile.ZIP_STORED)
    info.file_size = entry.stored.size  # so that a file over 2 GB is written as ZIP64
    with source, zipped.open(info, "w") as target:
        shutil.copyfileobj(source, target, storage.CHUNK_SIZE)
    return True


def _info(name: str, moment: datetime, timezone: str, compression: int) -> zipfile.ZipInfo:
    local = moment.astimezone(ZoneInfo(timezone))
    info = zipfile.ZipInfo(name, date_time=local.timetuple()[:6])
    info.compress_type = compression
    return info


def _summary(
    case: Case,
    employee_number: str | None,
    actor: User,
    items: list[Submission],
    entries: list[_Entry],
    missing: set[int],
    decided: dict[int, list[SubmissionEvent]],
    now: datetime,
    timezone: str,
) -> str:
    """case.txt: the case, and every item with its files, as plain text anyone can open."""

    def day(moment: datetime | date | None) -> str:
        if isinstance(moment, datetime):
            moment = moment.astimezone(ZoneInfo(timezone)).date()
        return written_date(moment) or "Not recorded"

    manager = case.case_manager
    title = f"Case {case.number}: {case.employee.name}"
    lines = [
        title,
        "=" * len(title),
        "",
        f"Prepared for {actor.name} on {written_moment(now, timezone)}.",
        "",
        *_fields(
            [
                ("Employee", case.employee.name),
                ("Employee number", employee_number),
                ("Type", case.type_label),
                ("Status", case.status_on(now.astimezone(ZoneInfo(timezone)).date()).label),
                ("Opened", day(case.opened_at)),
                ("Closed", day(case.closed_at) if case.closed_at else "Not closed"),
                ("Leave started", day(case.leave_start)),
                ("Expected return to work", day(case.expected_rtw)),
                ("Actual return to work", day(case.actual_rtw)),
                (
                    "Case manager",
                    "Not assigned"
                    if manager is None
                    else manager.name + ("" if manager.active else " (account deactivated)"),
                ),
                ("Returned to", ReturnDuty(case.actual_rtw_duty).label if case.actual_rtw_duty else None),
                ("Outcome", CaseOutcome(case.outcome).label if case.outcome else None),
                ("Closing date", day(case.closed_on) if case.closed_on else None),
                ("Closure summary", case.closure_summary),
            ]
        ),
        "",
    ]
    heading = f"Items on this case ({len(items)}), in the order they were received"
    lines += [heading, "-" * len(heading), ""]
    if not items:
        lines += ["Nothing has been sent for this case.", ""]
    files_of: dict[int, list[_Entry]] = defaultdict(list)
    for entry in entries:
        files_of[entry.stored.submission_id or 0].append(entry)
    for number, item in enumerate(items, 1):
        lines.append(f"{number}. {item.reference}: {item.summary or item.kind_label}")
        fields = [
            ("Kind", item.kind_label),
            ("Status", item.status_label),
            ("Received", f"{written_moment(item.submitted_at, timezone)}, from {item.submitted_by.name}"),
        ]
        for event in decided[item.id]:
            label, said = DECISIONS[event.action]
            who = f" by {event.actor.name}" if event.actor else ""
            fields.append(("Decision", f"{label} on {day(event.at)}{who}"))
            if said and event.message:
                fields.append((said, event.message))
        for entry in files_of[item.id]:
            shown = f"{entry.name} ({entry.stored.original_name}, {storage.human_size(entry.stored.size)})"
            if entry.stored.id in missing:
                shown = f"{entry.stored.original_name}: NOT INCLUDED, missing from the portal's storage"
            fields.append(("File", shown))
        lines += [*_fields(fields, ITEM_LABELS, indent="   "), ""]
    return "\n".join(lines)


def _record(session, actor: User, case: Case, timezone: str) -> str:
    """The case manager's notes with their amendments, and the whole timeline, after the items."""
    lines = ["", "Notes, latest first", "-------------------", ""]
    kept = notes.notes_for(session, actor, case)
    if not kept:
        lines += ["No notes.", ""]
    for note in kept:
        with_whom = f" with {note.with_whom}" if note.with_whom else ""
        lines.append(f"{note.kind_label}{with_whom}, {written_moment(note.happened_at, timezone)}")
        lines += _fields(
            [("Written", f"{written_moment(note.written_at, timezone)} by {note.author.name}"), ("Note", note.text)],
            indent="   ",
        )
        for amendment in note.amendments:
            lines += _fields(
                [
                    ("Amended", f"{written_moment(amendment.written_at, timezone)} by {amendment.author.name}"),
                    ("Amendment", amendment.text),
                ],
                indent="   ",
            )
        lines.append("")
    lines += ["Timeline, newest first", "----------------------", ""]
    # The whole case's story: a case holds hundreds of entries, not millions.
    for entry in timeline.page(session, actor, case, per_page=100_000).entries:
        lines.append(f"{written_moment(entry.at, timezone)}: {entry.text}")
        if entry.detail:
            lines += ["   " + line for line in entry.detail.splitlines()]
    return "\n".join(lines) + "\n"


def _fields(pairs: Sequence[tuple[str, str | None]], width: int = CASE_LABELS, indent: str = "") -> list[str]:
    """Label and value in two columns, a value over several lines kept in its column; empty values left out."""
    lines = []
    for label, value in pairs:
        if not value:
            continue
        first, *rest = value.strip().splitlines() or [""]
        lines.append(f"{indent}{label + ':':<{width}}{first}")
        lines += [f"{indent}{'':<{width}}{line}" for line in rest]
    return lines
