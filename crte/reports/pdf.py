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


def local_fetcher():
    """Documents are self-contained: only inline `data:` resources are read, never the
    network or the disk, whatever an attribute written by a user says."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def html_to_pdf(html: str) -> bytes:
    return _html_class()(string=html, url_fetcher=local_fetcher()).write_pdf()


def pdf_available() -> bool:
    try:
        _html_class()
    except PdfUnavailable:
        return False
    return True
