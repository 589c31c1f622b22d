"""One normalisation of Japanese and English text for matching: watch terms, source search, indexes.

`normalise()` folds what a reader takes for the same word: full-width and half-width forms (NFKC),
katakana and hiragana, upper and lower case, kana iteration marks (ゝゞヽヾ) and the kanji iteration
mark 々 (佐々木 = 佐佐木), and the prolonged-sound mark after kana (コンピューター = コンピュータ).
`match_key()` also drops spaces and the punctuation titles are written with or without (・, -, 「」),
so 「ドラゴン・ボール」 and "ﾄﾞﾗｺﾞﾝﾎﾞｰﾙ" give one key. Both sides of a comparison go through the same
function, so a key is compared with keys only: `contains(text, term)`.

Matching is substring matching over keys, so a word is found inside a sentence (講談社 in
「講談社の作品を学習に使用」). `reading_key()` adds what folding cannot: the kana reading of words written
in kanji, from SudachiPy's core dictionary (しんげきのきょじん = 進撃の巨人, こうだんしゃ = 講談社).
`matches()` uses it for terms whose reading is long enough not to collide with homophones. Without
SudachiPy installed, readings are skipped and everything else works the same.
"""

import contextlib
import re
import threading
import unicodedata

_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}  # ァ..ヶ -> ぁ..ゖ
_KANA_ITERATION = {"ゝ": False, "ゞ": True}  # after katakana folding, ヽヾ are ゝゞ
_VOICED = {chr(c): chr(c + 1) for c in range(0x304B, 0x3062, 2)}  # か->が ... ち->ぢ
_VOICED.update({"つ": "づ", "て": "で", "と": "ど", "う": "ゔ"})
_VOICED.update({chr(c): chr(c + 1) for c in (0x306F, 0x3072, 0x3075, 0x3078, 0x307B)})  # は->ば ...
_PROLONGED = "ー"
# Marks titles are written with or without: middle dots, dashes, quotes and brackets, wave dashes.
_SEPARATORS = re.compile(r"[\s・･\-‐‑‒–—―−_~〜～'\"`「」『』【】〔〕（）()\[\]{}<>〈〉《》.,:;!?、。！？／/\\＆&]+")


def _is_kana(char: str) -> bool:
    return "\u3041" <= char <= "\u309f" or "\u30a0" <= char <= "\u30ff"


def normalise(text: str) -> str:
    """Text folded for comparison: widths, case, katakana to hiragana, iteration and prolonged marks."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = text.replace("ヽ", "ゝ").replace("ヾ", "ゞ").translate(_KATAKANA_TO_HIRAGANA)
    out: list[str] = []
    for char in text:
        previous = out[-1] if out else ""
        if char == "々" and previous:
            out.append(previous)
        elif char in _KANA_ITERATION and previous and _is_kana(previous):
            out.append(_VOICED.get(previous, previous) if _KANA_ITERATION[char] else previous)
        elif char == _PROLONGED and previous and _is_kana(previous):
            continue  # コンピューター and コンピュータ are one word
        else:
            out.append(char)
    return " ".join("".join(out).split())


def match_key(text: str) -> str:
    """The normalised text without spaces and title punctuation: the form terms are matched in."""
    return _SEPARATORS.sub("", normalise(text))


def contains(text: str, term: str) -> bool:
    """Whether `term` occurs in `text`, both read through `match_key` (an empty term matches nothing)."""
    key = match_key(term)
    return bool(key) and key in match_key(text)


def normalise_domain(value: str) -> str:
    """A host name as typed or as a URL, reduced to its host: https://WWW.Example.jp/x -> example.jp."""
    host = unicodedata.normalize("NFKC", value or "").strip().casefold()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host)
    host = re.split(r"[/?#:\s]", host, maxsplit=1)[0].strip(".")
    if host.startswith("www."):
        host = host[4:]
    with contextlib.suppress(UnicodeError):  # not a valid IDN: compared as typed
        host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    return host


def domain_matches(domain: str, watched: str) -> bool:
    """Whether `domain` is the watched domain or one of its subdomains (comic.example.jp for example.jp)."""
    domain, watched = normalise_domain(domain), normalise_domain(watched)
    return bool(watched) and (domain == watched or domain.endswith("." + watched))


# A reading shorter than this collides with too many homophones (かみ: 紙, 神, 髪) to be a match.
MIN_READING_LENGTH = 4
# SudachiPy refuses very long input; what is matched (names, titles) is far shorter.
MAX_READING_INPUT = 5000
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々]")
_local = threading.local()


