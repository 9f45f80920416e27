"""The storage service: what it keeps, what it refuses, and that files and rows never part."""

import errno
import hashlib
import io
import os
import zlib
from datetime import UTC, datetime, timedelta

import pikepdf
import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.core.errors import InvalidInput
from portal.files import storage
from portal.files.models import StoredFile
from portal.items.models import Submission, SubmissionKind
from tests import factories

MB = 1024 * 1024
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>'
NOW = datetime.now(UTC)
HOURS = timedelta(hours=1)


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "uploads"


@pytest.fixture
def case(db_session):
    return factories.case(db_session)


@pytest.fixture
def store(db_session, case, folder):
    """Store ``content`` as the case's employee would, committing as a service does."""

    def store_one(content: bytes, name: str = "upload.pdf", max_bytes: int = 25 * MB, **options):
        with storage.saving(db_session):
            return storage.store_upload(
                db_session,
                io.BytesIO(content),
                name,
                case=case,
                uploaded_by=case.employee,
                upload_folder=folder,
                max_bytes=max_bytes,
                **options,
            )

    return store_one


def kept_files(folder):
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def row_count(db_session):
    return db_session.scalar(select(func.count()).select_from(StoredFile))


def database_fails(*args, **kwargs):
    raise RuntimeError("database went away")


def written(path, ago: timedelta):
    """Make ``path`` look last written ``ago`` before ``NOW``."""
    stamp = (NOW - ago).timestamp()
    os.utime(path, (stamp, stamp), follow_symlinks=False)
    return path


def left_by_a_crash(folder, content: bytes):
    """A file renamed into place by a process killed before its row was committed."""
    path = storage.path_for(storage.storage_key(hashlib.sha256(content).hexdigest()), folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def refusal(store, content, name="upload.pdf", **options) -> str:
    with pytest.raises(InvalidInput) as refused:
        store(content, name, **options)
    return str(refused.value)


# What is kept


@pytest.mark.parametrize(
    ("content", "content_type", "extension"),
    [
        (factories.pdf_bytes(), "application/pdf", ".pdf"),
        (factories.image_bytes("JPEG"), "image/jpeg", ".jpg"),
        (factories.image_bytes("PNG"), "image/png", ".png"),
        (factories.image_bytes("TIFF"), "image/tiff", ".tif"),
        (factories.image_bytes("HEIF"), "image/heic", ".heic"),
    ],
    ids=["pdf", "jpeg", "png", "tiff", "heic"],
)
def test_an_accepted_file_is_kept_under_its_content_hash(store, folder, db_session, content, content_type, extension):
    stored = store(content, "Doctor's note")

    sha256 = hashlib.sha256(content).hexdigest()
    assert stored.storage_key == f"{sha256[:2]}/{sha256}"
    assert (stored.sha256, stored.size, stored.content_type) == (sha256, len(content), content_type)
    assert stored.original_name == "Doctor's note" + extension
    assert kept_files(folder) == [stored.storage_key]
    with storage.open_stored(stored, folder) as kept:
        assert kept.read() == content
    assert db_session.get(StoredFile, stored.id).is_medical


def test_the_type_comes_from_the_content_not_the_name(store):
    stored = store(factories.image_bytes("PNG"), "photo.jpg")

    assert (stored.content_type, stored.original_name) == ("image/png", "photo.png")


def test_the_same_content_twice_shares_one_stored_file(store, folder):
    content = factories.pdf_bytes()

    first = store(content, "note.pdf")
    second = store(content, "note again.pdf")

    assert first.id != second.id
    assert first.storage_key == second.storage_key
    assert kept_files(folder) == [first.storage_key]


def test_a_file_can_belong_to_a_submission_and_be_marked_not_medical(store, db_session, case):
    submission = Submission(reference="S-TEST-1", kind=SubmissionKind.DOCUMENT, case=case, submitted_by=case.employee)
    db_session.add(submission)

    stored = store(factories.pdf_bytes(), submission=submission, is_medical=False)

    assert stored.submission_id == submission.id
    assert db_session.get(StoredFile, stored.id).is_medical is False


# What is refused, and that nothing is left of it


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.pdf", "empty.pdf is empty"),
        (HTML, "note.pdf", "note.pdf is not a type of file we accept"),
        (SVG, "note.pdf", "note.pdf is not a type of file we accept"),
        (b"MZ\x90\x00" + bytes(200), "x.pdf", "x.pdf is not a type of file we accept"),
        (b"%PDF-1.7\n" + HTML, "polyglot.pdf", "polyglot.pdf is damaged or is not a real PDF"),
        (factories.pdf_bytes()[:300], "cut-short.pdf", "cut-short.pdf is damaged"),
        (factories.pdf_bytes() + HTML * 40, "appended.pdf", "appended.pdf is damaged"),
        (factories.pdf_bytes() + HTML, "tail.pdf", "tail.pdf is damaged"),
        (factories.pdf_bytes(pages=0), "no-pages.pdf", "no-pages.pdf is damaged"),
        (
            factories.image_bytes("JPEG")[:200],
            "cut-short.jpg",
            "cut-short.jpg is damaged or cannot be read as an image",
        ),
        (b"\x89PNG\r\n\x1a\n" + HTML, "fake.png", "fake.png is damaged or cannot be read as an image"),
    ],
    ids=[
        "empty",
        "html",
        "svg",
        "executable",
        "pdf-then-html",
        "truncated-pdf",
        "long-html-after-pdf",
        "short-html-after-pdf",
        "no-pages",
        "truncated-jpeg",
        "png-magic-then-html",
    ],
)
def test_a_refused_upload_leaves_no_file_and_no_row(store, folder, db_session, content, name, message):
    assert message in refusal(store, content, name)

    assert kept_files(folder) == []
    assert row_count(db_session) == 0


