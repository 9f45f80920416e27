"""Stored uploads: received, proven to be what they claim, and kept under a content-addressed key.

An upload is streamed to a private temporary file while it is hashed and counted,
its type is read from its first bytes (never from its name or the browser's word),
and the file is parsed to prove it: a PDF must open with pikepdf, an image must
decode with Pillow. Only then is it renamed into place as ``<sha256[:2]>/<sha256>``.
The name the user gave is kept for display only, cleaned, with the extension of
the detected type.

A file and its row live or die together: every ``store_upload`` runs inside
``with saving(session):``, which commits at the end of the block and, if anything
in the block fails, rolls back and removes the files the block placed (never a
file that was already stored for other rows). What a killed process leaves behind,
``sweep`` removes later.
"""

import errno
import hashlib
import logging
import mmap
import os
import re
import tempfile
import unicodedata
import warnings
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import BinaryIO

import pikepdf
import pillow_heif
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.cases.models import Case
from portal.core.columns import utcnow
from portal.core.dates import written_moment
from portal.core.errors import InvalidInput
from portal.files.models import StoredFile
from portal.items.models import Submission
from portal.settings import UploadLimits

pillow_heif.register_heif_opener()
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    """One file as received: its stream and the name the user's device gave it."""

    stream: BinaryIO
    filename: str


CHUNK_SIZE = 64 * 1024
MAX_NAME_LENGTH = 100  # before the extension
INCOMING = "incoming"  # partial uploads, beside the stored files so that the final rename is atomic
# The upload folder's disk is full, over quota, read-only or failing: the user can only try later.
STORAGE_UNAVAILABLE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO})
_PLACED = "storage.placed_files"  # session.info key: the files placed by the current saving() block
_KEY = re.compile(r"([0-9a-f]{2})/\1[0-9a-f]{62}")
SWEEP_BATCH = 500  # keys or rows per query in sweep()


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    pillow_formats: tuple[str, ...] = ()  # empty for PDF, which pikepdf proves


PDF = FileType("application/pdf", ".pdf")
PNG = FileType("image/png", ".png", ("PNG",))
JPEG = FileType("image/jpeg", ".jpg", ("JPEG", "MPO"))  # phone cameras write MPO, a JPEG with extra frames
TIFF = FileType("image/tiff", ".tif", ("TIFF",))
HEIC = FileType("image/heic", ".heic", ("HEIF",))
HEIF = FileType("image/heif", ".heif", ("HEIF",))
FILE_TYPES = (PDF, PNG, JPEG, TIFF, HEIC, HEIF)
# What a browser may show in the page rather than save: PDFs and images, nothing else.
INLINE_TYPES = frozenset(file_type.content_type for file_type in FILE_TYPES)

_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1"}
_KNOWN_EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".heic", ".heif")
# What a file chooser offers (its accept attribute), and the same in words for the field's hint.
ACCEPT = ",".join([file_type.content_type for file_type in FILE_TYPES] + list(_KNOWN_EXTENSIONS))
ACCEPTED_IN_WORDS = "PDF, or photos and scans as JPEG, PNG, HEIC or TIFF."
_CLAIMED_EXTENSION = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9]{1,5}")
_RESERVED_CHARACTERS = re.compile(r'[<>:"/\\|?*]')
# Outside its streams a PDF is plain syntax; web markup there means the file is also meant to be read as a page.
_PDF_STREAM_OR_MARKUP = re.compile(
    rb"(?<!end)stream[ \t]*(?:\r\n?|\n)|(?P<markup>(?i:<(?:html|script|body|iframe|svg|!doctype)))"
)

ACCEPTED = "Send a PDF, or a photo or scan as JPEG, PNG, HEIC or TIFF."


# The upload limits in words, and what is said when a choice of files is over them. The browser's
# check (static/js/uploads.js) fills in the same sentences, given to it by ``limits_for_script``.
TOO_MANY = "Send at most {max_files} files at a time. You chose {count}."
TOO_LARGE = (
    "{name} is larger than {max_file}, the most one file may be. "
    "Scan or photograph it at a lower resolution, or split it into parts."
)
SEVERAL_TOO_LARGE = (
    "{names} are larger than {max_file}, the most one file may be. "
    "Scan or photograph them at a lower resolution, or split them into parts."
)
TOO_MUCH = (
    "The files you chose come to {total}, and one upload may be at most {max_total}. "
    "Send some of them now and the rest in another upload."
)


