"""PDF from HTML with WeasyPrint, which needs the Pango system library (Debian package
libpango-1.0-0). Without it, a clear French error instead of a crash."""

from functools import cache


class PdfUnavailable(Exception):
    """PDF documents cannot be produced on this machine (French message)."""


@cache
def _html_class():
    try:
        from weasyprint import HTML  # loads Pango through ctypes at import
    except OSError as error:
        raise PdfUnavailable(
            "La génération des PDF demande la bibliothèque Pango (paquet Debian libpango-1.0-0), "
            "absente de ce serveur. Les documents restent disponibles en DOCX."
        ) from error
    return HTML


def html_to_pdf(html: str) -> bytes:
    return _html_class()(string=html).write_pdf()


def pdf_available() -> bool:
    try:
        _html_class()
    except PdfUnavailable:
        return False
    return True