def test_a_pdf_hiding_web_markup_in_its_syntax_is_refused(store):
    document = pikepdf.new()
    document.add_blank_page()
    document.docinfo["/Title"] = "<html><script>alert(1)</script></html>"
    buffer = io.BytesIO()
    document.save(buffer)
    with pikepdf.open(io.BytesIO(buffer.getvalue()), attempt_recovery=False) as well_formed:
        assert len(well_formed.pages) == 1  # only the markup gives it away

    assert "is damaged or is not a real PDF" in refusal(store, buffer.getvalue())


def test_markup_inside_a_pdf_stream_is_not_mistaken_for_a_page(store):
    document = pikepdf.new()
    document.add_blank_page()
    document.pages[0].Contents = document.make_stream(b"% <html> is only text here\n")
    buffer = io.BytesIO()
    document.save(buffer, compress_streams=False)
    assert b"<html>" in buffer.getvalue()

    assert store(buffer.getvalue()).content_type == "application/pdf"


def pdf_that_acts() -> bytes:
    """A PDF that runs a script when opened, on a link, and from its name tree, and carries a file."""
    document = pikepdf.new()
    document.add_blank_page()
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('session expired')"))
    document.Root.OpenAction = document.make_indirect(script)
    document.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("x"), script])),
        EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array()),
    )
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10], A=pikepdf.Dictionary(script)
    )
    document.pages[0].obj.Annots = pikepdf.Array([document.make_indirect(link)])
    document.pages[0].obj.AA = pikepdf.Dictionary(O=script)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.security(
    threat="A script inside a PDF runs when a case manager previews it",
    control=(
        "Scripts, actions and embedded files are taken out of a PDF when it is stored; the received bytes' hash is kept"
    ),
)
def test_scripts_actions_and_embedded_files_are_taken_out_of_a_pdf_and_the_received_hash_kept(store, folder):
    content = pdf_that_acts()
    stored = store(content, "form.pdf")
    assert stored.received_sha256 == hashlib.sha256(content).hexdigest() != stored.sha256
    with storage.open_stored(stored, folder) as kept:
        cleaned = kept.read()
    assert hashlib.sha256(cleaned).hexdigest() == stored.sha256 and stored.size == len(cleaned)
    assert b"app.alert" not in cleaned and b"/JavaScript" not in cleaned and b"/OpenAction" not in cleaned
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        assert len(pdf.pages) == 1 and "/EmbeddedFiles" not in pdf.Root.Names
    again = store(content, "form again.pdf")
    assert again.storage_key == stored.storage_key  # the same file, cleaned the same way


def test_a_pdf_that_does_nothing_but_show_is_kept_as_received(store):
    content = factories.pdf_bytes()
    assert store(content, "note.pdf").received_sha256 is None