def limits_in_words(limits: UploadLimits, multiple: bool) -> str:
    """What a file field's hint says of its limits, before anything is chosen."""
    if not multiple:
        return f"Up to {human_size(limits.max_bytes)}."
    if limits.max_total_bytes <= limits.max_bytes:
        return f"Up to {limits.max_files} files, {human_size(limits.max_total_bytes)} in all."
    return (
        f"Up to {limits.max_files} files, each up to {human_size(limits.max_bytes)} "
        f"and {human_size(limits.max_total_bytes)} in all."
    )


def size_problem(chosen: Sequence[tuple[str, int]], limits: UploadLimits, multiple: bool = True) -> str | None:
    """What is wrong with the files chosen for one upload, as (name, size in bytes) pairs, before any
    of it is stored: too many, one too large, or too much in all. None when they are within the limits."""
    if multiple and len(chosen) > limits.max_files:
        return TOO_MANY.format(max_files=limits.max_files, count=len(chosen))
    max_file = human_size(limits.max_bytes)
    too_large = [clean_name(name) for name, size in chosen if size > limits.max_bytes]
    if len(too_large) == 1:
        return TOO_LARGE.format(name=too_large[0], max_file=max_file)
    if too_large:
        return SEVERAL_TOO_LARGE.format(names=names_in_words(too_large), max_file=max_file)
    total = sum(size for _, size in chosen)
    if multiple and total > limits.max_total_bytes:
        return TOO_MUCH.format(total=human_size(total), max_total=human_size(limits.max_total_bytes))
    return None


def limits_for_script(limits: UploadLimits, multiple: bool) -> dict:
    """The limits and their sentences, for the browser's check before sending (static/js/uploads.js)."""
    return {
        "maxFiles": limits.max_files if multiple else 1,
        "maxFileBytes": limits.max_bytes,
        "maxTotalBytes": limits.max_total_bytes if multiple else limits.max_bytes,
        "messages": {
            "tooMany": TOO_MANY.replace("{max_files}", str(limits.max_files)),
            "tooLarge": TOO_LARGE.replace("{max_file}", human_size(limits.max_bytes)),
            "severalTooLarge": SEVERAL_TOO_LARGE.replace("{max_file}", human_size(limits.max_bytes)),
            "tooMuch": TOO_MUCH.replace("{max_total}", human_size(limits.max_total_bytes)),
        },
    }


def names_in_words(names: Sequence[str]) -> str:
    """ "a.pdf", "a.pdf and b.jpg", "a.pdf, b.jpg and c.png"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def detect_type(head: bytes) -> FileType | None:
    """The type that a file's first bytes announce, if it is one we accept."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIC_BRANDS:
            return HEIC
        if brand in _HEIF_BRANDS:
            return HEIF
    return None


def clean_name(original: str | None) -> str:
    """The user's name for a file, safe to show: no directories, no control or invisible characters.

    NUL goes, and so does the right-to-left override that makes ``x\\u202efdp.exe``
    read as ``xexe.pdf``.
    """
    name = (original or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if not unicodedata.category(ch).startswith("C"))
    name = " ".join(_RESERVED_CHARACTERS.sub("_", name).split())
    return name[:MAX_NAME_LENGTH].strip(" .") or "document"


def display_name(original: str | None, file_type: FileType) -> str:
    """The name kept for display and download: the user's, with the detected type's extension.

    The claimed extension is replaced, so ``x.pdf.exe`` holding a PDF becomes ``x.pdf``.
    """
    name = clean_name(original)
    stem, dot, suffix = name.rpartition(".")
    if dot and _CLAIMED_EXTENSION.fullmatch(suffix):
        name = stem
    while name.lower().endswith(_KNOWN_EXTENSIONS):  # "scan.pdf.pdf" and "x.pdf.exe" become "scan" and "x"
        name = name.rpartition(".")[0]
    return (name.strip(" .") or "document") + file_type.extension


def name_in_folder(stored_file: StoredFile) -> str:
    """The file's display name made again from its row, to be a file's name in a folder or an archive: never a
    path, whatever the row holds (it may predate a rule, or have been edited), and with its type's extension."""
    file_type = next((known for known in FILE_TYPES if known.content_type == stored_file.content_type), None)
    if file_type is None:
        return clean_name(stored_file.original_name)
    return display_name(stored_file.original_name, file_type)


