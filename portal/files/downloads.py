"""Opening a stored file: allowed by the access policy, and recorded in the audit log, since it may be medical."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from portal import access
from portal.accounts.models import User
from portal.audit import operations as audit
from portal.files import storage
from portal.files.models import StoredFile


@dataclass(frozen=True)
class OpenedFile:
    stored: StoredFile
    path: Path
    inline: bool  # shown in the browser; otherwise downloaded


def open_file(
    session, user: User, file_id: int, inline: bool, upload_folder: str, ip_address: str | None
) -> OpenedFile:
    """The file ``user`` asked to view (``inline``, when its type can be shown safely) or download; each
    opening is one audit event, committed before a byte is sent."""
    stored = access.get_file(session, user, file_id)
    inline = inline and storage.shows_inline(stored)
    record_openings(session, user, [stored], inline, ip_address)
    session.commit()
    return OpenedFile(stored, Path(storage.path_for(stored.storage_key, upload_folder)), inline)


def record_openings(
    session, user: User, stored_files: Sequence[StoredFile], inline: bool, ip_address: str | None
) -> None:
    """One audit event for each file opened, in the caller's transaction: the same whether a file was opened on its
    own or went out with a whole case, so that its employee sees every one; one statement however many."""
    audit.record_each(
        session,
        user,
        "file_viewed" if inline else "file_downloaded",
        "stored_file",
        [(stored.id, stored.case_id) for stored in stored_files],
        ip_address=ip_address,
    )