def test_a_password_protected_pdf_is_refused_with_how_to_fix_it(store, folder):
    encrypted = factories.pdf_bytes(encryption=pikepdf.Encryption(owner="owner secret", user="user secret"))

    message = refusal(store, encrypted, "letter.pdf")

    assert message.startswith("letter.pdf is protected by a password.")
    assert "save or print it as a PDF without a password, and send it again" in message
    assert kept_files(folder) == []


def test_a_pdf_that_opens_without_a_password_is_kept_despite_permission_restrictions(store):
    restricted = factories.pdf_bytes(encryption=pikepdf.Encryption(owner="owner secret", user=""))

    assert store(restricted, "form.pdf").content_type == "application/pdf"


def test_a_file_over_the_limit_is_refused_without_reading_it_to_the_end(db_session, case, folder):
    stream = io.BytesIO(factories.pdf_bytes() + bytes(10 * storage.CHUNK_SIZE))

    with pytest.raises(InvalidInput, match="large.pdf is larger than 2 KB"):
        with storage.saving(db_session):
            storage.store_upload(
                db_session,
                stream,
                "large.pdf",
                case=case,
                uploaded_by=case.employee,
                upload_folder=folder,
                max_bytes=2048,
            )

    assert stream.tell() <= storage.CHUNK_SIZE
    assert kept_files(folder) == []


def test_a_file_exactly_at_the_limit_is_kept(store):
    content = factories.image_bytes("PNG")

    assert store(content, max_bytes=len(content)).size == len(content)


# Outside tests Pillow's warning is only a warning: the service must refuse without pytest's help.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("pixels", [300, 120], ids=["past-twice-the-limit", "past-the-limit"])
def test_a_decompression_bomb_is_refused(store, folder, monkeypatch, pixels):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100 * 100)
    bomb = factories.image_bytes("PNG", size=(pixels, 100))

    assert "has too many pixels to open safely" in refusal(store, bomb, "bomb.png")
    assert kept_files(folder) == []


def pdf_bomb(unpacked: int) -> bytes:
    """A small PDF with a stream that unpacks to ``unpacked`` bytes of zeros."""
    document = pikepdf.new()
    document.add_blank_page()
    stream = pikepdf.Stream(document, zlib.compress(b"\0" * unpacked, 9))
    stream.Filter = pikepdf.Name.FlateDecode
    document.Root.Bomb = document.make_indirect(stream)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.security(
    threat="A PDF bomb: a megabyte that unpacks to gigabytes when checked or previewed",
    control="A PDF whose streams unpack past a bound is refused; checking stops at the bound",
)
def test_a_pdf_that_unpacks_to_far_more_than_it_is_refused_cheaply(store, folder, monkeypatch):
    monkeypatch.setattr(storage, "MAX_PDF_EXPANDED_BYTES", 10 * 1024 * 1024)
    bomb = pdf_bomb(64 * 1024 * 1024)
    assert len(bomb) < 200 * 1024
    assert "unpacks to far more than its size" in refusal(store, bomb, "bomb.pdf")
    assert kept_files(folder) == []
    assert store(pdf_bomb(1024 * 1024), "fine.pdf").size > 0  # what unpacks within the bound is kept


# Names


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../x.pdf", "x.pdf"),
        ("C:\\Users\\me\\Desktop\\scan.PDF", "scan.pdf"),
        ("x.pdf.exe", "x.pdf"),
        ("report.pdf\x00.html", "report.pdf"),
        ("x\u202efdp.exe", "xfdp.pdf"),
        ("note.pdf.pdf", "note.pdf"),
        ('a "quoted" <name>.pdf', "a _quoted_ _name_.pdf"),
        ("lettre d’arrêt de travail.pdf", "lettre d’arrêt de travail.pdf"),
        ("...", "document.pdf"),
        (None, "document.pdf"),
        ("a" * 300 + ".pdf", "a" * storage.MAX_NAME_LENGTH + ".pdf"),
    ],
)
def test_the_name_is_kept_for_display_only_and_made_safe(store, folder, given, shown):
    stored = store(factories.pdf_bytes(), given)

    assert stored.original_name == shown
    assert kept_files(folder) == [stored.storage_key]


