"""Where templates and stylesheets come from: the user's folders first, the
ones shipped with the package second (DESIGN.md, "Layout"); and a brief
rendered through one template.

Templates render in Jinja's sandbox: a template folder shared by a colleague
can lay the brief out but cannot reach Python (``cycler.__init__.__globals__``
is refused); ``unsafe=True`` (``--unsafe-templates``) gives the full language
to those who trust their templates. A user template that fails while
rendering is the user's to fix: one ``RenderError`` naming its file and line.
"""

from __future__ import annotations

import importlib.resources
import traceback
from functools import lru_cache
from pathlib import Path

import jinja2
import jinja2.sandbox
import tinycss2
from markupsafe import Markup

from briefing.errors import RenderError
from briefing.render.view import FILTERS, TESTS, build_context


def packaged_dir(name: str) -> Path:
    """The shipped ``templates`` or ``styles`` folder: inside the installed wheel,
    else at the top of the source tree next to the package (editable install)."""
    package = Path(str(importlib.resources.files("briefing")))
    inside = package / name
    return inside if inside.is_dir() else package.parent / name


def search_path(user_dir: Path | None, name: str) -> tuple[Path, ...]:
    """The folders to look in, the user's first."""
    if user_dir is not None and not Path(user_dir).is_dir():
        raise RenderError(f"{user_dir}: not a folder of {name}")
    folders = (Path(user_dir),) if user_dir is not None else ()
    return (*folders, packaged_dir(name))


def find_style(filename: str, styles_dir: Path | None) -> Path:
    """The stylesheet ``filename`` from the user's styles folder or the shipped one."""
    for folder in search_path(styles_dir, "styles"):
        candidate = folder / filename
        if candidate.is_file():
            return candidate
    raise RenderError(
        f"{filename}: stylesheet not found in {styles_dir or 'the package'}"
    )


def read_styles(filenames: tuple[str, ...], styles_dir: Path | None) -> Markup:
    """The stylesheets joined into one text to put in a <style> element."""
    parts = []
    for filename in filenames:
        path = find_style(filename, styles_dir)
        try:
            css = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise RenderError(f"{path}: cannot read stylesheet: {error}") from error
        if "</style" in css.lower():
            raise RenderError(f"{path}: a stylesheet must not contain '</style'")
        parts.append(f"/* {filename} */\n{css}")
    return Markup("\n".join(parts))


REMOTE_FUNCTIONS = {"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade", "element"}
"""CSS functions that name a resource to fetch."""


def without_remote_urls(css: str) -> str:
    """The stylesheet with every ``@import`` rule and every URL (``url()``, ``image-set()``...)
    removed, read by a real CSS tokenizer so escapes (``\\75 rl(``) cannot hide one: an email
    must not make the reader's client call a server (a tracking pixel in a stylesheet)."""
    rules = [
        rule for rule in tinycss2.parse_stylesheet(css)
        if not (rule.type == "at-rule" and rule.lower_at_keyword == "import")
    ]
    return tinycss2.serialize(_without_urls(rules))


def _without_urls(nodes):
    kept = []
    for node in nodes:
        if node.type == "url" or (node.type == "function" and node.lower_name in REMOTE_FUNCTIONS):
            kept.append(tinycss2.ast.IdentToken(node.source_line, node.source_column, "none"))
            continue
        for part in ("prelude", "content", "arguments"):
            if isinstance(getattr(node, part, None), list):
                setattr(node, part, _without_urls(getattr(node, part)))
        kept.append(node)
    return kept


@lru_cache(maxsize=8)
def _environment(templates_dir: Path | None, unsafe: bool = False) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(folder)
            for folder in search_path(templates_dir, "templates")
        ]
    )
    kind = jinja2.Environment if unsafe else jinja2.sandbox.SandboxedEnvironment
    environment = kind(
        loader=loader,
        autoescape=jinja2.select_autoescape(
            disabled_extensions=("md.j2", "txt.j2"), default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(FILTERS)
    environment.tests.update(TESTS)
    return environment


def render_template(name: str, context: dict, *, templates_dir: Path | None, unsafe: bool = False) -> str:
    """Render one template; a broken or missing template, or a user template that fails
    (or reaches past the sandbox) while rendering, is a RenderError naming file and line."""
    user_dir = Path(templates_dir) if templates_dir is not None else None
    environment = _environment(user_dir, unsafe)
    try:
        return environment.get_template(name).render(context)
    except jinja2.sandbox.SecurityError as error:
        raise RenderError(
            f"{_failing_line(error, user_dir) or name}: {error} (not allowed in the template sandbox;"
            " --unsafe-templates lifts it for templates you trust)"
        ) from error
    except jinja2.TemplateNotFound as error:
        raise RenderError(f"{error.name}: template not found") from error
    except jinja2.TemplateSyntaxError as error:
        raise RenderError(
            f"{error.filename or name}:{error.lineno}: {error.message}"
        ) from error
    except jinja2.UndefinedError as error:
        raise RenderError(f"{_failing_line(error, user_dir) or name}: {error.message}") from error
    except Exception as error:
        where = _failing_line(error, user_dir, only_user=True)
        if where is None:
            raise  # the packaged templates failed: a bug
        raise RenderError(f"{where}: {type(error).__name__}: {error}") from error


def _failing_line(error: BaseException, user_dir: Path | None, *, only_user: bool = False) -> str | None:
    """``FILE:LINE`` of the innermost template frame in the error's traceback (Jinja maps
    its frames to template lines); with ``only_user``, only a frame in the user's folder."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith(".j2")]
    if only_user:
        root = user_dir.resolve() if user_dir is not None else None
        frames = [frame for frame in frames if root is not None and Path(frame.filename).resolve().is_relative_to(root)]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else None


def render_page(brief, options, *, format: str, template: str, stylesheets: tuple[str, ...] = ()) -> str:
    """The brief through ``template``, with the context every template gets
    (templates/README.md) and ``stylesheets`` joined for a <style> element."""
    context = build_context(brief, options=options, format=format)
    context["stylesheet"] = read_styles(stylesheets, options.styles_dir)
    if format == "email":  # a mail client would fetch them: no remote stylesheet or image
        context["stylesheet"] = Markup(without_remote_urls(context["stylesheet"]))
    return render_template(template, context, templates_dir=options.templates_dir, unsafe=options.unsafe_templates)
