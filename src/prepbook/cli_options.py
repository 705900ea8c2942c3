"""The `build` command's formats and options, gathered from the registry of renderers: one --name per field of
each renderer's options, and the list of formats in its help."""

from __future__ import annotations

import dataclasses
import functools
import typing
from typing import Any, Literal

import click

from prepbook.render import ALL_FORMATS, REGISTRY, get_renderer


class BuildCommand(click.Command):
    """`build`, whose help lists the registry's formats and whose options are the renderers' own, gathered
    only when `build` is used: `validate` imports no renderer."""

    summary = "Build FORMAT... into the --out folder"

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        *own, debug, help_option = super().get_params(ctx)
        return [*own, *renderer_options(), debug, help_option]

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        width = max(len(entry.name) for entry in REGISTRY)
        formats = [f"  {entry.name:<{width}}  {entry.summary}" for entry in REGISTRY]
        formats.append(f"  {'all':<{width}}  {', '.join(ALL_FORMATS[:-1])} and {ALL_FORMATS[-1]}")
        # "\b" keeps click from rewrapping the list.
        self.help = f"{self.summary}, where FORMAT is:\n\n\b\n" + "\n".join(formats)
        super().format_help_text(ctx, formatter)


class WatchCommand(BuildCommand):
    """`watch`: the formats and options of `build`."""

    summary = ("Build FORMAT... (html when none is given) and again after each change to the content or the "
               "templates, printing problems as they happen, until Ctrl-C; with html, serve the preview on this "
               "machine and reload it in the browser after each build")


@functools.cache
def renderer_options() -> tuple[click.Option, ...]:
    """Every registered renderer's options, once each: renderers may share one (the handbook's paper size).
    The same objects every time: click matches the options it parsed to the ones it processes by identity."""
    options: dict[str, click.Option] = {}
    for entry in REGISTRY:
        declared = get_renderer(entry.name).options
        hints = typing.get_type_hints(declared)
        for item in dataclasses.fields(declared):
            if item.name not in options:
                options[item.name] = _click_option(item, hints[item.name])
    return tuple(options.values())


def _click_option(item: dataclasses.Field[Any], kind: Any) -> click.Option:
    metadata = item.metadata
    names = [f"--{item.name.replace('_', '-')}", *([metadata["short"]] if metadata.get("short") else [])]
    default = item.default_factory() if item.default_factory is not dataclasses.MISSING else item.default
    settings: dict[str, Any] = {"default": default, "help": metadata["help"]}
    if kind is bool:
        settings["is_flag"] = True
    else:
        settings["show_default"] = metadata.get("shown_default") or True
        if typing.get_origin(kind) is Literal:
            settings["type"] = click.Choice(typing.get_args(kind))
        elif kind is int:
            settings["type"] = click.IntRange(min=1)
    return click.Option([*names, item.name], **settings)
