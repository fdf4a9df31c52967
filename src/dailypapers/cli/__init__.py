"""The ``dailypapers`` command: parse options, call the library, print one line per result.

Every command runs inside :class:`Commands`, the one place where what escapes the library
(its errors, a full disk, a damaged archive, a broken template) becomes one line on stderr
and exit code 1; bad usage exits with 2 (click's convention). No traceback reaches the user.
"""

from __future__ import annotations

import click

from dailypapers import __version__


class Commands(click.Group):
    """The command group: every command, its option callbacks included, runs through
    :func:`~dailypapers.cli.errors.reports_errors`."""

    def invoke(self, ctx: click.Context) -> object:
        from dailypapers.cli.errors import reports_errors

        return reports_errors(super().invoke)(ctx)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dailypapers")
def cli() -> None:
    """Publish the Hugging Face Daily Papers as daily digest posts for a Jekyll blog.

    The Hub is reached at HF_ENDPOINT (default https://huggingface.co) with HF_TOKEN if set.
    """


def main() -> None:
    from dailypapers.cli import interrupt

    interrupt.install_quiet()  # each command handles Ctrl-C its own way while it runs
    cli(prog_name="dailypapers")


# The commands register themselves on `cli` when their modules are imported.
from dailypapers.cli import adopt, archive, publish, site  # noqa: E402,F401
