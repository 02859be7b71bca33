"""Bytes to text for the read stage: binary files refused, encodings found.

Input is the raw bytes of one file; output is its text with ``\\n`` line
ends, or a ``BinaryFile`` / ``UndecodableFile`` reason the reader turns into
a skipped entry.
"""

from __future__ import annotations

import codecs

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

# Single-byte encodings charset-normalizer may pick for Western text where
# cp1252 (the common legacy encoding of English news sites) reads it as well.
WESTERN_SINGLE_BYTE = ("cp125", "latin", "iso8859", "mac_", "cp850", "cp437")


class UnreadableText(Exception):
    """The bytes are not text we can read; ``str(self)`` is the reason."""


def decode_text(data: bytes) -> str:
    """Decode a file's bytes to text with ``\\n`` line ends, or raise UnreadableText."""
    kind = binary_kind(data)
    if kind:
        raise UnreadableText(f"binary file ({kind})")
    text = decode_bytes(data)
    if text.count("\ufffd") > max(8, len(text) // 10):
        raise UnreadableText("undecodable text (no known encoding fits)")
    if control_characters(text) > max(4, len(text) // 100):
        raise UnreadableText("binary file (control characters)")
    return normalize_newlines(text)


def control_characters(text: str) -> int:
    """How many characters no text file holds (C0/C1 controls other than whitespace)."""
    return sum(1 for char in text if (char < " " and char not in "\n\r\t\f\v") or "\x7f" <= char < "\xa0")


def binary_kind(data: bytes) -> str | None:
    """Name the kind of binary file, or None for text: magic numbers first, then NUL bytes."""
    for magic, kind in MAGIC_NUMBERS:
        if data.startswith(magic):
            return kind
    if any(data.startswith(bom) for bom, _ in BYTE_ORDER_MARKS):
        return None
    if b"\x00" in data[:8192]:
        return "NUL bytes"
    return None


def decode_bytes(data: bytes) -> str:
    """BOM first, then strict UTF-8, then UTF-8 with stray bytes replaced, then a detected legacy encoding."""
    for bom, encoding in BYTE_ORDER_MARKS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
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
