"""Griffe extension for the API reference: make reStructuredText bits of docstrings render.

The library's docstrings are numpy style, read both by ``help()`` and by
mkdocstrings, which renders their text as Markdown. Two habits of
reStructuredText would come out wrong, so this extension rewrites the copy
that mkdocstrings renders (the docstring in the source, and its doctest, stay
as written):

- Console examples outside an ``Examples`` section (``>>> noisy_line(3)``
  right after the summary) would be read as Markdown, ``>>>`` as a quote and
  an output such as ``[1.27 0.54]`` as a link. They are wrapped in a ``pycon``
  fence, as in the chapters.
- Definition lists (a term, then its text indented below it) in the text
  before the first section become Markdown definition lists.
- Sphinx roles: ``:math:`x^2``` becomes ``$x^2$`` (rendered by KaTeX), and
  ``:func:`derivative``` (also ``:class:``, ``:mod:``, ``:meth:``, ``:exc:``,
  ``:attr:``, ``:data:``, ``:obj:``) becomes a link to that object's entry
  in the reference when it can be found, else inline code.

Used by mkdocs.yml: ``plugins.mkdocstrings.handlers.python.options.extensions``.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_SECTION_RULE = re.compile(r"^[ \t]*-{3,}[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_MATH = re.compile(r":math:`([^`]+)`")
_ROLE = re.compile(r":(?:py:)?(?:func|class|mod|meth|exc|attr|data|obj):`(~?)([\w.]+?)(\(\))?`")


def fence_console_blocks(text: str) -> str:
    """Wrap console blocks (``>>>`` up to the next blank line) in ``pycon`` fences."""
    lines = text.splitlines()
    out: list[str] = []
    in_examples = False
    in_fence = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if i + 1 < len(lines) and _SECTION_RULE.match(lines[i + 1]) and line.strip():
            in_examples = line.strip() in {"Examples", "Example"}
        if _FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and not in_examples and line.lstrip().startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            end = i
            while end < len(lines) and lines[end].strip():
                end += 1
            if out and out[-1].strip():
                out.append("")
            out.append(f"{indent}```pycon")
            out.extend(lines[i:end])
            out.append(f"{indent}```")
            i = end
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def definition_lists(text: str) -> str:
    """Turn reStructuredText definition lists of the docstring's leading text into Markdown's.

    A term line (not indented, after a blank line) followed by lines indented
    deeper becomes ``term`` then ``:   definition`` (the ``def_list`` extension).
    Only the text before the first numpy section (``Parameters``, ...) changes:
    griffe parses the sections themselves.
    """
    lines = text.splitlines()
    out: list[str] = []
    in_fence = False
    after_definition = False  # RST allows entries without blank lines between them
    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence or _FENCE.match(line):
            out.append(line)
            i += 1
            continue
        if i + 1 < len(lines) and _SECTION_RULE.match(lines[i + 1]) and line.strip():
            out.extend(lines[i:])
            break
        following = lines[i + 1] if i + 1 < len(lines) else ""
        starts_term = (
            line.strip() and not line[0].isspace() and not _FENCE.match(line)
            and not line.lstrip().startswith(("-", "*", ">>>", "|"))
            and (i == 0 or not lines[i - 1].strip() or after_definition)
            and following.strip() and following[0].isspace()
        )
        if not starts_term:
            out.append(line)
            after_definition = False
            i += 1
            continue
        body = []
        end = i + 1
        while end < len(lines) and (not lines[end].strip() or lines[end][0].isspace()):
            body.append(lines[end])
            end += 1
        while body and not body[-1].strip():
            body.pop()
            end -= 1
        dedented = [ln[4:] if ln.startswith("    ") else ln.lstrip() for ln in body]
        out.append(line)
        out.append(":   " + dedented[0])
        out.extend(("    " + ln) if ln.strip() else "" for ln in dedented[1:])
        after_definition = True
        i = end
    return "\n".join(out)


def _resolve(name: str, obj: griffe.Object) -> str | None:
    """The full path of ``name`` as written in ``obj``'s docstring, if it is a known object."""
    candidates = [name]
    scope: griffe.Object | None = obj
    while scope is not None:
        candidates.append(f"{scope.path}.{name}")
        scope = scope.parent
    for path in candidates:
        try:
            target = obj.modules_collection[path]
        except (KeyError, ValueError):
            continue
        # Only objects the reference renders have an anchor: public, with a docstring.
        if target.docstring is None or any(part.startswith("_") for part in target.path.split(".")):
            return None
        return target.path
    return None


def markdown_roles(text: str, obj: griffe.Object | None = None) -> str:
    """Replace Sphinx roles by Markdown: math for KaTeX, links or code for objects."""
    text = _MATH.sub(lambda m: f"${m[1]}$", text)

    def role(match: re.Match[str]) -> str:
        short, name, call = match[1], match[2], match[3] or ""
        shown = (name.rsplit(".", 1)[-1] if short else name) + call
        target = _resolve(name, obj) if obj is not None else None
        return f"[`{shown}`][{target}]" if target else f"`{shown}`"

    return _ROLE.sub(role, text)


def _outside_fences(text: str, change) -> str:
    parts = re.split(r"(^[ \t]*```.*?^[ \t]*```[ \t]*$)", text, flags=re.M | re.S)
    return "".join(part if index % 2 else change(part) for index, part in enumerate(parts))


class MarkdownDocstrings(griffe.Extension):
    """Rewrite every docstring's rendered copy (see the module documentation)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        # Runs once the whole package is loaded, so cross-references can be resolved.
        self._rewrite(pkg)

    def _rewrite(self, obj: griffe.Object) -> None:
        if obj.docstring is not None:
            value = obj.docstring.value
            if ">>>" in value:
                value = fence_console_blocks(value)
            value = definition_lists(value)
            obj.docstring.value = _outside_fences(value, lambda part: markdown_roles(part, obj))
        for member in obj.members.values():
            if not member.is_alias:
                self._rewrite(member)