def test_a_storage_key_cannot_lead_out_of_the_folder(folder):
    sha256 = "ab" + "c" * 62
    assert storage.path_for(f"ab/{sha256}", folder) == folder.absolute() / "ab" / sha256

    for key in (
        "../../etc/passwd",
        f"ab/../{sha256}",
        "/etc/passwd",
        f"cd/{sha256}",
        f"AB/{sha256.upper()}",
        f"ab/{sha256}/..",
        f"ab/{sha256}\n",
    ):
        with pytest.raises(ValueError):
            storage.path_for(key, folder)


# Files and rows live or die together


def test_a_failed_commit_removes_the_new_file_and_the_row(store, folder, db_session, monkeypatch):
    monkeypatch.setattr(db_session, "commit", database_fails)

    with pytest.raises(RuntimeError, match="database went away"):
        store(factories.pdf_bytes())

    monkeypatch.undo()
    assert kept_files(folder) == []
    assert row_count(db_session) == 0


def test_a_failed_flush_removes_the_new_file(store, folder, db_session, monkeypatch):
    monkeypatch.setattr(db_session, "flush", database_fails)

    with pytest.raises(RuntimeError, match="database went away"):
        store(factories.pdf_bytes())

    monkeypatch.undo()
    assert kept_files(folder) == []
    assert row_count(db_session) == 0


def test_a_failed_commit_keeps_a_file_that_other_rows_use(store, folder, db_session, monkeypatch):
    content = factories.pdf_bytes()
    kept = store(content, "first.pdf")
    monkeypatch.setattr(db_session, "commit", database_fails)

    with pytest.raises(RuntimeError, match="database went away"):
        store(content, "second.pdf")

    monkeypatch.undo()
    assert kept_files(folder) == [kept.storage_key]
    assert row_count(db_session) == 1


def test_a_refusal_later_in_the_block_undoes_the_files_already_placed(db_session, case, folder):
    with pytest.raises(InvalidInput):
        with storage.saving(db_session):
            for content in (factories.pdf_bytes(), HTML):
                storage.store_upload(
                    db_session,
                    io.BytesIO(content),
                    "part.pdf",
                    case=case,
                    uploaded_by=case.employee,
                    upload_folder=folder,
                    max_bytes=MB,
                )

    assert kept_files(folder) == []
    assert row_count(db_session) == 0


def test_storing_outside_a_saving_block_is_a_programming_error(db_session, case, folder):
    with pytest.raises(RuntimeError, match="inside `with storage.saving"):
        storage.store_upload(
            db_session,
            io.BytesIO(factories.pdf_bytes()),
            "x.pdf",
            case=case,
            uploaded_by=case.employee,
            upload_folder=folder,
            max_bytes=MB,
        )
    assert kept_files(folder) == []


# What a crash leaves behind


def test_the_sweep_removes_partial_uploads_left_by_a_crash_but_not_one_in_progress(db_session, folder):
    incoming = folder / storage.INCOMING
    incoming.mkdir(parents=True)
    for name, ago in (
        ("tmpcrashed.part", 7 * HOURS),
        ("tmpslowphone.part", timedelta(minutes=20)),
        ("notes.txt", 7 * HOURS),
    ):
        (incoming / name).write_bytes(b"%PDF-1.7 half a")
        written(incoming / name, ago)

    report = storage.sweep(db_session, folder, now=NOW)

    assert (report.partial_removed, report.unreferenced_removed, report.missing) == (1, 0, 0)
    assert kept_files(folder) == ["incoming/notes.txt", "incoming/tmpslowphone.part"]


def test_the_sweep_removes_a_stored_file_no_row_refers_to_once_it_is_old_enough(db_session, folder):
    orphan = written(left_by_a_crash(folder, factories.pdf_bytes()), 7 * HOURS)

    assert storage.sweep(db_session, folder, now=NOW - 2 * HOURS).unreferenced_removed == 0
    assert orphan.exists()
    report = storage.sweep(db_session, folder, now=NOW)

    assert (report.partial_removed, report.unreferenced_removed, report.missing) == (0, 1, 0)
    assert kept_files(folder) == []


