"""The bound on how many architectures a strategy holds, draws or ranks at once (a population, a tournament, a
candidate pool): an option's type, so a size no machine holds is refused as the option is read."""
from __future__ import annotations

from typing import Annotated

from ..engine.options import Range

MAX_POOL = 10**7
"""NB101's whole space is 423,624 cells, the largest enumerated. A pool_size of 10**23 was accepted and its pool
filled memory (bananas: 8 GB in a minute); a population_size of 10**23 made evolution random search, unsaid but for
a note."""
PoolSize = Annotated[int, Range(1, MAX_POOL)]
