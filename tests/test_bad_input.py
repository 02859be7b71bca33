"""Bad input never crashes the run, hides the problem or loses a good article.

Each kind of bad input a user meets is built here and run through the command
line in this process (``briefing.cli.main``), mixed with two good articles
from different outlets: the run must end with the documented exit code, say
in one line which file was bad and why, and still bring every good article
into the brief (read back from its JSON form). Alone, an input that gives no
article makes the run fail with one ``error:`` line (exit 1). Options a user
can get wrong are checked the same way (exit 1, or 2 for usage errors).
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from briefing.cli import main
from briefing.read import read_inputs

GOOD_MERIDIAN = """---
title: Pipeline talks resume in Islamabad
outlet: Meridian Post
date: 2021-04-07
---
Pakistan and Russia resumed talks on the Pakistan Stream gas pipeline in Islamabad on Wednesday.
Energy Minister Hammad Azhar said the two sides had agreed on the shareholding of the project.
The pipeline will carry liquefied natural gas from Karachi to Lahore over 1,100 kilometres.
Officials said construction could begin later this year if financing is settled.
Russian Foreign Minister Sergei Lavrov also met Prime Minister Imran Khan during the visit.
Both countries pledged to expand trade and counter-terrorism cooperation.
"""

GOOD_HARBOUR = """---
title: Lavrov visit brings gas deal closer
outlet: Harbour Herald
date: 2021-04-08
---
Russian Foreign Minister Sergei Lavrov met Prime Minister Imran Khan in Islamabad on Wednesday.
The two sides agreed on the shareholding of the Pakistan Stream gas pipeline, Energy Minister Hammad Azhar said.
The 1,100-kilometre pipeline is meant to carry imported gas from Karachi to Lahore.
Russia offered to supply military equipment and to hold joint exercises, according to officials.
Analysts said the visit marked a warming of relations after decades of mistrust.
Trade between the countries remains small.
"""

BODY = (
    "Engineers finished the spillway of the Diamer dam on the Indus river on Monday.\n"
    "The water ministry said the reservoir would store enough water for two million farms.\n"
    "Local officials warned that the border road to the site remained closed after landslides.\n"
)


def front_matter(body: str = BODY, **fields: str) -> str:
    lines = [f"{key}: {value}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


@dataclass
class Bad:
    """What a case wrote: the inputs to pass and the name the warning must show."""

    inputs: list[str]
    where: str


@dataclass
class Case:
    kind: str
    make: Callable[[Path, pytest.MonkeyPatch], Bad]
    reason: str | None  # regex the warning naming ``where`` must match; None: no warning at all
    kept: bool = False  # the bad input still gives an article that reaches the brief
    check: Callable[[list[dict]], None] | None = None  # on the sources that came from the bad input
    marks: tuple = ()
    alone_marks: tuple = ()  # extra marks for the run with this input alone


CASES: list[Case] = []


def case(kind: str, reason: str | None, *, kept: bool = False, check=None, marks=(), alone_marks=()):
    def register(make):
        CASES.append(Case(kind, make, reason, kept, check, marks, alone_marks))
        return make

    return register


def write(path: Path, content: bytes | str) -> Bad:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return Bad([str(path)], str(path))


def titled(expected: str):
    def check(sources: list[dict]) -> None:
        assert [source["title"] for source in sources] == [expected]

    return check


def published(expected: str | None, basis: str | None = None):
    def check(sources: list[dict]) -> None:
        assert [source["published"] for source in sources] == [expected]
        if basis:
            assert [source["date_basis"] for source in sources] == [basis]

    return check


# --- files that are not text -------------------------------------------------------------------


@case("empty file", r"^empty file$")
def _(tmp, mp):
    return write(tmp / "empty.txt", b"")


@case("whitespace only", r"^empty file \(whitespace only\)$")
def _(tmp, mp):
    return write(tmp / "blank.md", " \n\t\n   \r\n\n")


@case("PNG image", r"binary file \(PNG image\)")
def _(tmp, mp):
    return write(tmp / "chart.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)))


@case("PDF document", r"binary file \(PDF document\)")
def _(tmp, mp):
    return write(tmp / "report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")


@case("zip archive", r"binary file \(zip archive\)")
def _(tmp, mp):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("story.txt", BODY)
    return write(tmp / "stories.zip", buffer.getvalue())


@case("Word .docx", r"binary file \(Word document\).*save it as")
def _(tmp, mp):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document><w:body><w:t>{BODY}</w:t></w:body></w:document>")
    return write(tmp / "story.docx", buffer.getvalue())


@case("gzip archive", r"binary file \(gzip archive\)")
def _(tmp, mp):
    import gzip

    return write(tmp / "story.txt.gz", gzip.compress(BODY.encode()))


@case("NUL bytes in the middle", r"binary file \(NUL bytes\)")
def _(tmp, mp):
    return write(tmp / "nul.txt", BODY.encode() + b"\x00\x00" + BODY.encode())


@case("one NUL byte past the first 8 KB", r"binary file \(NUL bytes\)")
def _(tmp, mp):
    text = (BODY * 60).encode()
    return write(tmp / "late-nul.txt", text[:9000] + b"\x00" + text[9000:])


@case("control characters", r"binary file \(control characters\)")
def _(tmp, mp):
    return write(tmp / "noise.txt", bytes(range(1, 9)) * 200)


@case("a device, not a file", r"not a regular file")
def _(tmp, mp):
    return Bad(["/dev/null"], "/dev/null")


@case("a named pipe", r"not a regular file")
def _(tmp, mp):
    path = tmp / "pipe.txt"
    os.mkfifo(path)
    return Bad([str(path)], str(path))


# --- encodings and line ends (read, not lost) -----------------------------------------------------

ACCENTED = front_matter("The délégation met in Zürich; the café owners said “no” to the plan.\n" + BODY,
                        title="Café talks in Zürich end", outlet="Lakeside Courier")


@case("invalid UTF-8 bytes", None, kept=True, check=titled("Café talks in Zürich end"))
def _(tmp, mp):
    return write(tmp / "stray.md", ACCENTED.encode() + b"\n\xff\xfe A stray \x81 byte is here.\n")


@case("UTF-16 with BOM", None, kept=True, check=titled("Café talks in Zürich end"))
def _(tmp, mp):
    return write(tmp / "utf16.md", ACCENTED.encode("utf-16"))


@case("UTF-16 without BOM", None, kept=True, check=titled("Café talks in Zürich end"))
def _(tmp, mp):
    return write(tmp / "utf16le.md", ACCENTED.encode("utf-16-le"))


@case("UTF-16 big-endian without BOM", None, kept=True, check=titled("Café talks in Zürich end"))
def _(tmp, mp):
    return write(tmp / "utf16be.md", ACCENTED.encode("utf-16-be"))


@case("UTF-32 with BOM", None, kept=True, check=titled("Café talks in Zürich end"))
def _(tmp, mp):
    return write(tmp / "utf32.md", ACCENTED.encode("utf-32"))


@case("UTF-8 BOM before front matter", None, kept=True, check=titled("Café talks in Zürich end"))
def _(tmp, mp):
    return write(tmp / "bom.md", ACCENTED.encode("utf-8-sig"))


@case("Latin-1", None, kept=True, check=titled("Café talks in Zürich end"))
def _(tmp, mp):
    return write(tmp / "latin1.md", ACCENTED.replace("“", '"').replace("”", '"').encode("latin-1"))


@case("Windows-1252", None, kept=True, check=titled("Minister’s “historic” visit — talks end"))
def _(tmp, mp):
    text = front_matter("The minister’s “historic” visit — as aides called it — ended on Friday.\n" + BODY,
                        title="Minister’s “historic” visit — talks end", outlet="Lakeside Courier")
    return write(tmp / "cp1252.md", text.encode("cp1252"))


@case("mixed line endings", None, kept=True, check=titled("Mixed endings"))
def _(tmp, mp):
    text = "---\r\ntitle: Mixed endings\routlet: Lakeside Courier\n---\r\n" + BODY.replace("\n", "\r\n", 1).replace("\n", "\r", 2)
    return write(tmp / "mixed.md", text)


# --- odd but readable text -----------------------------------------------------------------------


@case("no sentence punctuation at all", None, kept=True)
def _(tmp, mp):
    words = re.sub(r"[.,;:]", "", BODY).replace("\n", " ")
    return write(tmp / "nopunct.txt", f"outlet unknown\n\n{words} {words}\n")


@case("non-English text", None, kept=True)
def _(tmp, mp):
    text = front_matter(
        "Die Regierung in Berlin hat am Montag neue Gaslieferungen aus Norwegen vereinbart.\n"
        "Der Wirtschaftsminister sagte, die Preise würden im Winter sinken.\n"
        "北京周一宣布将扩大天然气进口。能源部长表示价格将在冬季下降。\n"
        "وزیر خارجہ نے پیر کو اسلام آباد میں روسی ہم منصب سے ملاقات کی۔\n",
        title="Gas aus Norwegen", outlet="Rheinische Rundschau",
    )
    return write(tmp / "deutsch.md", text)


@case("emoji and symbols only", r"no (article )?text", marks=())
def _(tmp, mp):
    return write(tmp / "emoji.txt", "😀 🚀 !!! ??? … ★★★ ➡️ ✔️\n")


@case("title-only Markdown", r"no (article )?text")
def _(tmp, mp):
    return write(tmp / "headline.md", "# Talks resume in Islamabad\n")


@case("HTML page with no article body", r"no (article )?text")
def _(tmp, mp):
    return write(tmp / "home.html", (
        "<!doctype html><html><head><title>Home</title><style>body{color:red}</style>"
        "<script>var tracking = 1;</script></head><body><nav><a href='/'>Home</a> "
        "<a href='/about'>About</a></nav></body></html>"
    ))


@case("a 100,000-character word", None, kept=True)
def _(tmp, mp):
    return write(tmp / "longword.txt", BODY + "Then came " + "ab" * 50_000 + " and nothing else.\n")


# --- dates ---------------------------------------------------------------------------------------


@case("date in the future", r"2999-01-01 is in the future", kept=True, check=published(None, "none"))
def _(tmp, mp):
    return write(tmp / "future.md", front_matter(title="Future", outlet="Lakeside Courier", date="2999-01-01"))


@case("date before 1990", r"1985-06-01 is before 1990", kept=True, check=published(None, "none"))
def _(tmp, mp):
    return write(tmp / "old.md", front_matter(title="Old", outlet="Lakeside Courier", date="1985-06-01"))


@case("impossible date (31 February)", r"2021-02-31.*not a (real )?date", kept=True, check=published(None, "none"))
def _(tmp, mp):
    return write(tmp / "feb31.md", front_matter(title="Feb", outlet="Lakeside Courier", date="2021-02-31"))


@case("ambiguous date 03/04/2021 (day first)", None, kept=True, check=published("2021-04-03", "front_matter"))
def _(tmp, mp):
    return write(tmp / "ambiguous.md", front_matter(title="Ambiguous", outlet="Lakeside Courier", date="03/04/2021"))


@case("no dates anywhere", None, kept=True, check=published(None, "none"))
def _(tmp, mp):
    return write(tmp / "undated.txt", BODY)


# --- structured formats gone wrong ---------------------------------------------------------------


@case("front matter never closed", None, kept=True)
def _(tmp, mp):
    return write(tmp / "unclosed.md", "---\ntitle: Unclosed\noutlet: Lakeside Courier\n\n" + BODY)


@case("front matter that is not valid YAML", r"front matter is not valid YAML .*; read as text", kept=True)
def _(tmp, mp):
    return write(tmp / "badfront.md", "---\ntitle: Broken\nthis line has no colon\n---\n" + BODY)


def jsonl(*lines: str) -> str:
    return "\n".join(lines) + "\n"


GOOD_LINE = json.dumps({"text": BODY, "outlet": "Lakeside Courier", "title": "Dam done"})


@case("JSONL with a line that is not JSON", r"^not valid JSON", kept=True)
def _(tmp, mp):
    bad = write(tmp / "feed.jsonl", jsonl(GOOD_LINE, '{"text": "cut off', GOOD_LINE.replace("Dam done", "Dam two")))
    return Bad(bad.inputs, f"{bad.where}:2")


@case("JSONL line that is not an object", r"not a JSON object", kept=True)
def _(tmp, mp):
    bad = write(tmp / "list.jsonl", jsonl(GOOD_LINE, '["text", "a list"]'))
    return Bad(bad.inputs, f"{bad.where}:2")


@case("JSONL with text null", r'"text" is (null|missing)', kept=True)
def _(tmp, mp):
    bad = write(tmp / "null.jsonl", jsonl(GOOD_LINE, '{"text": null, "title": "Nothing"}'))
    return Bad(bad.inputs, f"{bad.where}:2")


@case("JSONL with text not a string", r'"text" is not a string', kept=True)
def _(tmp, mp):
    bad = write(tmp / "number.jsonl", jsonl('{"text": 42}', GOOD_LINE))
    return Bad(bad.inputs, f"{bad.where}:1")


@case("feed with zero entries", r"feed without entries")
def _(tmp, mp):
    return write(tmp / "empty.rss", '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>')


@case("malformed feed", r"unreadable feed|feed without entries")
def _(tmp, mp):
    return write(tmp / "broken.rss", '<?xml version="1.0"?><rss version="2.0"><channel><title>Cut</title><item><titl')


@case("feed entry without text", r"feed entry without text")
def _(tmp, mp):
    bad = write(tmp / "titles.rss", (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        "<item><title>Headline only</title><link>https://example.com/1</link></item></channel></rss>"
    ))
    return Bad(bad.inputs, f"{bad.where}#1")


@case("malformed sources.toml sidecar", r"sidecar not used", kept=True)
def _(tmp, mp):
    folder = tmp / "withsidecar"
    write(folder / "story.txt", BODY)
    write(folder / "sources.toml", '["story.txt"\noutlet = "Dawn"\n')
    return Bad([str(folder)], str(folder / "sources.toml"))


# --- paths ---------------------------------------------------------------------------------------


@case("missing input path", r"^no such file or directory$")
def _(tmp, mp):
    return Bad([str(tmp / "nope.txt")], str(tmp / "nope.txt"))


@case("glob matching nothing", r"^no files match this pattern$")
def _(tmp, mp):
    pattern = str(tmp / "*.nothing")
    return Bad([pattern], pattern)


def sidecar_applied(sources: list[dict]) -> None:
    assert [(Path(source["path"]).name, source["outlet"]) for source in sources] == [("story.txt", "Sidecar Times")]


@case("glob matching a sidecar and a stylesheet too", None, kept=True, check=sidecar_applied)
def _(tmp, mp):
    folder = tmp / "globbed"
    write(folder / "story.txt", BODY)
    write(folder / "sources.toml", '["story.txt"]\noutlet = "Sidecar Times"\n')
    write(folder / "style.css", "body { color: red }")
    return Bad([str(folder / "*")], str(folder / "*"))


@case("glob matching only data files", r"^no article files match this pattern$")
def _(tmp, mp):
    write(tmp / "style.css", "body { color: red }")
    write(tmp / "data.json", '{"text": "not an article file"}')
    return Bad([str(tmp / "*.*s*")], str(tmp / "*.*s*"))


def marked_as_copy(sources: list[dict]) -> None:
    assert len(sources) == 2 and sources[0]["duplicate_of"] is None and sources[1]["duplicate_of"] == sources[0]["id"]


@case("the same file named twice", None, kept=True, check=marked_as_copy)
def _(tmp, mp):
    bad = write(tmp / "twice.md", front_matter(title="Twice", outlet="Lakeside Courier", date="2021-04-05"))
    return Bad([bad.where, bad.where], bad.where)


@case("only a byte order mark", r"^empty file \(whitespace only\)$")
def _(tmp, mp):
    return write(tmp / "bom-only.txt", "\ufeff".encode("utf-8"))


@case("JSON Lines with blank lines only", r"^empty file \(whitespace only\)$")
def _(tmp, mp):
    return write(tmp / "blank.jsonl", "\n\n  \n")


@case("form feeds and stray escape codes", None, kept=True)
def _(tmp, mp):
    return write(tmp / "escapes.txt", BODY.replace("\n", "\f", 1).replace("water", "\x1b[1mwater\x1b[0m", 1))


@case("folder with no articles", r"no article files")
def _(tmp, mp):
    folder = tmp / "assets"
    write(folder / "style.css", "body {}")
    write(folder / "data.json", "{}")
    return Bad([str(folder)], str(folder))


@case("empty folder", r"no article files")
def _(tmp, mp):
    folder = tmp / "nothing"
    folder.mkdir()
    return Bad([str(folder)], str(folder))


@case("symbolic link loop", r"symbolic link loop")
def _(tmp, mp):
    (tmp / "loop-a.txt").symlink_to(tmp / "loop-b.txt")
    (tmp / "loop-b.txt").symlink_to(tmp / "loop-a.txt")
    return Bad([str(tmp / "loop-a.txt")], str(tmp / "loop-a.txt"))


def read_once(sources: list[dict]) -> None:
    assert [Path(source["path"]).name for source in sources] == ["story.txt"]


@case("folder linking to itself", r"symbolic link loop", kept=True, check=read_once)
def _(tmp, mp):
    folder = tmp / "looped"
    write(folder / "story.txt", BODY)
    (folder / "again").symlink_to(folder)
    return Bad([str(folder)], str(folder / "again"))


@case("broken symbolic link", r"broken symbolic link")
def _(tmp, mp):
    (tmp / "dangling.txt").symlink_to(tmp / "gone.txt")
    return Bad([str(tmp / "dangling.txt")], str(tmp / "dangling.txt"))


@case(
    "unreadable file (chmod 000)", r"permission denied",
    marks=(pytest.mark.skipif(os.geteuid() == 0, reason="root reads chmod 000 files; see the simulated case"),),
)
def _(tmp, mp):
    bad = write(tmp / "locked" / "secret.txt", BODY)
    Path(bad.where).chmod(0)
    return Bad([str(tmp / "locked")], bad.where)


@case("unreadable file in a folder (simulated, works as root)", r"permission denied")
def _(tmp, mp):
    bad = write(tmp / "locked" / "secret.txt", BODY)
    locked = Path(bad.where)
    original = Path.read_bytes

    def refuse(self):
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    mp.setattr(Path, "read_bytes", refuse)
    return Bad([str(tmp / "locked")], bad.where)


@case("file name with a newline in it", r"empty file")
def _(tmp, mp):
    bad = write(tmp / "two\nlines.txt", b"")
    return Bad(bad.inputs, str(tmp / "two lines.txt"))  # the warning stays one line


@case("file over the size limit (100 MB)", r"file too large \(\d+ bytes, limit \d+\)")
def _(tmp, mp):
    path = tmp / "huge.txt"
    line = (BODY.replace("\n", " ") + "\n").encode()
    with path.open("wb") as handle:
        block = line * (1024 * 1024 // len(line) + 1)
        for _ in range(100):
            handle.write(block)
    return Bad([str(path)], str(path))


# --- standard input ------------------------------------------------------------------------------


def stdin_bytes(mp: pytest.MonkeyPatch, data: bytes) -> Bad:
    mp.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    return Bad(["-"], "<stdin>")


@case("stdin empty", r"^empty input$")
def _(tmp, mp):
    return stdin_bytes(mp, b"")


@case("stdin binary", r"binary file \(PNG image\)")
def _(tmp, mp):
    return stdin_bytes(mp, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


@case("stdin in Windows-1252", None, kept=True)
def _(tmp, mp):
    return stdin_bytes(mp, ("The minister’s “historic” visit ended.\n" + BODY).encode("cp1252"))


@case("standard input closed (build - <&-)", r"^standard input is closed$")
def _(tmp, mp):
    mp.setattr(sys, "stdin", None)  # what Python makes of a closed descriptor 0
    return Bad(["-"], "<stdin>")


# --- inputs that once took the whole run down -------------------------------------------------------


@case("article longer than spaCy takes (cut at a paragraph)", r"^article of 20\d{3} characters; only the first \d+ are analysed$",
      kept=True)
def _(tmp, mp):
    import briefing.read

    mp.setattr(briefing.read, "MAX_ARTICLE_CHARS", 5_000)  # the real limit, 1,000,000, is tested below
    paragraphs = [f"Paragraph {number}: " + BODY.replace("\n", " ") for number in range(80)]
    return write(tmp / "long.txt", "\n\n".join(paragraphs)[:20_500])


@case("JSONL line nested past the recursion limit", r"^JSON nested too deeply$", kept=True)
def _(tmp, mp):
    deep = '{"text": ' * 100_000 + '"x"' + "}" * 100_000
    bad = write(tmp / "deep.jsonl", jsonl(GOOD_LINE, deep))
    return Bad(bad.inputs, f"{bad.where}:2")


@case("file name that is not valid UTF-8", r"^file name is not valid UTF-8", kept=True,
      check=lambda sources: [source["path"][-11:] for source in sources] == ["caf\\xe9.txt"])
def _(tmp, mp):
    folder = tmp / "latin1-names"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/caf\xe9.txt", "w") as story:  # a Latin-1 name: bytes, not UTF-8
        story.write(BODY)
    return Bad([str(folder)], f"{folder}/caf\\xe9.txt")


@case("sources.toml nested past the recursion limit", r"sidecar not used \(nested too deeply\)", kept=True)
def _(tmp, mp):
    folder = tmp / "deepsidecar"
    write(folder / "story.txt", BODY)
    write(folder / "sources.toml", "x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    return Bad([str(folder)], str(folder / "sources.toml"))


def only_the_story(sources: list[dict]) -> None:
    assert [Path(source["path"]).name for source in sources] == ["story.txt"]


@case("the output folder of an earlier run inside the input folder",
      r"^2 files written by briefing here are not read as input$", kept=True, check=only_the_story)
def _(tmp, mp):
    from briefing.outputs import record_output

    folder = tmp / "desk"
    write(folder / "story.txt", BODY)
    for name in ("2021-04-07-dam.md", "2021-04-07-dam.html"):
        write(folder / "out" / name, f"# Dam\n\n{GOOD_MERIDIAN}")
        record_output(folder / "out" / name)  # as rendering does for every file it writes
    return Bad([str(folder)], str(folder / "out"))


@case("a glob matching an earlier run's output beside the articles",
      r"^1 files written by briefing match it and are not read as input$", kept=True, check=only_the_story)
def _(tmp, mp):
    from briefing.outputs import record_output

    folder = tmp / "desk"
    write(folder / "story.txt", BODY)
    write(folder / "2021-04-07-dam.txt", GOOD_MERIDIAN)
    record_output(folder / "2021-04-07-dam.txt")
    return Bad([str(folder / "*.txt")], str(folder / "*.txt"))


@case("symbolic link to a file outside the folder", r"^symbolic link to outside the folder .*; not followed$",
      kept=True, check=only_the_story)
def _(tmp, mp):
    folder = tmp / "shared"
    write(folder / "story.txt", BODY)
    write(tmp / "private" / "diary.txt", GOOD_HARBOUR.replace("Harbour Herald", "Private Diary"))
    (folder / "diary.txt").symlink_to(tmp / "private" / "diary.txt")
    return Bad([str(folder)], str(folder / "diary.txt"))


@case("symbolic link to a folder outside the folder", r"^symbolic link to outside the folder .*; not followed$",
      kept=True, check=only_the_story)
def _(tmp, mp):
    folder = tmp / "shared"
    write(folder / "story.txt", BODY)
    write(tmp / "home" / "notes" / "diary.txt", BODY.replace("Diamer", "Private"))
    (folder / "notes").symlink_to(tmp / "home" / "notes")
    return Bad([str(folder)], str(folder / "notes"))


# --- running -------------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    stdout: str
    stderr: list[str] = field(default_factory=list)

    def warnings_naming(self, where: str) -> list[str]:
        """Warning lines about ``where`` (or one of its entries: "feed.rss#2", "a.jsonl:3")."""
        named = re.compile(rf"^warning: {re.escape(where)}(?:#\d+|:\d+)?: ")
        return [line for line in self.stderr if named.match(line)]


def run_cli(capsys, *args: str) -> Run:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err.splitlines())


@pytest.fixture
def goods(tmp_path: Path) -> list[str]:
    folder = tmp_path / "good"
    folder.mkdir()
    (folder / "meridian.md").write_text(GOOD_MERIDIAN)
    (folder / "harbour.md").write_text(GOOD_HARBOUR)
    return [str(folder / "meridian.md"), str(folder / "harbour.md")]


def build_json(capsys, tmp_path: Path, inputs: list[str], *options: str) -> tuple[Run, dict | None]:
    out = tmp_path / "out"
    run = run_cli(capsys, "build", *inputs, "-o", str(out), "-f", "json", "--no-cache", "--jobs", "1", *options)
    written = sorted(out.glob("*.json")) if out.is_dir() else []
    return run, json.loads(written[0].read_text()) if written else None


def assert_only_one_line_messages(run: Run) -> None:
    assert all(line.startswith(("warning: ", "error: ")) for line in run.stderr), run.stderr


def params(cases: list[Case], *, alone: bool = False):
    return [pytest.param(item, id=item.kind, marks=(*item.marks, *(item.alone_marks if alone else ()))) for item in cases]


@pytest.mark.parametrize("bad_case", params(CASES))
def test_bad_input_among_good_articles(bad_case: Case, goods, tmp_path, capsys, monkeypatch):
    (tmp_path / "bad").mkdir()
    bad = bad_case.make(tmp_path / "bad", monkeypatch)
    run, brief = build_json(capsys, tmp_path, [goods[0], *bad.inputs, goods[1]])
    assert run.code == 0, run.stderr
    assert_only_one_line_messages(run)
    named = run.warnings_naming(bad.where)
    if bad_case.reason is None:
        assert named == [], run.stderr
    else:
        assert len(named) == 1, run.stderr
        assert re.search(bad_case.reason, named[0].split(": ", 2)[2]), named
    paths = [source["path"] for source in brief["sources"]]
    assert goods[0] in paths and goods[1] in paths
    from_bad = [source for source in brief["sources"] if source["path"] not in goods]
    if bad_case.kept:
        assert from_bad, paths
    else:
        assert from_bad == [], paths
    if bad_case.check:
        bad_case.check(from_bad)
    assert {source["outlet"] for source in brief["sources"] if source["path"] in goods} == {"Meridian Post", "Harbour Herald"}


SKIPPED = [item for item in CASES if not item.kept and item.reason]


@pytest.mark.parametrize("bad_case", params(SKIPPED, alone=True))
def test_bad_input_alone_fails_with_one_error_line(bad_case: Case, tmp_path, capsys, monkeypatch):
    (tmp_path / "bad").mkdir()
    bad = bad_case.make(tmp_path / "bad", monkeypatch)
    run, brief = build_json(capsys, tmp_path, bad.inputs)
    assert run.code == 1, run.stderr
    assert brief is None
    assert_only_one_line_messages(run)
    assert len(run.warnings_naming(bad.where)) == 1, run.stderr
    assert run.stderr[-1].startswith("error: ") and "no readable article" in run.stderr[-1]
    assert all(name in run.stderr[-1] for name in bad.inputs if "\n" not in name)


def test_only_one_article_gives_a_brief_with_one_source(goods, tmp_path, capsys):
    run, brief = build_json(capsys, tmp_path, goods[:1])
    assert run.code == 0, run.stderr
    assert [source["path"] for source in brief["sources"]] == goods[:1]
    assert brief["summary"] and all(claim["agreement"] == 1 for claim in brief["summary"])


def test_hundreds_of_identical_articles_count_as_one_outlet(goods, tmp_path, capsys):
    folder = tmp_path / "copies"
    folder.mkdir()
    copy = front_matter(title="Dam done", outlet="Lakeside Courier", date="2021-04-06")
    for number in range(300):
        (folder / f"copy{number:03d}.md").write_text(copy)
    run, brief = build_json(capsys, tmp_path, [*goods, str(folder)])
    assert run.code == 0, run.stderr
    copies = [source for source in brief["sources"] if source["path"].startswith(str(folder))]
    assert len(copies) == 300
    originals = [source for source in copies if source["duplicate_of"] is None]
    assert len(originals) == 1
    assert all(source["duplicate_of"] == originals[0]["id"] for source in copies if source is not originals[0])
    claims = [*brief["summary"], *(claim for story in brief["stories"] for claim in story["summary"])]
    assert claims and all(claim["agreement"] <= 3 for claim in claims)


def test_many_tiny_files_are_all_read(goods, tmp_path, capsys):
    folder = tmp_path / "tiny"
    folder.mkdir()
    for number in range(500):
        (folder / f"note{number:03d}.txt").write_text(f"Note {number} says the dam gate {number} opened.\n")
    run, brief = build_json(capsys, tmp_path, [*goods, str(folder)])
    assert run.code == 0, run.stderr
    assert len(brief["sources"]) == 502
    assert {source["path"] for source in brief["sources"]} >= set(goods)


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path):
    """Memory stays bounded: the size is checked before any byte is read."""
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.write(b"x" * (8 * 1024 * 1024))
    good = tmp_path / "good.txt"
    good.write_text(BODY)
    tracemalloc.start()
    try:
        result = read_inputs([big, good], max_bytes=1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(entry.path, entry.reason) for entry in result.skipped] == [
        (str(big), f"file too large ({8 * 1024 * 1024} bytes, limit {1024 * 1024})")
    ]
    assert [article.path for article in result.articles] == [str(good)]
    assert peak < 1024 * 1024


# --- options a user gets wrong ---------------------------------------------------------------------


@dataclass
class OptionCase:
    kind: str
    args: Callable[[Path, list[str]], list[str]]  # from (tmp, good inputs) to the whole command line
    code: int
    message: str  # regex the one error line must match
    marks: tuple = ()
    env: dict[str, str] = field(default_factory=dict)


def bad_toml(tmp: Path, text: str) -> str:
    path = tmp / "bad.toml"
    path.write_text(text)
    return str(path)


BROKEN_TOML = '[themes.water]\nlabel = "Water"\nlemmas = [dam, "river"]\n'
UNCLOSED_TOML = '[themes.water]\nlabel = "Water"\nlemmas = ["dam", "river"\n'
WRONG_SHAPE_TOML = '[themes.water]\nlabel = "Water"\nlemmas = "dam"\n'
NAN_WEIGHT_TOML = '[themes.water]\nlabel = "Water"\nweight = nan\n'
ESCAPE_TEMPLATE = "{{ cycler.__init__.__globals__.os.popen('id').read() }}\n"


def fifo(path: Path) -> str:
    os.mkfifo(path)
    return str(path)


def templates(tmp: Path, name: str, text: str) -> str:
    folder = tmp / "my-templates"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)
    return str(folder)

OPTION_CASES = [
    OptionCase("--as-of impossible date", lambda t, g: ["build", *g, "--as-of", "2021-02-31"], 2, r"--as-of.*2021-02-31"),
    OptionCase("--as-of not a date", lambda t, g: ["build", *g, "--as-of", "yesterday"], 2, r"--as-of.*yesterday"),
    OptionCase("-f unknown", lambda t, g: ["build", *g, "-f", "pdf,docx"], 2, r"-f.*unknown format docx"),
    OptionCase("-f empty", lambda t, g: ["build", *g, "-f", ","], 2, r"-f.*unknown format"),
    OptionCase("--jobs 0", lambda t, g: ["build", *g, "--jobs", "0"], 2, r"--jobs.*'0'"),
    OptionCase("--paper unknown", lambda t, g: ["build", *g, "--paper", "B5"], 2, r"--paper.*B5"),
    OptionCase("--words not a number", lambda t, g: ["summarize", *g, "--words", "many"], 2, r"--words.*many"),
    OptionCase("no input at all", lambda t, g: ["build"], 2, r"INPUT"),
    OptionCase("unknown command", lambda t, g: ["brief", *g], 2, r"invalid choice: 'brief'"),
    OptionCase("--themes missing", lambda t, g: ["build", *g, "--themes", str(t / "none.toml")], 1, r"none\.toml: cannot read"),
    OptionCase("--themes bad TOML", lambda t, g: ["build", *g, "--themes", bad_toml(t, BROKEN_TOML)], 1, r"bad\.toml:3: "),
    OptionCase("--themes wrong shape", lambda t, g: ["build", *g, "--themes", bad_toml(t, WRONG_SHAPE_TOML)], 1, r"bad\.toml:3: .*lemmas"),
    OptionCase("--themes unclosed array", lambda t, g: ["build", *g, "--themes", bad_toml(t, UNCLOSED_TOML)], 1,
               r"bad\.toml: .*end of document"),
    OptionCase("themes command, bad TOML", lambda t, g: ["themes", "--themes", bad_toml(t, BROKEN_TOML)], 1, r"bad\.toml:3: "),
    OptionCase("--aliases bad TOML", lambda t, g: ["build", *g, "--aliases", bad_toml(t, "[aliases\n")], 1, r"bad\.toml:1: "),
    OptionCase("-o under a regular file", lambda t, g: ["build", *g, "-o", str(write(t / "afile", "x").where) + "/sub"], 1,
               r"afile/sub.*cannot write"),
    OptionCase("email with nowhere to send", lambda t, g: ["email", *g, "--to", "a@example.com"], 1, r"--eml|--smtp"),
    OptionCase("--templates missing folder", lambda t, g: ["build", *g, "--templates", str(t / "notemplates")], 1, r"notemplates"),
    OptionCase("--styles missing folder", lambda t, g: ["build", *g, "--styles", str(t / "nostyles")], 1, r"nostyles"),
    OptionCase("--themes /dev/zero (never ends)", lambda t, g: ["build", *g, "--themes", "/dev/zero"], 1,
               r"/dev/zero: cannot read \(not a regular file\)"),
    OptionCase("--themes a named pipe", lambda t, g: ["build", *g, "--themes", fifo(t / "themes.toml")], 1,
               r"themes\.toml: cannot read \(not a regular file\)"),
    OptionCase("--themes nested past the recursion limit",
               lambda t, g: ["build", *g, "--themes", bad_toml(t, "x = " + "[" * 50_000 + "]" * 50_000)], 1,
               r"bad\.toml: nested too deeply"),
    OptionCase("--themes weight = nan", lambda t, g: ["build", *g, "--themes", bad_toml(t, NAN_WEIGHT_TOML)], 1,
               r"bad\.toml:3: theme 'water': 'weight' must be a finite number"),
    OptionCase("--themes weight = inf", lambda t, g: ["build", *g, "--themes", bad_toml(t, NAN_WEIGHT_TOML.replace("nan", "inf"))],
               1, r"bad\.toml:3: theme 'water': 'weight' must be a finite number"),
    OptionCase("-o empty", lambda t, g: ["build", *g, "-o", ""], 2, r"-o/--output: the output folder is empty"),
    OptionCase("--templates empty", lambda t, g: ["build", *g, "--templates", ""], 2, r"--templates: the path is empty"),
    OptionCase("--styles empty", lambda t, g: ["build", *g, "--styles", ""], 2, r"--styles: the path is empty"),
    OptionCase("--to not an address", lambda t, g: ["email", *g, "--to", "not an address <<>>@@", "--from", "desk@example.com",
                                                     "--eml", str(t / "m.eml")],
               1, r"--to: 'not an address <<>>@@' is not an email address"),
    OptionCase("--from with a header in it", lambda t, g: ["email", *g, "--to", "a@example.com", "--from",
                                                            "a@example.com\r\nBcc: b@example.com", "--eml", str(t / "m.eml")],
               1, r"--from: .* is not an email address"),
    OptionCase("--as-of 0001-01-01", lambda t, g: ["build", *g, "--as-of", "0001-01-01"], 2,
               r"--as-of: '0001-01-01' is not between 1900-01-01 and"),
    OptionCase("--as-of in year 9999", lambda t, g: ["build", *g, "--as-of", "9999-12-31"], 2, r"--as-of: '9999-12-31' is not between"),
    OptionCase("--scheduler not an address", lambda t, g: ["build", *g, "--engine", "dask", "--scheduler", "not a url"], 1,
               r"--scheduler: 'not a url' is not a scheduler address"),
    OptionCase("SOURCE_DATE_EPOCH in year 10000", lambda t, g: ["build", *g], 1, r"SOURCE_DATE_EPOCH: '253402300800'",
               env={"SOURCE_DATE_EPOCH": "253402300800"}),
    OptionCase("SOURCE_DATE_EPOCH not a number", lambda t, g: ["build", *g], 1, r"SOURCE_DATE_EPOCH: 'yesterday'",
               env={"SOURCE_DATE_EPOCH": "yesterday"}),
    OptionCase("-o a device", lambda t, g: ["build", *g, "-o", "/dev/null"], 1, r"/dev/null: cannot write: not a folder"),
    OptionCase("--eml a named pipe", lambda t, g: ["email", *g, "--to", "a@example.com", "--from", "desk@example.com",
                                                   "--eml", fifo(t / "m.eml")], 1,
               r"m\.eml: cannot write: not a regular file"),
    OptionCase("--eml a folder", lambda t, g: ["email", *g, "--to", "a@example.com", "--from", "desk@example.com",
                                               "--eml", str(t)], 1,
               r"cannot write: a folder"),
    OptionCase("a user template that fails while rendering",
               lambda t, g: ["build", *g, "-f", "md", "--templates", templates(t, "brief.md.j2", "# Brief\n\n{{ 1 // 0 }}\n")], 1,
               r"/brief\.md\.j2:3: ZeroDivisionError: integer division or modulo by zero"),
    OptionCase("a user template that reaches past the sandbox",
               lambda t, g: ["build", *g, "-f", "md", "--templates", templates(t, "brief.md.j2", ESCAPE_TEMPLATE)], 1,
               r"/brief\.md\.j2:1: .*not allowed in the template sandbox"),
]


@pytest.mark.parametrize("option_case", [pytest.param(c, id=c.kind, marks=c.marks) for c in OPTION_CASES])
def test_option_problems_are_one_line_and_the_right_exit_code(option_case: OptionCase, goods, tmp_path, capsys, monkeypatch):
    for name, value in option_case.env.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "out"
    args = option_case.args(tmp_path, goods)
    if args[0] == "build" and "-o" not in args:
        args += ["-o", str(out)]
    capsys.readouterr()
    try:
        code = main([*args, "--no-cache"] if args[0] in ("build", "summarize", "email") and len(args) > 1 else args)
    except SystemExit as usage:
        code = usage.code
    err = capsys.readouterr().err.strip().splitlines()
    assert code == option_case.code, err
    last = err[-1] if err else ""
    assert re.search(option_case.message, last), err
    assert "Traceback" not in "\n".join(err)
    if option_case.code == 1:
        assert last.startswith("error: ") and len([line for line in err if line.startswith("error: ")]) == 1
    assert not (out.is_dir() and any(out.iterdir()))


@pytest.mark.slow
def test_a_single_50000_word_line_builds_in_bounded_time(goods, tmp_path: Path):
    """No sentence ends, no paragraph breaks: the article is still read and analysed, in bounded time."""
    words = re.sub(r"[.,]", "", BODY).split()
    line = " ".join(words[number % len(words)] for number in range(50_000))
    path = tmp_path / "oneline.txt"
    path.write_text(line + "\n")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "briefing.cli", "build", goods[0], str(path), goods[1],
               "-o", str(out), "-f", "json", "--no-cache", "--jobs", "1"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("a 50,000-word line took over 60 s to build")
    assert result.returncode == 0, result.stderr
    brief = json.loads(next(out.glob("*.json")).read_text())
    assert str(path) in [source["path"] for source in brief["sources"]]


def test_stray_control_characters_are_dropped_and_a_form_feed_breaks_the_paragraph(tmp_path: Path):
    path = tmp_path / "escapes.txt"
    path.write_bytes(b"First paragraph ends here.\x0cSecond \x1b[1mparagraph\x1b[0m starts.\x07\n")
    [article] = read_inputs([path]).articles
    assert article.text == "First paragraph ends here.\n\nSecond [1mparagraph[0m starts.\n"


# --- limits that keep one input from taking the run down ---------------------------------------------


@pytest.fixture
def briefing_log(caplog, monkeypatch):
    """The briefing logger's records, even after a ``main()`` run has stopped its propagation."""
    monkeypatch.setattr(logging.getLogger("briefing"), "propagate", True)
    caplog.set_level(logging.INFO, logger="briefing")
    return caplog


