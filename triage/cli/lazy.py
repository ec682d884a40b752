"""A click group whose commands are imported only when run.

`triage --help` used to import every command module, and with them the questionnaire, the
report and the experta engine, to print one line per command. Here each lazy command is
named with its module and its one-line summary (what click lists for it); the module is
imported when the command runs or its own --help is asked for. tests/test_cli_lazy.py checks
that the summary listed here is the command's own and that `triage --help` imports none of them.
"""

from __future__ import annotations

from importlib import import_module

import click


class LazyCommand:
    def __init__(self, target: str, summary: str) -> None:
        self.target = target  # "module:attribute"
        self.summary = summary  # the command's get_short_help_str(limit=1_000): listed whole

    def load(self) -> click.Command:
        module, attribute = self.target.split(":")
        command = getattr(import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


class LazyGroup(click.Group):
    def __init__(self, *args: object, lazy: dict[str, LazyCommand] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            self.add_command(self.lazy[cmd_name].load(), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, each summary whole (wrapped, as triage lists its commands), a lazy
        command's from its stored summary instead of importing it."""
        rows = []
        for name in self.list_commands(ctx):
            if name in self.commands:
                command = self.commands[name]
                if not command.hidden:
                    rows.append((name, command.get_short_help_str(limit=1_000)))
            else:
                rows.append((name, self.lazy[name].summary))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
