"""Word and phrase banks for the synthetic ad corpus (private).

Everything here is invented for testing detectors. Ads carry only what detectors
need: contacts, places, rates, claimed ages and indicator phrases; never explicit
content.
"""

from __future__ import annotations

__all__ = [
    "AREA_CODES",
    "EYES",
    "FIRST_NAMES",
    "HAIR",
    "HANDLE_PLATFORMS",
    "LAST_NAMES",
    "MARKS",
    "NICKNAMES",
    "RACES",
    "SENTENCE_BANK",
    "SIGNATURE_PARTS",
    "SITES",
    "SWAPS",
    "TITLE_OPENERS",
]

#: Female first names with common nicknames (poster alias / ad work name).
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Alexandra": ("Lexi", "Alex", "Sandra"),
    "Brianna": ("Bree", "Bri"),
    "Jessica": ("Jess", "Jessie"),
    "Kimberly": ("Kim", "Kimmy"),
    "Katherine": ("Kat", "Katie", "Kate"),
    "Elizabeth": ("Liz", "Beth", "Lizzy"),
    "Samantha": ("Sam", "Sammy"),
    "Jennifer": ("Jen", "Jenny"),
    "Victoria": ("Tori", "Vicky"),
    "Gabriella": ("Gabby", "Ella"),
    "Isabella": ("Bella", "Izzy"),
    "Destiny": ("Desi",),
    "Madison": ("Maddie", "Maddy"),
    "Jasmine": ("Jazz", "Jazzy"),
    "Stephanie": ("Steph", "Stevie"),
    "Christina": ("Chrissy", "Tina"),
    "Nicole": ("Nikki", "Cole"),
    "Amber": ("Ambie",),
    "Ashley": ("Ash", "Ashlee"),
    "Tiffany": ("Tiff",),
    "Vanessa": ("Nessa", "Vee"),
    "Veronica": ("Ronnie", "Vero"),
    "Daniela": ("Dani",),
    "Angelica": ("Angel", "Angie"),
    "Melissa": ("Mel", "Missy"),
    "Rebecca": ("Becca", "Becky"),
    "Danielle": ("Dani", "Elle"),
    "Michelle": ("Shelly", "Mich"),
    "Adriana": ("Adri",),
    "Autumn": ("Autie",),
    "Savannah": ("Savvy", "Anna"),
    "Gabrielle": ("Brielle", "Gabby"),
    "Kayla": ("Kay",),
    "Alyssa": ("Lyssa", "Aly"),
    "Mariah": ("Mimi",),
    "Raven": ("Rae",),
    "Serenity": ("Sera",),
    "Trinity": ("Trin",),
    "Precious": ("Presh",),
    "Crystal": ("Crys",),
    "Diamond": ("Dee",),
    "Essence": ("Essie",),
    "Harmony": ("Harm",),
    "Jada": ("Jay",),
    "Kiara": ("Kiki",),
    "Layla": ("Lay",),
    "Mackenzie": ("Kenzie", "Mack"),
    "Natalia": ("Nat", "Talia"),
    "Olivia": ("Liv", "Livvy"),
    "Paige": ("Pay",),
    "Sierra": ("Cece",),
    "Tatiana": ("Tati", "Tanya"),
    "Valentina": ("Val", "Tina"),
    "Whitney": ("Whit",),
    "Yasmin": ("Yaz",),
    "Zoe": ("Zo",),
    "Cassandra": ("Cassie", "Cass"),
    "Felicia": ("Fee", "Lisha"),
    "Gianna": ("Gigi",),
    "Heather": ("Heath",),
    "Imani": ("Mani",),
    "Josephine": ("Josie", "Jo"),
    "Kendra": ("Kenny",),
    "Lauren": ("Laurie", "Ren"),
    "Monica": ("Mona",),
    "Priscilla": ("Cilla", "Prissy"),
    "Rosalind": ("Rosie", "Roz"),
    "Tamara": ("Tami", "Mara"),
    "Unique": ("Niki",),
    "Aaliyah": ("Liyah",),
}

FIRST_NAMES: tuple[str, ...] = tuple(NICKNAMES)

LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
    "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson",
    "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker",
    "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
    "Carter", "Roberts", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz",
    "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy", "Cook",
)  # fmt: skip

HAIR: tuple[str, ...] = ("black", "brown", "blonde", "red", "auburn")
EYES: tuple[str, ...] = ("brown", "blue", "green", "hazel")
RACES: tuple[str, ...] = ("White", "Black", "Hispanic", "Asian", "Multiracial")
MARKS: tuple[str, ...] = (
    "tattoo of a star on left wrist",
    "tattoo of a rose on right shoulder",
    "scar above right eyebrow",
    "pierced nose",
    "tattoo reading a name on neck",
    "birthmark on left cheek",
    "tattoo of a crown on hand",
)

SITES: tuple[str, ...] = ("site-a", "site-b", "site-c", "site-d")

HANDLE_PLATFORMS: tuple[str, ...] = ("snap", "ig", "kik", "telegram")