def test_an_article_over_a_million_characters_is_cut_to_what_spacy_takes(tmp_path: Path, briefing_log):
    from briefing.read import MAX_ARTICLE_CHARS

    paragraph = BODY.replace("\n", " ")
    path = tmp_path / "huge-article.txt"
    path.write_text("\n\n".join([paragraph] * (MAX_ARTICLE_CHARS // len(paragraph) + 50)))
    [article] = read_inputs([path]).articles
    assert MAX_ARTICLE_CHARS // 2 < len(article.text) <= MAX_ARTICLE_CHARS
    assert article.text.endswith(paragraph.rstrip()) or article.text.endswith(paragraph)  # cut between paragraphs
    assert [message for message in briefing_log.messages if "only the first" in message]


def test_spacy_is_never_handed_more_than_its_limit(nlp, monkeypatch):
    """Belt and braces under the read stage's cut: a caller that did not cut loses nothing to spaCy's refusal."""
    from briefing.analyze import analyze

    monkeypatch.setattr(nlp, "max_length", 200)
    [doc] = list(analyze([BODY * 5], nlp))
    assert 0 < len(doc.text) <= 200


def test_jobs_are_bounded_by_the_work_and_the_cores():
    from briefing.engine import BATCH_ARTICLES, usable_jobs

    cores = len(os.sched_getaffinity(0))
    assert usable_jobs(300, 10_000) == cores
    assert usable_jobs(300, BATCH_ARTICLES) == 1  # one batch of work: one process, nothing forked
    assert usable_jobs(1, 10_000) == 1


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "lots"])
def test_a_cache_size_that_is_not_a_size_is_one_warning_and_the_default(value, monkeypatch, briefing_log):
    from briefing.cache import DEFAULT_MAX_MB, max_cache_bytes

    monkeypatch.setenv("BRIEFING_CACHE_MAX_MB", value)
    assert max_cache_bytes() == DEFAULT_MAX_MB * 1024 * 1024
    assert len([message for message in briefing_log.messages if message.startswith("BRIEFING_CACHE_MAX_MB:")]) == 1


def test_a_second_run_never_reads_the_first_runs_output(goods, tmp_path, capsys):
    desk = tmp_path / "desk"
    desk.mkdir()
    for good in goods:
        (desk / Path(good).name).write_text(Path(good).read_text())
    out = desk / "out"
    first = run_cli(capsys, "build", str(desk), "-o", str(out), "-f", "json,md,html,email", "--no-cache", "--jobs", "1")
    assert first.code == 0, first.stderr
    second = run_cli(capsys, "build", str(desk), "-o", str(out), "-f", "json", "--no-cache", "--jobs", "1")
    assert second.code == 0, second.stderr
    assert second.warnings_naming(str(out)) == [f"warning: {out}: 5 files written by briefing here are not read as input"]
    brief = json.loads(next(out.glob("*.json")).read_text())
    assert sorted(Path(source["path"]).name for source in brief["sources"]) == ["harbour.md", "meridian.md"]


# --- streams: a closed or full standard output, a closed standard input --------------------------------


def run_briefing(*args: str, **popen) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.run([sys.executable, "-m", "briefing.cli", *args], env=environment, timeout=300, **popen)


# A full standard output and a reader that went away (exit 141): tests/test_cli.py.


def test_a_closed_standard_input_is_a_skipped_input_not_a_crash(goods):
    result = run_briefing("summarize", "-", *goods, "--no-cache", capture_output=True, text=True,
                          preexec_fn=lambda: os.close(0))
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["warning: <stdin>: standard input is closed"]
    alone = run_briefing("build", "-", "--no-cache", capture_output=True, text=True, preexec_fn=lambda: os.close(0))
    assert alone.returncode == 1
    assert alone.stderr.splitlines() == ["warning: <stdin>: standard input is closed", "error: -: no readable article found"]
