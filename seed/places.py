"""Luxembourg communes used by the seed generator, with a rough weight and a region.

Weights are not populations: they describe where creative businesses of the cluster sit, so
Luxembourg City dominates, the southern "Minett" towns (Esch-sur-Alzette, Differdange,
Dudelange...) come next and the rural north and east are thin. Regions drive a mild
geographic homophily when ties are drawn.
"""

from __future__ import annotations

from typing import Final

__all__ = ["COMMUNES", "INSTITUTION_TOWNS", "REGIONS", "SHORT_NAMES"]

# (commune, weight, region)
COMMUNES: Final[tuple[tuple[str, float, str], ...]] = (
    ("Luxembourg", 30.0, "centre"),
    ("Esch-sur-Alzette", 9.0, "south"),
    ("Differdange", 5.0, "south"),
    ("Dudelange", 4.0, "south"),
    ("Strassen", 3.0, "centre"),
    ("Hesperange", 3.0, "centre"),
    ("Bertrange", 2.5, "centre"),
    ("Ettelbruck", 2.5, "north"),
    ("Pétange", 2.0, "south"),
    ("Sanem", 2.0, "south"),
    ("Mamer", 2.0, "west"),
    ("Mersch", 2.0, "centre"),
    ("Bettembourg", 2.0, "south"),
    ("Diekirch", 2.0, "north"),
    ("Wiltz", 2.0, "north"),
    ("Walferdange", 1.5, "centre"),
    ("Schifflange", 1.5, "south"),
    ("Echternach", 1.5, "east"),
    ("Junglinster", 1.2, "east"),
    ("Kayl", 1.0, "south"),
    ("Remich", 1.0, "east"),
    ("Grevenmacher", 1.0, "east"),
    ("Clervaux", 1.0, "north"),
    ("Niederanven", 1.0, "east"),
    ("Käerjeng", 1.0, "south"),
    ("Rumelange", 0.8, "south"),
    ("Steinfort", 0.8, "west"),
    ("Mondorf-les-Bains", 0.8, "east"),
    ("Redange", 0.7, "west"),
    ("Vianden", 0.6, "north"),
    ("Kehlen", 0.6, "west"),
    ("Beckerich", 0.4, "west"),
)

REGIONS: Final[tuple[str, ...]] = ("centre", "south", "north", "east", "west")

# Short forms used in company names ("Studio Kayl Motion", "Esch Creative Hub").
SHORT_NAMES: Final[dict[str, str]] = {
    "Esch-sur-Alzette": "Esch",
    "Mondorf-les-Bains": "Mondorf",
}

# Towns that plausibly host a public cultural institution (museum, theatre, school...),
# weighted less towards the capital than businesses are.
INSTITUTION_TOWNS: Final[tuple[tuple[str, float], ...]] = (
    ("Luxembourg", 6.0),
    ("Esch-sur-Alzette", 3.0),
    ("Differdange", 2.0),
    ("Dudelange", 2.0),
    ("Ettelbruck", 1.5),
    ("Diekirch", 1.2),
    ("Wiltz", 1.2),
    ("Echternach", 1.2),
    ("Mersch", 1.0),
    ("Clervaux", 1.0),
    ("Vianden", 0.8),
    ("Grevenmacher", 0.8),
    ("Remich", 0.8),
    ("Mamer", 0.8),
    ("Bettembourg", 0.8),
    ("Pétange", 0.8),
    ("Rumelange", 0.6),
    ("Redange", 0.5),
)