def storage_key(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256}"


def path_for(key: str, upload_folder: str | os.PathLike) -> Path:
    """Where a stored file lives. Only a well-formed key is accepted, so no key leaves the folder."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a storage key: {key!r}")
    return Path(upload_folder).absolute() / key


def open_stored(stored_file: StoredFile, upload_folder: str | os.PathLike) -> BinaryIO:
    """The stored bytes, opened for reading; the caller closes the file."""
    return path_for(stored_file.storage_key, upload_folder).open("rb")


def shows_inline(stored_file: StoredFile) -> bool:
    return stored_file.content_type in INLINE_TYPES


@contextmanager
def saving(session) -> Iterator[None]:
    """A transaction for uploads: commits when the block ends, or undoes files and rows together.

    Use it as the unit of work around ``store_upload`` calls and whatever else
    belongs with them::

        with storage.saving(db.session):
            storage.store_upload(db.session, upload.stream, upload.filename, case=case, ...)
            audit.record(db.session, ...)

    If anything in the block raises (a refused file, a failed flush, the commit
    itself), the session is rolled back (all its uncommitted work, as with any
    rollback), every file the block newly placed is removed, and the error
    propagates. Files that were stored before the block (identical content
    already kept for other rows) are left alone. One gap remains: if another
    request reuses a newly placed file in the instant before this block fails,
    its row loses the file; the same bytes sent twice at once are that rare.
    """
    if _PLACED in session.info:
        raise RuntimeError("storage.saving() blocks do not nest")
    placed: list[Path] = []
    session.info[_PLACED] = placed
    try:
        yield
        session.commit()
    except BaseException:
        try:
            session.rollback()
        finally:
            for path in placed:
                path.unlink(missing_ok=True)
        raise
    finally:
        session.info.pop(_PLACED, None)


@dataclass
class SweepReport:
    """What one sweep of the upload folder removed, and how many rows have lost their file."""

    partial_removed: int = 0
    unreferenced_removed: int = 0
    missing: int = 0  # rows whose file is not there

    def __str__(self) -> str:
        return (
            f"{self.partial_removed} partial and {self.unreferenced_removed} unreferenced files removed, "
            f"{self.missing} missing"
        )


def sweep(
    session, upload_folder: str | os.PathLike, now: datetime | None = None, grace: timedelta = timedelta(hours=6)
) -> SweepReport:
    """Remove what a crash left in the upload folder; count the rows whose file is gone.

    ``saving()`` cleans up after a failure in a live process, but a process killed
    mid-upload leaves its ``.part`` file in ``incoming/``, and one killed between the
    rename and the commit leaves a stored file that no row refers to. Both are removed
    once last written more than ``grace`` ago (a slow upload is still being written).
    A file a row refers to is never removed. A row whose file is missing is only
    counted and logged: a document is lost, and a person must look.
    """
    folder = Path(upload_folder).absolute()
    cutoff = ((now or utcnow()) - grace).timestamp()
    report = SweepReport()
    for part in _old_files(folder / INCOMING, cutoff):
        if part.name.endswith(".part"):
            part.unlink(missing_ok=True)
            report.partial_removed += 1

    old_keys = _old_stored_keys(folder, cutoff)
    while keys := list(islice(old_keys, SWEEP_BATCH)):
        held = set(session.scalars(select(StoredFile.storage_key).where(StoredFile.storage_key.in_(keys))))
        for key in keys:
            # Judged again after the query: an upload of the same bytes makes the file young before its row commits.
            if key not in held and _older_than(path := path_for(key, folder), cutoff):
                path.unlink(missing_ok=True)
                report.unreferenced_removed += 1

    missing: set[str] = set()
    last_id = 0
    while rows := session.execute(
        select(StoredFile.id, StoredFile.storage_key)
        .where(StoredFile.id > last_id)
        .order_by(StoredFile.id)
        .limit(SWEEP_BATCH)
    ).all():
        last_id = rows[-1].id
        for row in rows:
            if not (_KEY.fullmatch(row.storage_key) and path_for(row.storage_key, folder).is_file()):
                report.missing += 1
                missing.add(row.storage_key)
    if missing:
        log.warning(
            "Stored files missing for %d rows; restore them from a backup: %s",
            report.missing,
            ", ".join(sorted(missing)),
        )
    return report


def store_upload(
    session,
    stream: BinaryIO,
    original_name: str | None,
    *,
    case: Case,
    uploaded_by: User,
    upload_folder: str | os.PathLike,
    max_bytes: int,
    submission: Submission | None = None,
    is_medical: bool = True,
) -> StoredFile:
    """Receive, prove and keep one upload; add its ``StoredFile`` row and flush.

    Must run inside ``with saving(session):``, which commits. Raises
    ``InvalidInput`` (a message for the user) for an empty or over-size file,
    a type we do not accept, a password-protected PDF, or a file that does not
    parse as its type; nothing is kept then.
    """
    placed = session.info.get(_PLACED)
    if placed is None:
        raise RuntimeError("store_upload must run inside `with storage.saving(session):`")
    if submission is not None:
        if submission.id is None:
            session.flush()  # the row holds the submission's id, not a relationship
        if submission.case_id != case.id:
            raise ValueError("the submission belongs to another case")

    name = clean_name(original_name)  # as the user knows it, for messages
    try:
        kept = _keep(stream, name, upload_folder, max_bytes, placed)
    except OSError as error:
        if error.errno not in STORAGE_UNAVAILABLE:
            raise
        # The error names no file: a file's name may say something medical.
        log.error("an upload could not be stored: %s", errno.errorcode.get(error.errno or 0, error.errno))
        raise InvalidInput(
            f"We could not store {name} just now, so nothing was saved. Try again later; if it keeps "
            "happening, tell your case manager."
        ) from None

    stored = StoredFile(
        storage_key=kept.key,
        original_name=display_name(original_name, kept.file_type),
        size=kept.size,
        sha256=kept.sha256,
        received_sha256=kept.received_sha256,
        content_type=kept.file_type.content_type,
        case=case,
        uploaded_by=uploaded_by,
        submission_id=submission.id if submission else None,
        is_medical=is_medical,
    )
    session.add(stored)
    session.flush()
    return stored


@dataclass(frozen=True)
class Kept:
    """A file received, proven and in place: the hash and size of what is stored, and, where the stored
    bytes are not those received (a PDF's scripts taken out), the hash of what was received."""

    sha256: str
    size: int
    file_type: FileType
    key: str
    received_sha256: str | None


def _keep(stream: BinaryIO, name: str, upload_folder: str | os.PathLike, max_bytes: int, placed: list[Path]) -> Kept:
    """Receive the upload into a private temporary file, prove it, and move it into place; the
    temporary file never outlives this, whatever fails."""
    incoming = Path(upload_folder) / INCOMING
    incoming.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=incoming, suffix=".part")
    temp = Path(temp_name)
    try:
        sha256, size = _receive(stream, fd, max_bytes, name)
        with temp.open("rb") as received:
            file_type = detect_type(received.read(16))
        if file_type is None:
            raise InvalidInput(f"{name} is not a type of file we accept. {ACCEPTED}")
        received_sha256 = None
        if file_type is PDF:
            _prove_pdf(temp, name)
            if _strip_active_content(temp):
                received_sha256 = sha256
                sha256, size = _digest(temp)
        else:
            _prove_image(temp, file_type, name)
        key = storage_key(sha256)
        final = path_for(key, upload_folder)
        if _place(temp, final):
            placed.append(final)
    finally:
        temp.unlink(missing_ok=True)
    return Kept(sha256, size, file_type, key, received_sha256)


