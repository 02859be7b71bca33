"""Where templates and stylesheets come from: the user's folders first, the
ones shipped with the package second (DESIGN.md, "Layout"); and a brief
rendered through one template."""

from __future__ import annotations

import importlib.resources
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from briefing.errors import RenderError
from briefing.render.view import FILTERS, build_context


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


@lru_cache(maxsize=8)
def _environment(templates_dir: Path | None) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(folder)
            for folder in search_path(templates_dir, "templates")
        ]
    )
    environment = jinja2.Environment(
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
    return environment


def render_template(name: str, context: dict, *, templates_dir: Path | None) -> str:
    """Render one template; a broken or missing template is a RenderError naming it."""
    environment = _environment(
        Path(templates_dir) if templates_dir is not None else None
    )
    try:
        return environment.get_template(name).render(context)
    except jinja2.TemplateNotFound as error:
        raise RenderError(f"{error.name}: template not found") from error
    except jinja2.TemplateSyntaxError as error:
        raise RenderError(
            f"{error.filename or name}:{error.lineno}: {error.message}"
        ) from error
    except jinja2.UndefinedError as error:
        raise RenderError(f"{name}: {error.message}") from error


def render_page(brief, options, *, format: str, template: str, stylesheets: tuple[str, ...] = ()) -> str:
    """The brief through ``template``, with the context every template gets
    (templates/README.md) and ``stylesheets`` joined for a <style> element."""
    context = build_context(brief, options=options, format=format)
    context["stylesheet"] = read_styles(stylesheets, options.styles_dir)
    return render_template(template, context, templates_dir=options.templates_dir)