def _tokenizer():
    """One SudachiPy tokenizer per thread (they are not thread-safe), or None when it is not installed."""
    if not hasattr(_local, "tokenizer"):
        try:
            from sudachipy import Dictionary, SplitMode
        except ImportError:
            _local.tokenizer = None
        else:
            _local.tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    return _local.tokenizer


def reading_key(text: str) -> str:
    """The `match_key` of the text read aloud: words with kanji replaced by their kana reading.

    Latin letters and digits stay as written (Sudachi would spell them out in katakana). Empty when
    SudachiPy is not installed.
    """
    tokenizer = _tokenizer()
    if tokenizer is None or not text:
        return ""
    text = unicodedata.normalize("NFKC", text)[:MAX_READING_INPUT]
    parts = []
    for morpheme in tokenizer.tokenize(text):
        surface = morpheme.surface()
        parts.append(morpheme.reading_form() if _KANJI.search(surface) else surface)
    return match_key("".join(parts))


def matches(text: str, term: str, *, term_reading: str | None = None) -> bool:
    """Whether `term` occurs in `text` as written (through `match_key`) or as read (through `reading_key`).

    `term_reading` may be passed precomputed when one term is matched against many texts.
    """
    if contains(text, term):
        return True
    reading = reading_key(term) if term_reading is None else term_reading
    return len(reading) >= MIN_READING_LENGTH and reading in reading_key(text)


def joined_key(texts) -> str:
    """One stored key for several fields (name, rights holders, …): keys joined by a newline, which no
    query key contains (`match_key` drops whitespace), so a match never spans two fields."""
    return "\n".join(key for key in (match_key(str(t)) for t in texts if t) if key)


def tokens(text: str) -> list[str]:
    """The words of the text, each as its `match_key`, for a token index (a tsvector): SudachiPy's
    morphemes (mode C) without symbols and spaces; without SudachiPy, the whitespace-separated words."""
    tokenizer = _tokenizer()
    if tokenizer is None:
        return [key for key in (match_key(word) for word in normalise(text).split()) if key]
    text = unicodedata.normalize("NFKC", text or "")[:MAX_READING_INPUT]
    words = (m.surface() for m in tokenizer.tokenize(text) if m.part_of_speech()[0] not in ("補助記号", "空白"))
    return [key for key in (match_key(word) for word in words) if key]


def index_tokens(text: str) -> list[str]:
    """What a token index stores for the text, so that a query's `tokens()` find it: each word (mode C),
    the shorter words it is made of (mode A: 東京大学 also gives 東京, 大学) and, for words with kanji,
    their kana reading (講談社 also gives こうだんしゃ). Each is a `match_key`; duplicates removed, order kept.
    Without SudachiPy, the same as `tokens()`."""
    tokenizer = _tokenizer()
    if tokenizer is None:
        return list(dict.fromkeys(tokens(text)))
    from sudachipy import SplitMode

    text = unicodedata.normalize("NFKC", text or "")[:MAX_READING_INPUT]
    found: list[str] = []
    for morpheme in tokenizer.tokenize(text):
        if morpheme.part_of_speech()[0] in ("補助記号", "空白"):
            continue
        surface = morpheme.surface()
        found.append(surface)
        found.extend(part.surface() for part in morpheme.split(SplitMode.A))
        if _KANJI.search(surface):
            found.append(morpheme.reading_form())
    return [key for key in dict.fromkeys(match_key(word) for word in found) if key]


# Particles and auxiliary verbs (の, を, です) occur in nearly every Japanese text: as query words they
# would only make a token search slower, never narrower.
_FUNCTION_WORDS = ("助詞", "助動詞")


def query_tokens(text: str) -> list[str]:
    """The words of a search query, as `tokens()`, without particles and auxiliary verbs (unless the
    query is nothing else). Without SudachiPy, the same as `tokens()`."""
    tokenizer = _tokenizer()
    if tokenizer is None:
        return tokens(text)
    text = unicodedata.normalize("NFKC", text or "")[:MAX_READING_INPUT]
    words, function_words = [], []
    for morpheme in tokenizer.tokenize(text):
        part = morpheme.part_of_speech()[0]
        if part in ("補助記号", "空白"):
            continue
        key = match_key(morpheme.surface())
        if key:
            (function_words if part in _FUNCTION_WORDS else words).append(key)
    return words or function_words