def _digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest(), path.stat().st_size


# What in a PDF can act rather than show: scripts, actions run on opening or on events, launching programs,
# sending form data, and files carried inside. A preview must never run any of it.
_ACTIVE_KEYS = ("/AA", "/OpenAction", "/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/XFA")
_ACTIVE_ACTIONS = ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute", "/Rendition")


def _strip_active_content(path: Path) -> bool:
    """Take scripts, actions and embedded files out of the PDF at ``path``, rewriting it in place; False,
    and the file untouched, when it has none. The same input always gives the same bytes."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        seen: set[tuple[int, int]] = set()
        changed = False

        def clean(node) -> None:
            nonlocal changed
            if node.is_indirect:
                if node.objgen in seen:
                    return
                seen.add(node.objgen)
            if isinstance(node, pikepdf.Dictionary):
                for key in _ACTIVE_KEYS:
                    if key in node:
                        del node[key]
                        changed = True
                action = node.get("/A")
                if isinstance(action, pikepdf.Dictionary) and action.get("/S") in _ACTIVE_ACTIONS:
                    del node["/A"]
                    changed = True
                if node.get("/Subtype") == "/FileAttachment" and "/FS" in node:
                    del node["/FS"]
                    changed = True
                children = [node[key] for key in node.keys() if key != "/Parent"]
            elif isinstance(node, pikepdf.Array):
                children = list(node)
            else:
                return
            for child in children:
                if isinstance(child, (pikepdf.Dictionary, pikepdf.Array)):
                    clean(child)

        clean(pdf.Root)
        if changed:
            pdf.save(path, deterministic_id=True)
    return changed


def _receive(stream: BinaryIO, fd: int, max_bytes: int, name: str) -> tuple[str, int]:
    """Copy the upload into ``fd`` (then durable on disk), hashing and counting; refuse past ``max_bytes``."""
    digest = hashlib.sha256()
    size = 0
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(CHUNK_SIZE):
            size += len(chunk)
            if size > max_bytes:
                raise InvalidInput(TOO_LARGE.format(name=name, max_file=human_size(max_bytes)))
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if size == 0:
        raise InvalidInput(f"{name} is empty. Choose the file again, or take the photo again.")
    return digest.hexdigest(), size


def _prove_pdf(path: Path, name: str) -> None:
    damaged = f"{name} is damaged or is not a real PDF. Open it, save or print it as a new PDF, and send it again."
    try:
        # No recovery: a file whose structure must be reconstructed is damaged, or hides something else.
        with pikepdf.open(path, attempt_recovery=False) as pdf:
            pages = len(pdf.pages)
    except pikepdf.PasswordError:
        raise InvalidInput(
            f"{name} is protected by a password. Open it, save or print it as a PDF "
            "without a password, and send it again."
        ) from None
    except Exception:  # qpdf reports hostile input with several exception types; all mean "not a PDF we can read"
        raise InvalidInput(damaged) from None
    if pages == 0 or _has_markup_outside_streams(path):
        raise InvalidInput(damaged)
    if _expands_past(path, MAX_PDF_EXPANDED_BYTES):
        raise InvalidInput(
            f"{name} unpacks to far more than its size, more than we can open safely. Print it to a new PDF, "
            "or scan or photograph the pages, and send that."
        )


# What a PDF's compressed streams may unpack to in all: a real scan of many pages is a few hundred
# megabytes at most; a "bomb" of a megabyte can unpack to gigabytes, and any preview would have to.
MAX_PDF_EXPANDED_BYTES = 512 * 1024 * 1024


def _expands_past(path: Path, budget: int) -> bool:
    """Whether the PDF's Flate streams unpack to more than ``budget`` bytes in all, found by unpacking them
    a chunk at a time and stopping at the budget: checking never costs more than the budget."""
    left = budget
    with pikepdf.open(path) as pdf:
        for candidate in pdf.objects:
            if not isinstance(candidate, pikepdf.Stream):
                continue
            filters = candidate.get("/Filter")
            names = [filters] if isinstance(filters, pikepdf.Name) else list(filters or [])
            if not names or names[0] != "/FlateDecode":
                continue
            inflater = zlib.decompressobj()
            pending = candidate.read_raw_bytes()
            try:
                while pending and left >= 0:
                    left -= len(inflater.decompress(pending, CHUNK_SIZE))
                    pending = inflater.unconsumed_tail
            except zlib.error:
                continue  # a broken stream unpacks to nothing a preview would show
            if left < 0:
                return True
    return False


def _has_markup_outside_streams(path: Path) -> bool:
    """Whether web markup appears in a PDF's syntax, skipping stream data (binary, often compressed)."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        last_end = data.rfind(b"endstream")
        position = 0
        while match := _PDF_STREAM_OR_MARKUP.search(data, position):
            if match["markup"]:
                return True
            end = data.find(b"endstream", match.end()) if match.end() < last_end else -1
            # A "stream" with no endstream after it is not a stream: keep reading its bytes as syntax.
            position = end + len(b"endstream") if end != -1 else match.end()
    return False


