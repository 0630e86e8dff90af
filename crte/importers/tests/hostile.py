"""A corpus of crafted files, built on the fly, each small on disk and costly to read if the
reader were naive: entity expansion, deep nesting, repeated spaces, zip bombs, a million
paragraphs, giant images, thousands of pages, compression bombs in PDF streams, malformed
and cyclic objects, binary text. Used by the tests and by bench/attack.py."""

import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

from docx import Document

ODT_MIME = b"application/vnd.oasis.opendocument.text"
ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
)


def odt(body: str, prolog: str = "") -> bytes:
    content = f'<?xml version="1.0"?>{prolog}<office:document-content {ODT_NS}><office:body><office:text>'
    content += body + "</office:text></office:body></office:document-content>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODT_MIME)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def odt_entities() -> bytes:
    """The « billion laughs »: ten levels of ten references, a gigabyte from 1 KB."""
    entities = '<!ENTITY l0 "rire">' + "".join(
        f'<!ENTITY l{n} "{"".join(f"&l{n - 1};" for _ in range(10))}">' for n in range(1, 10)
    )
    return odt("<text:p>&l9;</text:p>", f"<!DOCTYPE d [{entities}]>")


def odt_nested_spans(depth: int = 200_000) -> bytes:
    return odt("<text:p>" + "<text:span>" * depth + "x" + "</text:span>" * depth + "</text:p>")


def odt_space_repeats(count: int = 20_000) -> bytes:
    return odt("<text:p>" + '<text:s text:c="1000000000"/>' * count + "</text:p>")


def docx_bytes(build) -> bytes:
    document = Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """The same archive with one member replaced."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item.filename, content if item.filename == name else source.read(item))
    return buffer.getvalue()


def docx_body(inner: bytes, prolog: bytes = b"") -> bytes:
    base = docx_bytes(lambda d: d.add_paragraph("x"))
    xml = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + prolog + b"<w:document "
        b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + inner
        + b"</w:body></w:document>"
    )
    return replace_member(base, "word/document.xml", xml)


def docx_entities() -> bytes:
    entities = b'<!ENTITY l0 "rire">' + b"".join(
        b'<!ENTITY l%d "%s">' % (n, b"".join(b"&l%d;" % (n - 1) for _ in range(10))) for n in range(1, 10)
    )
    return docx_body(b"<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>", b"<!DOCTYPE d [" + entities + b"]>")


def docx_zip_ratio() -> bytes:
    """One member that inflates 1 000 times (50 MB of one byte)."""
    return docx_body(b"<w:p><w:r><w:t>" + b"a" * (50 * 1024**2) + b"</w:t></w:r></w:p>")


def docx_million_empty_paragraphs() -> bytes:
    return docx_body(b"<w:p/>" * 1_000_000)


def docx_many_paragraphs(count: int = 400_000) -> bytes:
    """Paragraphs of random words: little compression, so the archive's checks pass and only
    the reading's limits stop it."""
    words = random.Random(7)
    body = b"".join(
        b"<w:p><w:r><w:t>%x %x</w:t></w:r></w:p>" % (words.getrandbits(48), words.getrandbits(48))
        for _ in range(count)
    )
    return docx_body(body)


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is width x height pixels (its data is not there)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def docx_giant_image() -> bytes:
    def build(document):
        document.add_paragraph("Contrat")
        document.add_picture(io.BytesIO(png_header(60_000, 60_000)))

    try:
        return docx_bytes(build)
    except Exception:  # python-docx may refuse to measure it: the image goes in by hand
        base = docx_bytes(lambda d: d.add_paragraph("Contrat"))
        source, buffer = zipfile.ZipFile(io.BytesIO(base)), io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for item in source.infolist():
                archive.writestr(item.filename, source.read(item))
            archive.writestr("word/media/image1.png", png_header(60_000, 60_000))
        return buffer.getvalue()


def pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from its numbered objects (1-based), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    )
    return out.getvalue()


def pdf_stream_bomb(megabytes: int = 600) -> bytes:
    """One page whose content stream inflates to `megabytes` of text operators."""
    packer = zlib.compressobj(9)
    line = b"BT /F1 12 Tf 72 712 Td (x) Tj ET\n" * 32768
    compressed = b"".join(packer.compress(line) for _ in range(megabytes * 1024**2 // len(line)))
    compressed += packer.flush()
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(compressed)
            + compressed
            + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def pdf_many_pages(count: int = 5000) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_cyclic_pages() -> bytes:
    """A page tree whose node is its own kid, and a page without contents."""
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 9 0 R >>",
        ]
    )


def pdf_malformed() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\n" + bytes(range(256)) * 200 + b"\n%%EOF"


def csv_binary() -> bytes:
    return random.Random(3).randbytes(20_000)


CORPUS = {
    "entites.odt": odt_entities,
    "imbrication.odt": odt_nested_spans,
    "espaces.odt": odt_space_repeats,
    "entites.docx": docx_entities,
    "taux-zip.docx": docx_zip_ratio,
    "million-paragraphes.docx": docx_million_empty_paragraphs,
    "paragraphes-aleatoires.docx": docx_many_paragraphs,
    "image-geante.docx": docx_giant_image,
    "bombe-flux.pdf": pdf_stream_bomb,
    "5000-pages.pdf": pdf_many_pages,
    "pages-cycliques.pdf": pdf_cyclic_pages,
    "endommage.pdf": pdf_malformed,
    "binaire.csv": csv_binary,
}


def write_corpus(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, build in CORPUS.items():
        path = directory / name
        path.write_bytes(build())
        paths.append(path)
    return paths
