"""`wayhome` — serve, migrate, administer, load the demo and verify the audit log.

Start-up is cheap: each command's module (and the engines behind it) is imported only when that
command runs, so `wayhome --help` and `wayhome locate --clues FILE` need neither the database
layer nor the engines. The commands' one-line help is written here for the listing; a test
checks it against each command's own.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

# name → (module, attribute, one-line help); a Typer attribute is a group, a function a command.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "db": ("wayhome.cli.admin", "db_app", "Database schema."),
    "agencies": ("wayhome.cli.admin", "agencies_app", "Member agencies."),
    "users": ("wayhome.cli.admin", "users_app", "User accounts."),
    "tokens": ("wayhome.cli.admin", "tokens_app", "API tokens for machine clients."),
    "audit": ("wayhome.cli.admin", "audit_app", "The tamper-evident audit log."),
    "demo": ("wayhome.cli.admin", "demo_app", "The demo case."),
    "serve": ("wayhome.cli.admin", "serve", "Serve the web application and the API."),
    "import": (
        "wayhome.cli.admin",
        "import_file",
        "Import a file all-or-nothing; importing the same file again stores nothing new.",
    ),
    "backup": (
        "wayhome.cli.admin",
        "backup_command",
        "Copy the database (safe while the server runs) and verify the copy's audit chain.",
    ),
    "restore": (
        "wayhome.cli.admin",
        "restore_command",
        "Replace the database with a backup (stop the server first) and verify its audit chain.",
    ),
    "banks": ("wayhome.hashing.cli", "banks_app", "Hash banks: known material held as hashes."),
    "hash": (
        "wayhome.hashing.cli",
        "hash_command",
        "Hash every image under PATHS on this machine (PDQ with quality, MD5, SHA-1, SHA-256).",
    ),
    "gazetteer": (
        "wayhome.locate.cli",
        "gazetteer_app",
        "The offline gazetteer that locating uses.",
    ),
    "register": ("wayhome.locate.cli", "register_app", "Residents' register extracts."),
    "links": ("wayhome.linking.cli", "links_app", "Identity links: graph, paths, review."),
    "locate": (
        "wayhome.locate.cli",
        "locate_command",
        "Where an offender probably lives: from a case's clues the user may see, or from a "
        "clue file alone.",
    ),
    "alerts": ("wayhome.cases.escalation", "alerts_app", "Cross-border alerts."),
    "synth": (
        "wayhome.synth.cli",
        "synth_command",
        "Generate a fictional case: fragments in each agency's format, a manifest, truth.json.",
    ),
    "deliveries": (
        "wayhome.watches.cli",
        "deliveries_app",
        "Alert e-mail and webhook deliveries.",
    ),
}
# Where the group leaves the chosen command's arguments for the callback to read.
ARGUMENTS = "wayhome.arguments"


def load_command(name: str) -> Any:
    """Import one command's module and return it as a click command named `name`."""
    module, attribute, _ = COMMANDS[name]
    found = getattr(importlib.import_module(module), attribute)
    if isinstance(found, typer.Typer):
        command: Any = typer.main.get_group(found)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(found)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    """The root group: lists every command from COMMANDS and imports one only to run it."""

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command, in the order of COMMANDS."""
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """A loaded command, or for the listing a stand-in carrying the command's help."""
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return self.commands.get(cmd_name)
        help_text = COMMANDS[cmd_name][2]
        return typer.core.TyperCommand(name=cmd_name, help=help_text, short_help=help_text)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Load the command about to run, and leave its arguments for the callback."""
        if args and args[0] in COMMANDS and args[0] not in self.commands:
            self.commands[args[0]] = load_command(args[0])
        name, command, rest = super().resolve_command(ctx, args)
        ctx.meta[ARGUMENTS] = list(rest)
        return name, command, rest


app = typer.Typer(
    cls=LazyGroup,
    help="Wayhome: find missing children by joining what agencies hold.",
    no_args_is_help=True,
)


def writes_nothing(command: str | None, arguments: list[str]) -> bool:
    """Say whether a command line can store nothing: help, or `locate` without a user (a clue
    file alone: no case, no database)."""
    if "--help" in arguments:
        return True
    return command == "locate" and not any(
        argument == "--user" or argument.startswith("--user=") for argument in arguments
    )


@app.callback()
def _compose(ctx: typer.Context) -> None:
    # Before any command that may write: imports and other writes hear the same signal
    # subscribers as the server (timeline, identity links, watch alerts: compose.py).
    if writes_nothing(ctx.invoked_subcommand, ctx.meta.get(ARGUMENTS, [])):
        return
    from wayhome.compose import install_engines

    install_engines()


if __name__ == "__main__":  # pragma: no cover
    app()
