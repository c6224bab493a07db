import pytest

from search.text.lang import detect_lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ESG standards in China", "en"),
        ("中国的ESG标准有哪些", "zh"),
        ("标准", "zh"),
        ("处理", "zh"),
        ("IEEE 802.3cz-2023", "en"),
        ("美国电气与电子工程师协会标准协会发布 IEEE 802.3cz-2023 标准", "zh"),
        ("The standard GB 23350-2021 (限制商品过度包装要求) took effect in 2023.", "en"),
        ("第二届中国标准化大会在衢州召开 The Second China Standardization Conference", "zh"),
        ("", "en"),
        ("12345 !!!", "en"),
    ],
)
def test_detect_lang(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_detect_lang_is_deterministic() -> None:
    text = "Standardization 标准化 2023 年"
    assert len({detect_lang(text) for _ in range(20)}) == 1
