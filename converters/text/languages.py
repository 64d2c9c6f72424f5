"""Language names as TeX files write them (babel, polyglossia, biblatex) to BCP 47 tags.

CSL ``language`` and JATS ``xml:lang`` want BCP 47 (``de-DE``); .bib files say
``german``, ``ngerman``, ``langgerman`` or ``German``. The table follows pandoc's BibTeX
reader (a babel name gets its usual region). It is data, so every reader can use it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# babel / polyglossia / biblatex name (lower case) -> BCP 47
BABEL_TO_BCP47: dict[str, str] = {
    "afrikaans": "af-ZA", "albanian": "sq-AL", "american": "en-US", "amharic": "am-ET", "arabic": "ar",
    "armenian": "hy-AM", "australian": "en-AU", "austrian": "de-AT", "naustrian": "de-AT", "bahasa": "id-ID",
    "bahasai": "id-ID", "indonesian": "id-ID", "bahasam": "ms-MY", "malay": "ms-MY", "basque": "eu-ES",
    "belarusian": "be-BY", "bengali": "bn-IN", "brazil": "pt-BR", "brazilian": "pt-BR", "breton": "br-FR",
    "british": "en-GB", "bulgarian": "bg-BG", "canadian": "en-CA", "canadien": "fr-CA", "acadian": "fr-CA",
    "catalan": "ca-ES", "chinese": "zh-CN", "croatian": "hr-HR", "czech": "cs-CZ", "danish": "da-DK",
    "dutch": "nl-NL", "english": "en-US", "esperanto": "eo", "estonian": "et-EE", "farsi": "fa-IR",
    "persian": "fa-IR", "finnish": "fi-FI", "french": "fr-FR", "francais": "fr-FR", "frenchb": "fr-FR",
    "galician": "gl-ES", "german": "de-DE", "ngerman": "de-DE", "germanb": "de-DE", "greek": "el-GR",
    "polutonikogreek": "el-polyton", "hebrew": "he-IL", "hindi": "hi-IN", "hungarian": "hu-HU",
    "magyar": "hu-HU", "mandarin": "zh-CN", "mandarin chinese": "zh-CN", "icelandic": "is-IS",
    "interlingua": "ia", "irish": "ga-IE", "italian": "it-IT",
    "japanese": "ja-JP", "korean": "ko-KR", "latin": "la", "latvian": "lv-LV", "lithuanian": "lt-LT",
    "macedonian": "mk-MK", "mexican": "es-MX", "newzealand": "en-NZ", "norsk": "nb-NO", "norwegian": "nb-NO",
    "nynorsk": "nn-NO", "polish": "pl-PL", "portuguese": "pt-PT", "portuges": "pt-PT", "romanian": "ro-RO",
    "russian": "ru-RU", "scottish": "gd-GB", "serbian": "sr-RS", "slovak": "sk-SK", "slovene": "sl-SI",
    "slovenian": "sl-SI", "spanish": "es-ES", "swedish": "sv-SE", "swissgerman": "de-CH",
    "nswissgerman": "de-CH", "thai": "th-TH", "turkish": "tr-TR", "ukenglish": "en-GB", "ukrainian": "uk-UA",
    "usenglish": "en-US", "uppersorbian": "hsb-DE", "vietnamese": "vi-VN", "welsh": "cy-GB",
}

# BCP 47 -> the babel name a BibTeX writer gives it: the table's first name for the tag, and
# for a bare language subtag the name of its main region (de -> german), english for en
TO_BABEL: dict[str, str] = {"en": "english"}
for _name, _tag in BABEL_TO_BCP47.items():
    TO_BABEL.setdefault(_tag.lower(), _name)
    _language, _, _region = _tag.lower().partition("-")
    if _region in ("", _language):
        TO_BABEL.setdefault(_language, _name)
for _name, _tag in BABEL_TO_BCP47.items():  # then any region's: el-GR's greek for el
    TO_BABEL.setdefault(_tag.lower().partition("-")[0], _name)

_BCP47 = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_LIST = re.compile(r"\s+and\s+|\s*[,;]\s*")


def to_bcp47(name: str) -> str | None:
    """One language name or tag as BCP 47; None when it is neither a known name nor a tag."""
    text = name.strip()
    while text.startswith("{") and text.endswith("}"):  # a TeX group ({german}), not a brace character
        text = text[1:-1].strip()
    lowered = text.lower()
    if lowered in BABEL_TO_BCP47:
        return BABEL_TO_BCP47[lowered]
    if lowered.startswith("lang") and lowered[4:] in BABEL_TO_BCP47:  # biblatex's langgerman
        return BABEL_TO_BCP47[lowered[4:]]
    if _BCP47.fullmatch(text):
        return text
    return None


_VARIANT = re.compile(r"(?:^|,)\s*variant\s*=\s*([A-Za-z]+)")
_REGIONS = {"swiss": "CH", "austrian": "AT", "german": "DE"}  # polyglossia variants that are no babel name


def with_variant(tag: str, options: str) -> str:
    """A tag refined by polyglossia's ``variant=`` (biblatex's langidopts):
    english + variant=british is en-GB, german + variant=swiss de-CH."""
    match = _VARIANT.search(options)
    if match is None:
        return tag
    variant = match[1].lower()
    language = tag.split("-")[0]
    refined = BABEL_TO_BCP47.get(variant)
    if refined and refined.split("-")[0] == language:
        return refined
    if variant in _REGIONS:
        return f"{language}-{_REGIONS[variant]}"
    return tag


# ISO 639-2 codes (bibliographic and terminological) -> the two-letter tag BCP 47 uses for them
# (PubMed's and library catalogues' RIS write LA  - eng), for the languages above
ISO_639_2: dict[str, str] = {
    "afr": "af", "alb": "sq", "sqi": "sq", "amh": "am", "ara": "ar", "arm": "hy", "hye": "hy", "baq": "eu",
    "eus": "eu", "bel": "be", "ben": "bn", "bre": "br", "bul": "bg", "cat": "ca", "chi": "zh", "zho": "zh",
    "cze": "cs", "ces": "cs", "dan": "da", "dut": "nl", "nld": "nl", "eng": "en", "epo": "eo", "est": "et",
    "fin": "fi", "fre": "fr", "fra": "fr", "glg": "gl", "ger": "de", "deu": "de", "gre": "el", "ell": "el",
    "heb": "he", "hin": "hi", "hrv": "hr", "hun": "hu", "ice": "is", "isl": "is", "ind": "id", "gle": "ga",
    "ita": "it", "jpn": "ja", "kor": "ko", "lat": "la", "lav": "lv", "lit": "lt", "mac": "mk", "mkd": "mk",
    "may": "ms", "msa": "ms", "nor": "no", "nob": "nb", "nno": "nn", "per": "fa", "fas": "fa", "pol": "pl",
    "por": "pt", "rum": "ro", "ron": "ro", "rus": "ru", "gla": "gd", "srp": "sr", "slo": "sk", "slk": "sk",
    "slv": "sl", "spa": "es", "swe": "sv", "tha": "th", "tur": "tr", "ukr": "uk", "vie": "vi", "wel": "cy",
    "cym": "cy",
}


@lru_cache(maxsize=256)
def to_language_tag(value: str) -> str | None:
    """A language as the formats other than BibTeX write it (RIS's "English", PubMed's "eng",
    CSL's "en-GB") as BCP 47, None when it is neither a name nor a tag. A language's own name
    is the language without a region ("English" is en, where biblatex's english is en-US: the
    TeX names say which variant a document uses); a name for a variant keeps it (british:
    en-GB); an ISO 639-2 code is its two-letter tag."""
    text = value.strip()
    lowered = text.lower()
    if lowered in ISO_639_2:
        return ISO_639_2[lowered]
    if _BCP47.fullmatch(text):
        return text
    tag = BABEL_TO_BCP47.get(lowered)
    if tag is None:
        return None
    language = tag.partition("-")[0]
    return language if TO_BABEL.get(language) == lowered else tag


def to_babel(tag: str) -> str | None:
    """The babel name of a BCP 47 tag (biblatex's langid wants one), None when there is none."""
    lowered = tag.strip().lower()
    return TO_BABEL.get(lowered) or TO_BABEL.get(lowered.split("-")[0])


def split_languages(text: str) -> list[str]:
    """A biblatex list of languages ("langlatin and langgerman") as its items."""
    return [part for part in _LIST.split(text.strip()) if part]
