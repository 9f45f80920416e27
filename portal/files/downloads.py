"""Opening a stored file: allowed by the access policy, and recorded in the audit log, since it may be medical."""

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
    audit.record(
        session,
        user,
        "file_viewed" if inline else "file_downloaded",
        "stored_file",
        stored.id,
        case_id=stored.case_id,
        ip_address=ip_address,
    )
    session.commit()
    return OpenedFile(stored, Path(storage.path_for(stored.storage_key, upload_folder)), inline)