def _prove_image(path: Path, file_type: FileType, name: str) -> None:
    try:
        # Pillow warns past MAX_IMAGE_PIXELS and raises at twice that; both mean a decompression bomb here.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=file_type.pillow_formats) as image:
                image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise InvalidInput(
            f"{name} has too many pixels to open safely. Send a smaller photo or a lower-resolution scan."
        ) from None
    except Exception:  # decoders report broken input with many exception types; all mean "cannot be read"
        raise InvalidInput(
            f"{name} is damaged or cannot be read as an image. Take the photo again, or save it "
            "as JPEG or PNG, and send it again."
        ) from None


def _place(temp: Path, final: Path) -> bool:
    """Move the received file to its content-addressed place; False if that content is already stored."""
    try:
        os.utime(final)  # in use again, so young again: sweep() leaves it for the row about to refer to it
        return False
    except FileNotFoundError:
        pass
    final.parent.mkdir(exist_ok=True)
    os.replace(temp, final)
    directory = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself must survive a crash, not only the bytes
    finally:
        os.close(directory)
    return True


def _old_stored_keys(folder: Path, cutoff: float) -> Iterator[str]:
    """The keys of the files at content-addressed places last written before ``cutoff``."""
    for directory in _entries(folder):
        if len(directory.name) == 2 and directory.is_dir(follow_symlinks=False):
            for file in _old_files(Path(directory.path), cutoff):
                if _KEY.fullmatch(key := f"{directory.name}/{file.name}"):
                    yield key


