"""A world generator: a fictional missing-child case of the shape of the real one, from a seed.

`generate(seed, noise)` builds the world in memory (fragments in each agency's own format, in
story order, plus the ground truth kept apart); `write(world, outdir)` writes the fragment
files, a manifest of story order, agency, format and marking, and `truth.json`.
"""

from wayhome.synth.world import Fragment, World, generate, write

__all__ = ["Fragment", "World", "generate", "write"]
