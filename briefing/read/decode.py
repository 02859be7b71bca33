"""Bytes to text for the read stage: binary files refused, encodings found.

Input is the raw bytes of one file; output is its text with ``\\n`` line
ends, or an ``UnreadableText`` reason the reader turns into a skipped entry.
A NUL byte anywhere outside UTF-16/32 text makes a file binary (a few stray
control characters do not; they are dropped), and UTF-16 without a byte
order mark is recognised by its pattern of NUL bytes.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive"),
    (b"PK\x05\x06", "zip archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-zip archive"),
    (b"\x7fELF", "executable"),
    (b"\xd0\xcf\x11\xe0", "Office document"),
    (b"RIFF", "RIFF media file"),
    (b"OggS", "Ogg media file"),
    (b"ID3", "MP3 audio"),
)

BYTE_ORDER_MARKS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Office formats are zip or OLE files: name them, and say what to do instead.
DOCUMENT_SUFFIXES = {
    ".docx": "Word document",
    ".doc": "Word document",
    ".docm": "Word document",
    ".odt": "OpenDocument text",
    ".pages": "Pages document",
    ".epub": "EPUB book",
    ".xlsx": "Excel workbook",
    ".xls": "Excel workbook",
    ".ods": "OpenDocument spreadsheet",
    ".pptx": "PowerPoint presentation",
    ".ppt": "PowerPoint presentation",
}
UTF16_SAMPLE = 4096

# Single-byte encodings charset-normalizer may pick for Western text where
# cp1252 (the common legacy encoding of English news sites) reads it as well.
WESTERN_SINGLE_BYTE = ("cp125", "latin", "iso8859", "mac_", "cp850", "cp437")


class UnreadableText(Exception):
    """The bytes are not text we can read; ``str(self)`` is the reason."""


def decode_text(data: bytes, *, suffix: str = "") -> str:
    """Decode a file's bytes to text with ``\\n`` line ends, or raise UnreadableText.

    ``suffix`` (the file's, e.g. ".docx") only makes the reason for a binary file clearer."""
    kind = binary_kind(data)
    if kind:
        document = DOCUMENT_SUFFIXES.get(suffix.lower())
        if document:
            raise UnreadableText(f"binary file ({document}); save it as .txt or .html to read it")
        raise UnreadableText(f"binary file ({kind})")
    text = decode_bytes(data)
    if text.count("\ufffd") > max(8, len(text) // 10):
        raise UnreadableText("undecodable text (no known encoding fits)")
    if control_characters(text) > max(4, len(text) // 100):
        raise UnreadableText("binary file (control characters)")
    return drop_control_characters(normalize_newlines(text))


# C0/C1 controls other than the whitespace ones; one compiled class, because a
# per-character Python loop over a 10 MB feed costs a second.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def is_control(char: str) -> bool:
    """A character no text file holds (C0/C1 controls other than whitespace)."""
    return CONTROL_CHARACTER.fullmatch(char) is not None


def control_characters(text: str) -> int:
    """How many characters no text file holds."""
    return sum(1 for _ in CONTROL_CHARACTER.finditer(text))


def drop_control_characters(text: str) -> str:
    """The text without stray control characters (an escape, a bell); a form feed or
    vertical tab, which break pages, becomes a paragraph break."""
    text = text.replace("\f", "\n\n").replace("\v", "\n")
    return CONTROL_CHARACTER.sub("", text)


def binary_kind(data: bytes) -> str | None:
    """Name the kind of binary file, or None for text: magic numbers first, then NUL bytes."""
    for magic, kind in MAGIC_NUMBERS:
        if data.startswith(magic):
            return kind
    if any(data.startswith(bom) for bom, _ in BYTE_ORDER_MARKS) or utf16_without_bom(data):
        return None
    if b"\x00" in data:
        return "NUL bytes"
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the bytes read as UTF-16 text without a byte order
    mark: Latin-script text then has a NUL in (nearly) every other byte and nowhere else."""
    sample = data[:UTF16_SAMPLE]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, others, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.6 * len(zeros) and others.count(0) <= 0.02 * len(others):
            return encoding
    return None


def decode_bytes(data: bytes) -> str:
    """BOM first, then UTF-16 without one, then strict UTF-8, then UTF-8 with stray bytes replaced, then a detected legacy encoding."""
    for bom, encoding in BYTE_ORDER_MARKS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    utf16 = utf16_without_bom(data)
    if utf16:
        return data[: len(data) - len(data) % 2].decode(utf16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    replaced = lenient.count("\ufffd")
    well_formed = sum(1 for char in lenient if char > "\x7f" and char != "\ufffd")
    if well_formed > replaced:
        return lenient  # UTF-8 with a few stray bytes: keep the rest of the text
    return decode_legacy(data)


def decode_legacy(data: bytes) -> str:
    """A legacy single-byte (or CJK) encoding, as charset-normalizer judges it."""
    best = charset_normalizer.from_bytes(data).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding.startswith(WESTERN_SINGLE_BYTE):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    return data.decode(encoding, errors="replace")


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF; a BOM decoded as text is dropped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