def test_the_sweep_never_removes_a_file_a_row_refers_to(store, db_session, folder, monkeypatch):
    monkeypatch.setattr(storage, "SWEEP_BATCH", 2)  # several queries, each for a few keys or rows
    contents = [factories.pdf_bytes(pages=pages) for pages in (1, 2, 3)]
    stored = [store(content) for content in contents]
    store(contents[0], "the same again.pdf")
    orphans = [left_by_a_crash(folder, factories.image_bytes(image_format)) for image_format in ("PNG", "JPEG")]
    for path in folder.rglob("*"):
        if path.is_file():
            written(path, 90 * 24 * HOURS)

    report = storage.sweep(db_session, folder, now=NOW)

    assert (report.unreferenced_removed, report.missing) == (2, 0)
    assert kept_files(folder) == sorted(file.storage_key for file in stored)
    assert not any(path.exists() for path in orphans)


def test_the_sweep_leaves_what_is_not_ours_and_follows_no_symlink_out_of_the_folder(db_session, folder, tmp_path):
    sha256, linked = (hashlib.sha256(text).hexdigest() for text in (b"elsewhere", b"elsewhere too"))
    elsewhere = tmp_path / "elsewhere"
    outside = [elsewhere / "tmpoutside.part", elsewhere / storage.storage_key(linked), elsewhere / "target"]
    ours_in_name_only = [
        f"{sha256[:2]}/{sha256.upper()}",
        f"{sha256[:2]}/{sha256}.pdf",
        f"00/{sha256}",
        sha256,
        f"{sha256[:2]}/notes.txt",
        f"{sha256[:2]}/{sha256[:2]}/{sha256}",
    ]
    for path in outside + [folder / name for name in ours_in_name_only]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"not ours")
    (folder / storage.INCOMING).symlink_to(elsewhere)
    (folder / linked[:2]).symlink_to(elsewhere / linked[:2])  # a directory named like ours, leading out
    link = storage.path_for(storage.storage_key(hashlib.sha256(b"x").hexdigest()), folder)
    link.parent.mkdir()
    link.symlink_to(elsewhere / "target")
    for path in [*outside, *folder.rglob("*")]:
        written(path, 90 * 24 * HOURS)

    report = storage.sweep(db_session, folder, now=NOW)

    assert (report.partial_removed, report.unreferenced_removed) == (0, 0)
    assert all(path.exists() for path in outside) and link.is_symlink()
    assert all((folder / name).exists() for name in ours_in_name_only)


def test_the_sweep_reports_rows_whose_file_is_missing(store, db_session, folder, caplog):
    content = factories.pdf_bytes()
    lost = store(content, "lost.pdf")
    store(content, "lost too.pdf")
    kept = store(factories.pdf_bytes(pages=2), "kept.pdf")
    storage.path_for(lost.storage_key, folder).unlink()

    report = storage.sweep(db_session, folder, now=NOW)

    assert str(report) == "0 partial and 0 unreferenced files removed, 2 missing"
    assert f"Stored files missing for 2 rows; restore them from a backup: {lost.storage_key}" in caplog.text
    assert row_count(db_session) == 3  # a person decides what to do, not the sweep
    assert kept_files(folder) == [kept.storage_key]


def test_storing_bytes_again_makes_an_old_unreferenced_file_young_so_a_sweep_meanwhile_keeps_it(
    db_session, case, folder
):
    content = factories.pdf_bytes()
    orphan = written(left_by_a_crash(folder, content), 7 * HOURS)

    with storage.saving(db_session):
        storage.store_upload(
            db_session,
            io.BytesIO(content),
            "again.pdf",
            case=case,
            uploaded_by=case.employee,
            upload_folder=folder,
            max_bytes=MB,
        )
        with Session(db_session.get_bind()) as another_process:  # the new row is not committed yet
            assert storage.sweep(another_process, folder).unreferenced_removed == 0

    assert orphan.exists()


def test_a_full_disk_is_a_message_to_try_later_and_leaves_no_part_of_the_file(store, folder, db_session, monkeypatch):
    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", disk_full)  # the bytes were written; making them durable fails
    message = refusal(store, factories.pdf_bytes(), "scan.pdf")
    assert "We could not store scan.pdf just now, so nothing was saved. Try again later" in message
    assert kept_files(folder) == [] and row_count(db_session) == 0


def test_any_other_failure_of_the_disk_is_not_hidden_as_a_message(store, monkeypatch):
    def denied(fd):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(storage.os, "fsync", denied)
    with pytest.raises(PermissionError):
        store(factories.pdf_bytes())
