"""The one place that makes a notice's PDF: the letter's template (the same the portal's page shows) in the print
layout, through WeasyPrint. Rendering reads only the values kept on the notice, and fetches nothing."""

from flask import render_template
from weasyprint import HTML, URLFetcher

from portal.notices.models import LABELS, NoticeKind


def render_pdf(kind: NoticeKind, fields: dict) -> bytes:
    """The PDF of a notice of ``kind`` saying ``fields``: tagged (PDF/UA) so that a screen reader reads it."""
    page = render_template("notices/pdf.html", kind=kind, fields=fields, labels=LABELS)
    # No protocol allowed: nothing in a letter may reach out, whatever text was typed into it.
    return HTML(string=page, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf(pdf_variant="pdf/ua-1")
