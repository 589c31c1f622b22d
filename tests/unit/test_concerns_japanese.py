"""The one normalisation of Japanese text (portal.japanese), with Japanese data."""

import pytest

from portal.japanese import (
    contains,
    domain_matches,
    joined_key,
    match_key,
    matches,
    normalise,
    normalise_domain,
    reading_key,
    tokens,
)


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("ﾄﾞﾗｺﾞﾝﾎﾞｰﾙ", "ドラゴンボール"),  # half-width katakana with voiced marks
        ("どらごんぼーる", "ドラゴンボール"),  # hiragana reading
        ("ドラゴン・ボール", "ドラゴンボール"),  # middle dot
        ("ＯＮＥ　ＰＩＥＣＥ", "One Piece"),  # full-width Latin and ideographic space
        ("onepiece", "ONE PIECE"),
        ("佐々木", "佐佐木"),  # kanji iteration mark
        ("いすゞ", "いすず"),  # voiced kana iteration mark
        ("コンピューター", "コンピュータ"),  # prolonged-sound mark
        ("「鬼滅の刃」", "鬼滅の刃"),
        ("ｷﾒﾂﾉﾔｲﾊﾞ", "きめつのやいば"),
    ],
)
def test_variants_of_a_japanese_title_share_one_key(variant, canonical):
    assert match_key(variant) == match_key(canonical)


def test_different_words_keep_different_keys():
    assert match_key("進撃の巨人") != match_key("進撃の小人")
    assert match_key("ワンピース") != match_key("ワンパンマン")


def test_a_word_inside_a_japanese_sentence_is_found():
    assert contains("講談社の作品を学習に使用", "講談社")
    assert contains("データセット：ｺｳﾀﾞﾝｼｬ提供の漫画", "コウダンシャ")
    assert not contains("集英社の作品", "講談社")


def test_an_empty_term_matches_nothing():
    assert not contains("何でも", "")
    assert not contains("何でも", " ・ ")


def test_normalise_keeps_words_apart_but_folds_widths_and_case():
    assert normalise("Ｋｕｍｏ　Ｖｉｄｅｏ") == "kumo video"
    assert normalise("アニメ") == "あにめ"


@pytest.mark.parametrize(
    ("typed", "host"),
    [
        ("https://WWW.Kodansha.co.jp/comics/", "kodansha.co.jp"),
        ("ｋｏｄａｎｓｈａ．ｃｏ．ｊｐ", "kodansha.co.jp"),
        ("kodansha.co.jp:443", "kodansha.co.jp"),
        ("例え.jp", "xn--r8jz45g.jp"),
    ],
)
def test_domains_are_reduced_to_their_host(typed, host):
    assert normalise_domain(typed) == host


def test_a_watched_domain_matches_its_subdomains_only():
    assert domain_matches("comic.kodansha.co.jp", "kodansha.co.jp")
    assert domain_matches("https://kodansha.co.jp/", "www.kodansha.co.jp")
    assert not domain_matches("notkodansha.co.jp", "kodansha.co.jp")
    assert not domain_matches("kodansha.co.jp.evil.example", "kodansha.co.jp")


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("進撃の巨人 全話キャプション", "しんげきのきょじん"),  # a hiragana reading finds the kanji title
        ("講談社の作品を学習に使用", "コウダンシャ"),  # a katakana reading inside a sentence
        ("こうだんしゃ提供", "講談社"),  # and the other way round
    ],
)
def test_kana_readings_match_words_written_in_kanji(text, term):
    assert matches(text, term)


def test_short_readings_do_not_match_homophones():
    assert reading_key("紙") == reading_key("神") == "かみ"
    assert not matches("神の雫", "紙")


def test_latin_letters_and_digits_keep_their_spelling_in_readings():
    assert reading_key("ONE PIECE 2024年") == "onepiece2024ねん"


def test_a_joined_key_never_matches_across_two_fields():
    key = joined_key(["進撃の", "巨人", ""])
    assert "進撃の" in key and "巨人" in key
    assert match_key("進撃の巨人") not in key


def test_tokens_split_a_japanese_sentence_into_words():
    assert tokens("講談社の作品を学習に使用") == ["講談社", "の", "作品", "を", "学習", "に", "使用"]
    assert tokens("ＯＮＥ　ＰＩＥＣＥ、ｺﾐｯｸｽ") == ["onepiece", "こみっくす"]
