"""The skill taxonomy of the seed cluster.

Each subsector lists its skills from the most to the least common (the generator draws them
with decreasing weights in this order). ``CROSS_CUTTING`` are business skills that belong to no
subsector. ``RARE_SKILLS`` are given to one or two members only and ``UNHELD_SKILLS`` to
nobody, so that team assembly has something it cannot staff.
"""

from __future__ import annotations

from typing import Final

__all__ = ["CROSS_CUTTING", "RARE_SKILLS", "SUBSECTOR_SKILLS", "UNHELD_SKILLS", "all_skills"]

SUBSECTOR_SKILLS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "architecture": (
        ("bim-modelling", "BIM modelling"),
        ("building-permits", "Building permit applications"),
        ("interior-architecture", "Interior architecture"),
        ("sustainable-building", "Sustainable building"),
        ("architectural-visualisation", "Architectural visualisation"),
        ("town-planning", "Town planning"),
        ("heritage-restoration", "Heritage restoration"),
        ("landscape-architecture", "Landscape architecture"),
        ("structural-engineering", "Structural engineering"),
        ("timber-construction", "Timber construction"),
    ),
    "crafts-manufacturing": (
        ("fine-woodworking", "Fine woodworking and cabinet making"),
        ("ceramics", "Ceramics"),
        ("goldsmithing", "Jewellery and goldsmithing"),
        ("metalwork", "Artistic metalwork"),
        ("upholstery", "Upholstery"),
        ("small-series-3d-printing", "Small-series 3D printing"),
        ("leatherwork", "Leatherwork"),
        ("bookbinding", "Bookbinding"),
        ("glassblowing", "Glassblowing"),
        ("stone-carving", "Stone carving"),
        ("stained-glass", "Stained glass"),
    ),
    "visual-arts": (
        ("photography", "Photography"),
        ("illustration", "Illustration"),
        ("painting", "Painting"),
        ("exhibition-curation", "Exhibition curation"),
        ("art-mediation", "Art mediation"),
        ("sculpture", "Sculpture"),
        ("printmaking", "Printmaking"),
        ("murals-street-art", "Murals and street art"),
        ("installation-art", "Installation art"),
        ("art-conservation", "Art conservation"),
    ),
    "film-audiovisual": (
        ("film-editing", "Film editing"),
        ("cinematography", "Cinematography"),
        ("film-production", "Film production management"),
        ("film-directing", "Film directing"),
        ("animation-2d", "2D animation"),
        ("colour-grading", "Colour grading"),
        ("screenwriting", "Screenwriting"),
        ("animation-3d", "3D animation"),
        ("vfx-compositing", "VFX compositing"),
        ("film-sound-mixing", "Film sound mixing"),
        ("drone-filming", "Drone filming"),
        ("subtitling", "Subtitling"),
        ("motion-capture", "Motion capture"),
        ("virtual-production", "Virtual production (LED volume)"),
    ),
    "design": (
        ("graphic-design", "Graphic design"),
        ("brand-identity", "Brand identity"),
        ("ux-design", "UX design"),
        ("product-design", "Product design"),
        ("packaging-design", "Packaging design"),
        ("motion-design", "Motion design"),
        ("exhibition-design", "Exhibition design"),
        ("service-design", "Service design"),
        ("typography", "Typography"),
        ("signage-wayfinding", "Signage and wayfinding"),
        ("furniture-design", "Furniture design"),
    ),
    "fashion-design": (
        ("womenswear", "Womenswear design"),
        ("pattern-making", "Pattern making"),
        ("accessories-design", "Accessories design"),
        ("costume-design", "Costume design"),
        ("upcycled-fashion", "Upcycled and circular fashion"),
        ("menswear", "Menswear design"),
        ("fashion-styling", "Fashion styling"),
        ("textile-printing", "Textile printing"),
        ("knitwear", "Knitwear"),
        ("sustainable-sourcing", "Sustainable textile sourcing"),
    ),
    "gaming": (
        ("game-design", "Game design"),
        ("unity-development", "Unity development"),
        ("game-art", "Game art and 3D assets"),
        ("serious-games", "Serious games"),
        ("unreal-development", "Unreal Engine development"),
        ("vr-ar-development", "VR and AR development"),
        ("level-design", "Level design"),
        ("gamification", "Gamification"),
        ("narrative-design", "Narrative design"),
        ("game-qa", "Playtesting and QA"),
    ),
    "marketing-communication": (
        ("social-media-marketing", "Social media marketing"),
        ("copywriting", "Copywriting"),
        ("event-management", "Event management"),
        ("public-relations", "Public relations"),
        ("content-strategy", "Content strategy"),
        ("campaign-planning", "Campaign planning"),
        ("seo-sea", "SEO and search advertising"),
        ("media-buying", "Media buying"),
        ("market-research", "Market research"),
        ("influencer-marketing", "Influencer marketing"),
        ("crisis-communication", "Crisis communication"),
    ),
    "literature": (
        ("literary-translation", "Literary translation"),
        ("editing-proofreading", "Editing and proofreading"),
        ("creative-writing", "Creative writing"),
        ("book-publishing", "Book publishing"),
        ("childrens-books", "Children's book writing"),
        ("luxembourgish-editing", "Luxembourgish-language editing"),
        ("literary-events", "Readings and literary events"),
        ("poetry", "Poetry"),
        ("ghostwriting", "Ghostwriting"),
        ("rights-sales", "Foreign rights sales"),
        ("audiobook-production", "Audiobook production"),
        ("surtitling", "Theatre surtitling"),
    ),
    "digital-media-publishing": (
        ("journalism", "Journalism"),
        ("web-publishing", "Web publishing and CMS"),
        ("podcast-production", "Podcast production"),
        ("magazine-layout", "Magazine layout"),
        ("newsletter-publishing", "Newsletter publishing"),
        ("video-journalism", "Video journalism"),
        ("audience-development", "Audience development"),
        ("data-journalism", "Data journalism"),
        ("fact-checking", "Fact-checking"),
        ("e-book-production", "E-book production"),
    ),
    "performing-arts": (
        ("acting", "Acting"),
        ("stage-direction", "Stage direction"),
        ("dance", "Dance"),
        ("stage-lighting", "Stage lighting"),
        ("set-design", "Set design"),
        ("choreography", "Choreography"),
        ("stage-management", "Stage management"),
        ("tour-management", "Tour management"),
        ("theatre-education", "Theatre education"),
        ("circus-arts", "Circus arts"),
        ("puppetry", "Puppetry"),
    ),
    "music": (
        ("music-production", "Music production"),
        ("composition", "Composition"),
        ("live-performance", "Live performance"),
        ("recording-mixing", "Recording and mixing"),
        ("instrument-teaching", "Instrument teaching"),
        ("live-sound", "Live sound engineering"),
        ("artist-management", "Artist management"),
        ("film-game-scoring", "Film and game scoring"),
        ("music-publishing", "Music publishing and sync"),
        ("mastering", "Mastering"),
        ("spatial-audio", "Spatial audio mixing"),
    ),
}

