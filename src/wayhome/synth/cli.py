"""`wayhome synth SEED OUTDIR`: write a generated world's fragments, manifest and truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wayhome.cli.common import fail
from wayhome.errors import WayhomeError


def synth_command(
    seed: Annotated[int, typer.Argument(help="The world's seed: the same seed, the same world.")],
    outdir: Annotated[Path, typer.Argument(file_okay=False, help="Folder to write into.")],
    noise: Annotated[int, typer.Option(help="0 clean, 1 realistic, 2 messy, 3 hard.")] = 1,
    register_size: Annotated[int, typer.Option(help="People in the register extract.")] = 5_000,
) -> None:
    """Generate a fictional case: fragments in each agency's format, a manifest, truth.json."""
    from wayhome.synth import generate, write

    try:
        world = generate(seed, noise, register_size=register_size)
        write(world, outdir)
    except WayhomeError as error:
        raise fail(error) from error
    for fragment in world.fragments:
        typer.echo(
            f"{fragment.step:>2}. {fragment.agency:10} {fragment.format:9} "
            f"TLP:{fragment.marking.value:13} fragments/{fragment.filename}"
        )
    typer.echo(f"manifest: {outdir / 'manifest.json'}; ground truth: {outdir / 'truth.json'}")