#: Real NANP area codes by state (so phone numbers parse as valid numbers).
AREA_CODES: dict[str, tuple[str, ...]] = {
    "AL": ("205", "251", "256"), "AZ": ("480", "520", "602"), "CA": ("213", "310",
    "415", "619", "714", "916"), "CO": ("303", "719", "720"), "DC": ("202",),
    "FL": ("305", "407", "813", "904"), "GA": ("404", "470", "678"), "IL": ("312",
    "773", "847"), "IN": ("317", "219", "260"), "KY": ("502", "859"), "LA": ("504",
    "225"), "MA": ("617", "508"), "MD": ("410", "443"), "MI": ("313", "248", "616"),
    "MN": ("612", "651"), "MO": ("314", "816"), "NC": ("704", "919", "336"),
    "NE": ("402",), "NM": ("505",), "NV": ("702", "775"), "NY": ("212", "718",
    "917", "716"), "OH": ("216", "614", "513"), "OK": ("405", "918"), "OR": ("503",
    "971"), "PA": ("215", "412", "267"), "TN": ("615", "901", "423"), "TX": ("214",
    "713", "512", "210", "817", "903", "915"), "VA": ("757", "804"), "WA": ("206",
    "253", "509"), "WI": ("414", "608"), "HI": ("808",), "KS": ("316", "913"),
    "NJ": ("201", "973"), "AK": ("907",), "ID": ("208",), "UT": ("801",),
}  # fmt: skip

TITLE_OPENERS: tuple[str, ...] = (
    "New in town",
    "Just arrived",
    "Visiting this week only",
    "Sweet and classy",
    "Available now",
    "Upscale company",
    "Last night in town",
    "Your favorite girl",
    "Fresh face",
    "Back in town",
    "Special tonight",
    "Classy companion",
)

#: Boilerplate sentences shared across the whole corpus (with slots). Indicator
#: phrases follow the deck's example ads and the published indicator lists.
SENTENCE_BANK: tuple[str, ...] = (
    "New in town and available now.",
    "Just arrived in {city} this week only.",
    "Visiting {city} for a few days.",
    "I am {name}, {age} years young.",
    "Ask for {name}.",
    "Hi gentlemen, my name is {name}.",
    "Available 24/7 for you.",
    "Incalls at my hotel only.",
    "Outcalls to hotels in the {city} area.",
    "No cops or LE.",
    "Serious callers only.",
    "Real pics, no games.",
    "Cash only.",
    "Two girls available, ask about my friend.",
    "New girls every week.",
    "Fresh face, new girl in town.",
    "{hh} hh {hr} hr.",
    "qv {qv} hh {hh} hr {hr} roses.",
    "Donations {hr} per hour.",
    "Text {phone} to book.",
    "Call me at {phone}.",
    "Call or text {phone}.",
    "Clean men who respect a lady.",
    "Down to earth and open minded.",
    "You will not regret it.",
    "Upscale company for the discerning gentleman.",
    "Very clean relaxing setting.",
    "Independent, no roommates.",
    "{height} {weight} {hair} hair {eyes} eyes.",
    "Sweet {age} year old.",
    "Here until Sunday.",
    "On tour, leaving soon.",
    "Short notice welcome.",
    "Discreet and safe.",
    "Screening required.",
    "Let me be the best part of your day.",
)

#: Compositional parts for each template's distinctive sentences.
SIGNATURE_PARTS: dict[str, tuple[str, ...]] = {
    "open": (
        "Treat yourself to", "Come enjoy", "Spend time with", "Unwind with",
        "Relax with", "Escape the stress with", "Make time for", "Discover",
        "Indulge in", "Take a break with", "Enjoy", "Say hello to",
    ),
    "adj": (
        "a sweet", "a classy", "a bubbly", "a charming", "a petite", "a tall",
        "a friendly", "an elegant", "a playful", "a gorgeous", "a warm",
        "a radiant", "a sunny", "a lovely", "a stunning", "a graceful",
    ),
    "noun": (
        "southern belle", "city girl", "island beauty", "college type",
        "girl next door", "dancer", "fitness lover", "bookworm", "brunette",
        "redhead", "blonde bombshell", "traveler", "model type", "country girl",
    ),
    "with": (
        "with a great smile", "with a calm vibe", "with sweet conversation",
        "with a fun personality", "who loves to laugh", "with good energy",
        "with a warm heart", "who is always on time", "with a soft voice",
        "who likes good music", "with a bright attitude", "with classy style",
    ),
    "close": (
        "Evenings are best.", "Mornings are best.", "Weekends fill up fast.",
        "Book ahead please.", "No texting games.", "Respect my time.",
        "Hotel friendly.", "Generous gentlemen preferred.", "Limited time.",
        "Short stays only.", "Ask about specials.", "First timers welcome.",
        "Mature men preferred.", "Appointments only.", "Walk ins welcome.",
    ),
}  # fmt: skip

#: Word swaps applied per ad (both directions happen across the corpus).
SWAPS: dict[str, tuple[str, ...]] = {
    "available": ("avail", "availible", "ready"),
    "gentlemen": ("gents", "guys", "fellas"),
    "tonight": ("2nite", "tonite"),
    "text": ("txt", "msg"),
    "call": ("kall", "ring"),
    "hotel": ("room", "motel"),
    "you": ("u", "ya"),
    "sweet": ("sweeet", "swt"),
    "classy": ("klassy", "elegant"),
    "new": ("nu", "brand new"),
    "girl": ("gurl", "lady"),
    "week": ("wk", "weekend"),
    "only": ("onli", "ONLY"),
    "please": ("pls", "plz"),
    "respect": ("respct", "honor"),
    "serious": ("srs", "real"),
}