CROSS_CUTTING: Final[tuple[tuple[str, str], ...]] = (
    ("project-management", "Project management"),
    ("community-management", "Community management"),
    ("tendering", "Public tenders and procurement"),
    ("fundraising", "Fundraising and sponsorship"),
    ("eu-funding", "EU funding applications"),
    ("export-sales", "Export sales"),
    ("accounting", "Accounting"),
    ("legal-contracts", "Legal contracts"),
    ("ip-licensing", "IP and licensing"),
    ("gdpr-compliance", "GDPR compliance"),
    ("coaching-mentoring", "Coaching and mentoring"),
    ("ai-act-compliance", "AI Act compliance"),
)

# Held by one or two members each.
RARE_SKILLS: Final[tuple[str, ...]] = ("motion-capture", "spatial-audio", "stained-glass", "surtitling")

# In the taxonomy, held by nobody: team assembly must report them as missing.
UNHELD_SKILLS: Final[tuple[str, ...]] = ("ai-act-compliance", "virtual-production")


def all_skills() -> list[tuple[str, str, str | None]]:
    """Every skill as ``(id, name, subsector or None)``, subsectors in taxonomy order, then
    the cross-cutting skills."""
    out: list[tuple[str, str, str | None]] = []
    for subsector, skills in SUBSECTOR_SKILLS.items():
        out.extend((sid, name, subsector) for sid, name in skills)
    out.extend((sid, name, None) for sid, name in CROSS_CUTTING)
    return out
