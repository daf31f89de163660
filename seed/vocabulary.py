"""Names and phrases for the seed cluster: people, studios, institutions, hubs, organisations
of the other clusters, project titles, clients, event themes and introduction outcomes.

Everything here is fictional. Family names are common Luxembourgish, French, German,
Portuguese, English and Italian names; studio names are built from templates such as
"Atelier {family}" or "Studio {place} Motion". The only real names are the generic forms of
public hubs and institution types (e.g. the 1535° Creative Hub in Differdange, "Municipal
Theatre Esch").
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "AFFINITY",
    "CLUSTER_AFFINITY",
    "CLUSTER_WEIGHTS",
    "COMPANY_TEMPLATES",
    "CONFERENCE_TITLES",
    "EVENT_THEMES",
    "FAMILY_NAMES",
    "FREELANCE_ROLE",
    "FREELANCE_SHARE",
    "GIVEN_NAMES",
    "HUBS",
    "INSTITUTION_TYPES",
    "INTRO_OUTCOMES",
    "NETWORKING_TITLES",
    "OPEN_TENDERS",
    "ORGANISATION_TEMPLATES",
    "ORIGINS",
    "PRIVATE_CLIENTS",
    "PROJECT_TITLES",
    "PUBLIC_CLIENTS",
    "SUBSECTOR_NOUN",
    "SUBSECTOR_WEIGHTS",
    "WORDS",
]

# Origin of a person's or a founder's name, with its weight in the cluster.
ORIGINS: Final[tuple[tuple[str, float], ...]] = (
    ("lu", 40.0), ("fr", 20.0), ("pt", 14.0), ("de", 12.0), ("en", 8.0), ("it", 6.0),
)

GIVEN_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "lu": (
        "Claude", "Marc", "Luc", "Paul", "Tom", "Ben", "Max", "Gilles", "Yves", "Pit", "Jeff", "Sven",
        "Laurent", "Michel", "Patrick", "Steve", "Pol", "Charel", "Noah", "Léon", "Anne", "Carole",
        "Sandra", "Nathalie", "Martine", "Joëlle", "Tessy", "Lynn", "Lis", "Mandy", "Nadine", "Sophie",
        "Laura", "Sarah", "Julie", "Léa", "Emma", "Mia", "Zoé", "Claudine", "Danielle", "Fränz",
    ),
    "fr": (
        "Julien", "Mathieu", "Nicolas", "Thomas", "Antoine", "Hugo", "Lucas", "Théo", "Baptiste",
        "Clément", "Camille", "Chloé", "Manon", "Pauline", "Élodie", "Céline", "Aurélie", "Margaux",
        "Inès", "Juliette",
    ),
    "de": (
        "Lukas", "Jonas", "Felix", "Tobias", "Florian", "Sebastian", "Jan", "Niklas", "Katharina",
        "Anna", "Lena", "Hannah", "Johanna", "Miriam", "Stefanie", "Franziska",
    ),
    "pt": (
        "João", "Tiago", "Rui", "Ricardo", "Nuno", "Pedro", "Miguel", "André", "Diogo", "Ana", "Inês",
        "Mariana", "Sofia", "Beatriz", "Catarina", "Joana", "Rita", "Filipa",
    ),
    "en": (
        "James", "Oliver", "Daniel", "Ryan", "Liam", "Sean", "Emily", "Grace", "Olivia", "Chloe",
        "Rachel", "Kate", "Hannah",
    ),
    "it": ("Marco", "Luca", "Matteo", "Alessandro", "Giulia", "Francesca", "Chiara", "Elena"),
}

FAMILY_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "lu": (
        "Weber", "Schmit", "Muller", "Wagner", "Hoffmann", "Thill", "Kremer", "Schroeder", "Reuter",
        "Hansen", "Kieffer", "Schiltz", "Majerus", "Welter", "Faber", "Kayser", "Theis", "Klein",
        "Lentz", "Weis", "Ries", "Frisch", "Nilles", "Pauly", "Feller", "Origer", "Wirtz", "Kohn",
        "Back", "Steichen", "Flammang", "Bintner", "Wolter", "Zeimet", "Goedert", "Hoscheit",
        "Schaack", "Kirsch", "Gengler", "Biver", "Ewen", "Hilger", "Junker", "Lanners", "Meisch",
        "Nickels", "Olinger", "Peffer", "Reding", "Scholtes", "Thinnes", "Urbany", "Wampach", "Zenner",
    ),
    "fr": (
        "Martin", "Dubois", "Lefebvre", "Moreau", "Laurent", "Girard", "Fontaine", "Rousseau",
        "Lambert", "Mercier", "Bonnet", "Chevalier", "Leroy", "Renard", "Marchal", "Collignon",
        "Dumont", "Gérard", "Henry", "Lemaire", "Noël", "Petit", "Simon", "François", "Gauthier",
    ),
    "de": (
        "Schneider", "Fischer", "Schulz", "Zimmermann", "Krüger", "Hartmann", "Lange", "Vogel",
        "Brandt", "Keller", "Huber", "Schäfer", "Koch", "Richter", "Wolf", "Neumann", "Schwarz",
        "Krause", "Lehmann", "Seidel",
    ),
    "pt": (
        "Da Silva", "Pereira", "Ferreira", "Santos", "Oliveira", "Costa", "Rodrigues", "Almeida",
        "Carvalho", "Gomes", "Lopes", "Marques", "Sousa", "Teixeira", "Fernandes", "Monteiro",
        "Cardoso", "Pinto", "Ribeiro", "Mendes", "Gonçalves", "Martins", "Correia", "Azevedo",
    ),
    "en": (
        "Taylor", "Walsh", "Murphy", "Harris", "Bennett", "Clarke", "Hughes", "O'Brien", "Kelly",
        "Evans", "Turner", "Collins", "Morgan",
    ),
    "it": ("Rossi", "Bianchi", "Conti", "Ricci", "Romano", "Greco", "Marino", "Gallo", "Colombo", "Bruno"),
}

# Evocative words for studio and project names: landscapes, rivers, quarters, materials.
WORDS: Final[tuple[str, ...]] = (
    "Minett", "Alzette", "Sauer", "Moselle", "Éislek", "Gutland", "Attert", "Pétrusse", "Grund",
    "Clausen", "Pfaffenthal", "Bock", "Red Rock", "Blue Hour", "North Light", "Ironworks", "Foundry",
    "Basalt", "Lantern", "Orbit", "Kaleido", "Hinterland", "Riverside", "Slate", "Ember", "Fernweh",
    "Mosaik", "Vinyl", "Neon", "Prism", "Atlas", "Echo", "Loop", "Meridian", "Juniper", "Birch",
    "Quarry", "Tandem", "Parallax", "Lumen", "Polaris", "Cobalt", "Ochre", "Indigo", "Amber",
    "Linden", "Heron", "Kestrel", "Wren", "Otter", "Mirabelle", "Schiefer", "Kiem", "Bloom",
)

# Company name templates per subsector. Slots: {family}, {family2}, {place}, {word}.
COMPANY_TEMPLATES: Final[dict[str, tuple[str, ...]]] = {
    "architecture": (
        "{family} Architectes", "Atelier d'architecture {family}", "{family} & {family2} Architects",
        "Bureau {family}", "{place} Architecture Studio", "{word} Architects", "{family} Architektur",
    ),
    "crafts-manufacturing": (
        "Atelier {family}", "{family} Céramique", "Schräinerei {family}", "{family} Goldsmiths",
        "{word} Workshop", "Forge {family}", "{place} Woodworks",
    ),
    "visual-arts": (
        "Galerie {family}", "{family} Photography", "Studio {family}", "{word} Art Space",
        "{family} Illustration", "{place} Print Studio",
    ),
    "film-audiovisual": (
        "{word} Pictures", "{family} Films", "Studio {place} Motion", "{word} Productions",
        "{family} Post", "{place} Film Company", "{word} Animation",
    ),
    "design": (
        "Studio {family}", "{family} Design", "Atelier {family}", "{word} Design Lab",
        "{family} & {family2} Design", "Studio {word}", "{place} Design Office",
    ),
    "fashion-design": (
        "Maison {family}", "{family} Couture", "{word} Textiles", "Atelier {word}", "{family} Studio",
    ),
    "gaming": (
        "{word} Games", "{word} Interactive", "Pixel {word}", "{place} Game Studio", "{word} Play",
    ),
    "marketing-communication": (
        "{family} Communication", "{word} Agency", "{family} & Partners", "{place} Events",
        "{word} Communication", "Agence {family}", "{word} Media Relations",
    ),
    "literature": (
        "Éditions {family}", "{place} Verlag", "{family} Translations", "Éditions {word}",
        "{word} Books",
    ),
    "digital-media-publishing": (
        "{place} Magazine", "{word} Media", "{family} Publishing", "{word} Podcasts", "{word} Digital",
    ),
    "performing-arts": (
        "Compagnie {family}", "{word} Dance Collective", "Théâtre {word}", "{word} Ensemble",
        "{place} Street Theatre",
    ),
    "music": (
        "{word} Records", "{family} Sound Studio", "{place} Music Label", "{word} Sound",
        "{family} Music",
    ),
}

# "Design studio based in Mersch: ..." (companies) and "Freelance designer in Mersch: ..."
SUBSECTOR_NOUN: Final[dict[str, str]] = {
    "architecture": "Architecture practice",
    "crafts-manufacturing": "Craft workshop",
    "visual-arts": "Art and photography studio",
    "film-audiovisual": "Production company",
    "design": "Design studio",
    "fashion-design": "Fashion label",
    "gaming": "Game studio",
    "marketing-communication": "Communication agency",
    "literature": "Independent publisher",
    "digital-media-publishing": "Digital media outlet",
    "performing-arts": "Performing arts company",
    "music": "Music company",
}

FREELANCE_ROLE: Final[dict[str, str]] = {
    "architecture": "architect",
    "crafts-manufacturing": "maker",
    "visual-arts": "artist",
    "film-audiovisual": "filmmaker",
    "design": "designer",
    "fashion-design": "fashion designer",
    "gaming": "game developer",
    "marketing-communication": "communication consultant",
    "literature": "author and translator",
    "digital-media-publishing": "journalist",
    "performing-arts": "performer",
    "music": "musician",
}

# Share of freelancers among the companies and freelancers of each subsector.
FREELANCE_SHARE: Final[dict[str, float]] = {
    "architecture": 0.30,
    "crafts-manufacturing": 0.55,
    "visual-arts": 0.70,
    "film-audiovisual": 0.40,
    "design": 0.45,
    "fashion-design": 0.45,
    "gaming": 0.25,
    "marketing-communication": 0.30,
    "literature": 0.70,
    "digital-media-publishing": 0.45,
    "performing-arts": 0.60,
    "music": 0.60,
}

# Relative size of the subsectors (primary subsector of members).
SUBSECTOR_WEIGHTS: Final[dict[str, float]] = {
    "marketing-communication": 16.0,
    "design": 14.0,
    "architecture": 13.0,
    "film-audiovisual": 12.0,
    "visual-arts": 9.0,
    "digital-media-publishing": 8.0,
    "music": 7.0,
    "performing-arts": 7.0,
    "gaming": 5.0,
    "crafts-manufacturing": 5.0,
    "fashion-design": 3.0,
    "literature": 3.0,
}

# Subsector pairs that work together more than chance (symmetric; others count 1).
AFFINITY: Final[dict[tuple[str, str], float]] = {
    ("architecture", "design"): 4.0,
    ("architecture", "crafts-manufacturing"): 2.0,
    ("architecture", "visual-arts"): 1.5,
    ("design", "marketing-communication"): 4.0,
    ("design", "fashion-design"): 3.0,
    ("design", "visual-arts"): 3.0,
    ("design", "gaming"): 2.0,
    ("design", "crafts-manufacturing"): 2.0,
    ("design", "digital-media-publishing"): 2.0,
    ("film-audiovisual", "music"): 4.0,
    ("film-audiovisual", "performing-arts"): 3.0,
    ("film-audiovisual", "gaming"): 3.0,
    ("film-audiovisual", "marketing-communication"): 3.0,
    ("film-audiovisual", "visual-arts"): 2.0,
    ("film-audiovisual", "digital-media-publishing"): 2.0,
    ("gaming", "music"): 2.0,
    ("marketing-communication", "digital-media-publishing"): 4.0,
    ("marketing-communication", "music"): 1.5,
    ("literature", "digital-media-publishing"): 3.0,
    ("literature", "performing-arts"): 2.0,
    ("performing-arts", "music"): 4.0,
    ("fashion-design", "visual-arts"): 2.0,
    ("fashion-design", "performing-arts"): 1.5,
    ("visual-arts", "digital-media-publishing"): 1.5,
}

# (name template, primary subsector, possible secondary subsectors, weight)
INSTITUTION_TYPES: Final[tuple[tuple[str, str, tuple[str, ...], float], ...]] = (
    ("{place} Regional Museum", "visual-arts", ("digital-media-publishing",), 2.0),
    ("Municipal Art Gallery {place}", "visual-arts", ("design",), 1.0),
    ("Municipal Theatre {place}", "performing-arts", ("music",), 2.0),
    ("{place} Cultural Centre", "performing-arts", ("music", "visual-arts"), 2.0),
    ("Music School {place}", "music", ("performing-arts",), 2.0),
    ("School of Art and Design {place}", "design", ("visual-arts",), 1.0),
    ("{place} Public Library", "literature", (), 1.0),
    ("Crafts Training Centre {place}", "crafts-manufacturing", (), 0.7),
    ("Film and Media Training Centre {place}", "film-audiovisual", ("digital-media-publishing",), 0.7),
    ("{place} Cultural Office", "marketing-communication", ("performing-arts",), 1.5),
    ("{place} Heritage and Architecture Office", "architecture", (), 0.8),
    ("{place} Media Library", "digital-media-publishing", ("film-audiovisual",), 0.5),
)

# The named hubs, in the order they are used: (name, city, subsectors, description).
HUBS: Final[tuple[tuple[str, str, tuple[str, ...], str], ...]] = (
    ("1535° Creative Hub", "Differdange", ("design", "visual-arts", "music", "film-audiovisual"),
     ("Creative hub in a former steelworks building in Differdange: studios, coworking, events "
     "and incubation for creative companies.")),
    ("Luxembourg City Creative Hub", "Luxembourg",
     ("marketing-communication", "digital-media-publishing", "gaming"),
     "Coworking and incubation hub for creative and digital start-ups in Luxembourg City."),
    ("Esch Creative Hub", "Esch-sur-Alzette", ("film-audiovisual", "performing-arts", "music"),
     "Shared studios, rehearsal rooms and a screening room for creatives in the south."),
    ("Northern Creative Hub Wiltz", "Wiltz", ("design", "visual-arts", "crafts-manufacturing"),
     "Makerspace, residencies and coworking for creatives in the north of the country."),
    ("Dudelange Creative Factory", "Dudelange", ("music", "visual-arts", "performing-arts"),
     "Music and arts hub with studios and a small venue."),
    ("Ettelbruck Creative Lab", "Ettelbruck", ("design", "digital-media-publishing", "marketing-communication"),
     "Coworking and training lab for designers and digital creatives."),
)

# Which other clusters creatives meet, and how often.
CLUSTER_WEIGHTS: Final[dict[str, float]] = {
    "automobility": 3.0,
    "cleantech": 3.0,
    "healthtech": 2.5,
    "materials-manufacturing": 2.5,
    "wood": 2.0,
    "ict": 4.0,
    "space": 2.0,
}

CLUSTER_AFFINITY: Final[dict[str, tuple[str, ...]]] = {
    "automobility": ("design", "marketing-communication", "film-audiovisual"),
    "cleantech": ("architecture", "design", "marketing-communication"),
    "healthtech": ("design", "gaming", "marketing-communication", "digital-media-publishing"),
    "materials-manufacturing": ("design", "crafts-manufacturing", "architecture", "fashion-design"),
    "wood": ("crafts-manufacturing", "architecture", "design"),
    "ict": ("gaming", "digital-media-publishing", "marketing-communication", "film-audiovisual"),
    "space": ("film-audiovisual", "gaming", "visual-arts", "design"),
}

# Organisation name templates per cluster. Slots: {word}, {place}, {family}.
ORGANISATION_TEMPLATES: Final[dict[str, tuple[str, ...]]] = {
    "automobility": (
        "{word} Mobility Systems", "{place} Drive Components", "{family} Automotive Interiors",
        "{word} E-Mobility", "{place} Charging Solutions",
    ),
    "cleantech": (
        "{word} Solar Cooperative", "{place} Energy Renovation", "{word} Water Technologies",
        "{family} Cleantech", "{word} Circular Materials",
    ),
    "healthtech": (
        "{word} MedTech", "{family} Diagnostics", "{place} Digital Health", "{word} Biosensors",
        "{word} Care Robotics",
    ),
    "materials-manufacturing": (
        "{word} Composites", "{place} Coatings", "{family} Precision Parts", "{word} Polymers",
        "{place} Steel Components",
    ),
    "wood": (
        "{word} Timber Works", "{place} Wood Construction", "{family} Sawmill", "{word} Wood Design",
    ),
    "ict": (
        "{word} Data Services", "{word} Software", "{place} Cloud Solutions", "{family} IT Consulting",
        "{word} Cybersecurity",
    ),
    "space": (
        "{word} Space Instruments", "{word} Orbital Robotics", "{place} Satellite Data",
        "{word} Space Resources",
    ),
}

# Project title templates per subsector (the primary subsector of the project lead).
# Slots: {client}, {place}, {word}.
PROJECT_TITLES: Final[dict[str, tuple[str, ...]]] = {
    "architecture": (
        "Renovation of the {place} cultural centre", "Timber extension for a school in {place}",
        "Masterplan for the {word} quarter", "Heritage restoration of a farmhouse in {place}",
        "Office fit-out for {client}",
    ),
    "crafts-manufacturing": (
        "Bespoke furniture for the {place} town hall", "Ceramic tableware for a restaurant in {place}",
        "Small-series lighting for {client}", "Restoration of church furniture in {place}",
    ),
    "visual-arts": (
        "Photo book '{word}'", "Public art commission in {place}", "Exhibition '{word}' in {place}",
        "Illustrations for {client}",
    ),
    "film-audiovisual": (
        "Documentary '{word}'", "Corporate film for {client}", "Animated short '{word}'",
        "TV series pilot '{word}'", "Image film for {client}",
    ),
    "design": (
        "Brand identity for {client}", "Wayfinding system for the {place} station area",
        "Packaging redesign for {client}", "Exhibition design for {client}", "Website redesign for {client}",
    ),
    "fashion-design": (
        "Capsule collection '{word}'", "Uniforms for {client}", "Costumes for the production '{word}'",
    ),
    "gaming": (
        "Serious game for {client}", "VR heritage experience in {place}", "Mobile game '{word}'",
        "Gamified training app for {client}",
    ),
    "marketing-communication": (
        "Campaign for {client}", "Launch event for {client}", "Social media strategy for {client}",
        "Annual report for {client}",
    ),
    "literature": (
        "Anthology of Luxembourgish short stories", "Translation of the novel '{word}' into German",
        "Children's book series '{word}'", "Literary walk in {place}",
    ),
    "digital-media-publishing": (
        "Podcast series '{word}'", "Online magazine relaunch for {client}",
        "Data story on housing in {place}", "Newsletter for {client}",
    ),
    "performing-arts": (
        "Touring production '{word}'", "Dance piece for the {place} festival",
        "Street theatre festival in {place}", "Theatre workshop series for schools in {place}",
    ),
    "music": (
        "Album '{word}'", "Soundtrack for {client}", "Concert series in {place}",
        "Sound identity for {client}",
    ),
}

# Open calls for tender: (title template, subsectors whose skills it needs, extra skills,
# client template). Slots: {place}; "{commune}" is the commune of {place}.
OPEN_TENDERS: Final[tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...]] = (
    ("Visitor centre film and interactive exhibition for the {place} museum",
     ("film-audiovisual", "design", "gaming", "architecture"), ("virtual-production", "tendering"),
     "{commune}"),
    ("Multilingual literary festival app and campaign for {place}",
     ("literature", "gaming", "marketing-communication", "design"), ("tendering",), "{commune}"),
    ("Cultural programme and visual identity for {place} 2027",
     ("marketing-communication", "performing-arts", "music", "design"), ("project-management",),
     "{commune}"),
    ("Interactive heritage trail in the Minett region",
     ("gaming", "visual-arts", "digital-media-publishing", "architecture"), ("eu-funding",),
     "Minett regional tourist office"),
    ("Sustainable stage sets and costumes for the {place} theatre",
     ("performing-arts", "fashion-design", "crafts-manufacturing", "design"), ("project-management",),
     "Municipal Theatre {place}"),
)

PRIVATE_CLIENTS: Final[tuple[str, ...]] = (
    "{family} Group", "Banque {family}", "Hotel {word}", "Domaine {family}", "{word} Real Estate",
    "{family} Retail", "{word} Brewery", "{family} Insurance", "{word} Logistics",
)

PUBLIC_CLIENTS: Final[tuple[str, ...]] = (
    "{commune}", "{commune}", "{place} tourist office", "Ministry of Culture", "Ministry of the Economy",
    "Ministry of Education", "{place} Regional Museum", "Ministry of Tourism",
)

EVENT_THEMES: Final[tuple[str, ...]] = (
    "AI and authorship", "Circular design and materials", "EU funding for creatives",
    "Export to the Greater Region", "Virtual production", "Intellectual property for creatives",
    "Sustainable events", "Games and education", "Public procurement for creatives",
    "Heritage and digitisation", "Textile recycling", "Music export", "Translation and publishing",
    "Creative industries and space", "Accessible culture", "Pricing creative work",
    "Brand Luxembourg", "Working across borders", "Immersive experiences", "Film co-production",
)

NETWORKING_TITLES: Final[tuple[str, ...]] = (
    "Creative Afterwork at {venue}", "Creative Breakfast {place}", "Neijoerschpatt of the creative cluster",
    "Summer Networking at {venue}", "Meet the Makers at {venue}", "Creative Drinks {place}",
)

CONFERENCE_TITLES: Final[tuple[str, ...]] = (
    "Creative Industries Day {year}", "Conference: {theme}", "Creative Minds Forum {year}",
)

# Outcome notes per introduction status. Slots: {word}, {place}.
INTRO_OUTCOMES: Final[dict[str, tuple[str, ...]]] = {
    "collaborating": (
        "Working together on a joint offer for a client in {place}.",
        "Co-producing the project '{word}'.",
        "Submitted a joint tender; now sharing a studio.",
        "First paid commission together, more planned.",
        "Regular subcontracting since the introduction.",
    ),
    "no-follow-up": (
        "Met once; no common project yet.",
        "Agreed to stay in touch, nothing concrete.",
        "Different timelines; no follow-up for now.",
        "Good conversation, but no budget on either side.",
    ),
    "declined": (
        "Declined: fully booked until next year.",
        "Declined: not a fit right now.",
        "Declined: already working with a partner.",
    ),
    "met": (
        "First meeting held; exploring a joint offer.",
        "Met at the hub; a second meeting is planned.",
    ),
}
