"""Mirror copies: traditional characters (繁體), pinyin after each character.

The parser reads a simplified, pinyin-free copy of the text; an index map takes
every offset back into the original, so provenance points at the page as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# "報(bào)告": a parenthesised syllable with a tone mark right after a CJK character.
_PINYIN = re.compile(rf"(?<=[\u3400-\u9fff])[(（](?=[a-zü]*[{_TONED}])[a-zü{_TONED}]{{1,8}}[)）]")
_CJK = re.compile(r"[\u3400-\u9fff]")
# A text is converted when this many of its CJK characters are traditional-only.
_MIN_TRADITIONAL = 3
_MIN_TRADITIONAL_SHARE = 0.005


@dataclass
class Simplified:
    text: str
    transforms: list[str] = field(default_factory=list)
    index: list[int] | None = None  # position in ``text`` -> position in the original

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if self.index is None:
            return start, end
        if end <= start:
            position = self.index[start] if start < len(self.index) else (self.index[-1] + 1 if self.index else 0)
            return position, position
        return self.index[start], self.index[end - 1] + 1


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def simplify(text: str) -> Simplified:
    result = Simplified(text)
    # Tone marks are rare on these pages: looking for one first (a fast substring
    # search) spares most texts the pinyin pattern, whose look-behind the regex
    # engine tries at every character.
    if any(mark in text for mark in _TONED) and _PINYIN.search(text):
        kept: list[int] = []
        pieces: list[str] = []
        position = 0
        for match in _PINYIN.finditer(text):
            pieces.append(text[position : match.start()])
            kept.extend(range(position, match.start()))
            position = match.end()
        pieces.append(text[position:])
        kept.extend(range(position, len(text)))
        result.text = "".join(pieces)
        result.index = kept
        result.transforms.append("pinyin_removed")
    converted = _to_simplified(result.text)
    if converted is not None:
        result.text = converted
        result.transforms.append("traditional_to_simplified")
    return result


# Traditional-only characters common in these reports: a text with none of them
# is not converted (saves the conversion on the vast majority of pages).
_TRADITIONAL_HINT = re.compile("[開報請機關務據數統計處複議訟結轉規範實與個為這們會發時間對應當從說業體區縣鎮鄉辦資訊門網頁條]")


def _to_simplified(text: str) -> str | None:
    """The simplified text, same length, when the text is traditional; else None."""
    if len(_TRADITIONAL_HINT.findall(text, 0, 20000)) < _MIN_TRADITIONAL:
        return None
    converter = _converter()
    converted = converter.convert(text)
    if len(converted) != len(text):
        # Phrase rules changed the length: convert character by character.
        converted = "".join(c if len(s := converter.convert(c)) != 1 else s for c in text)
    changed = sum(1 for a, b in zip(text, converted) if a != b)
    cjk = len(_CJK.findall(text)) or 1
    if changed >= _MIN_TRADITIONAL and changed / cjk >= _MIN_TRADITIONAL_SHARE:
        return converted
    return None