def _old_files(directory: Path, cutoff: float) -> list[Path]:
    """The regular files in ``directory`` last written before ``cutoff``. A symlink is never ours: none is followed."""
    if directory.is_symlink():
        return []
    return [
        Path(entry.path)
        for entry in _entries(directory)
        if entry.is_file(follow_symlinks=False) and _older_than(entry.path, cutoff)
    ]


def _entries(directory: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(directory) as entries:
            return list(entries)
    except FileNotFoundError:  # nothing uploaded yet
        return []


def _older_than(path: str | Path, cutoff: float) -> bool:
    try:
        return os.lstat(path).st_mtime < cutoff
    except FileNotFoundError:  # removed meanwhile, by saving() or another sweep
        return False


def human_size(size: int) -> str:
    """A size as the limits and their messages say it: "25 MB", "130 MB", "3.2 MB", "512 KB"."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            # Three significant figures, never in exponent form ("1500 MB", not "1.5e+03 MB").
            return f"{float(f'{size / factor:.3g}'):g} {unit}"
    return f"{size} bytes"


def check_count(uploads: list[Upload], limits: UploadLimits, required: bool) -> None:
    """Refuse, next to the field ``files``, no file where one is needed or more than one upload takes."""
    if required and not uploads:
        raise InvalidInput("Choose at least one file to send.", field="files")
    if len(uploads) > limits.max_files:
        raise InvalidInput(f"Send at most {limits.max_files} files at a time. You chose {len(uploads)}.", field="files")


def store_for_field(
    session,
    upload: Upload,
    field: str,
    *,
    case: Case,
    uploaded_by: User,
    limits: UploadLimits,
    submission: Submission | None = None,
) -> StoredFile:
    """``store_upload`` within the upload limits, its refusal shown next to the form's ``field``."""
    try:
        return store_upload(
            session,
            upload.stream,
            upload.filename,
            case=case,
            uploaded_by=uploaded_by,
            upload_folder=limits.upload_folder,
            max_bytes=limits.max_bytes,
            submission=submission,
        )
    except InvalidInput as error:
        raise InvalidInput(str(error), field=field) from None


def store_all(
    session,
    uploads: list[Upload],
    case: Case,
    submission: Submission,
    uploaded_by: User,
    limits: UploadLimits,
    timezone: str,
) -> list[StoredFile]:
    """Store each file of one upload with its submission, within ``with saving(session):``; refuse one
    this case already has, or the same file twice in one go, next to the field ``files``."""
    stored = []
    for upload in uploads:
        kept = store_for_field(
            session, upload, "files", case=case, uploaded_by=uploaded_by, limits=limits, submission=submission
        )
        earlier = session.scalar(
            select(StoredFile)
            .where(StoredFile.case_id == case.id, StoredFile.sha256 == kept.sha256, StoredFile.id != kept.id)
            .options(joinedload(StoredFile.submission))
            .order_by(StoredFile.uploaded_at)
            .limit(1)
        )
        if earlier is not None:
            when = written_moment(earlier.uploaded_at, timezone)
            where = f" with {earlier.submission.reference}" if earlier.submission else ""
            raise InvalidInput(
                f"You already sent {kept.original_name} on {when}{where}. There is no need to send it again.",
                field="files",
            )
        stored.append(kept)
    return stored
