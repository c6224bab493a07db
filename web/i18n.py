"""The interface language: one at a time (中文 or English), from ``?ui=``, then the ``ui``
cookie, then ``Accept-Language``; and the words of the pages in both languages."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Flask, Response, request

UI_LANGS = ("zh", "en")
COOKIE = "ui"
COOKIE_AGE = 365 * 24 * 3600

WORDS: dict[str, tuple[str, str]] = {  # key: (中文, English)
    "brand": ("双语检索", "Bilingual search"),
    "skip": ("跳到内容", "Skip to content"),
    "search_for": ("检索词", "Search for"),
    "placeholder": ("例如 碳达峰 标准", "e.g. ESG standards in China"),
    "search": ("搜索", "Search"),
    "language": ("语言", "Language"),
    "lang_any": ("全部", "All"),
    "lang_zh": ("中文", "Chinese"),
    "lang_en": ("英文", "English"),
    "long_mode": ("粘贴段落", "Paste a paragraph"),
    "short_mode": ("单行检索", "One line"),
    "paragraph_hint": (
        "粘贴正在起草的段落（最多 {n} 字），查找支持或相符的中英文段落。",
        "Paste the paragraph you are drafting (up to {n} characters) to find the passages, "
        "in both languages, that support or match it.",
    ),
    "filters": ("筛选", "Filters"),
    "documents": ("文献", "Documents"),
    "date_from": ("起始日期", "From"),
    "date_to": ("截止日期", "To"),
    "apply": ("应用筛选", "Apply filters"),
    "clear": ("清除筛选", "Clear filters"),
    "summary": (  # what is shown (cards are articles), then where it is in the whole ranking
        "“{q}”：{articles}中的 {passages}（第 {first}–{last} 段，共{about} {total} 段）",
        "{passages} in {articles} for “{q}” ({first}–{last} of {about}{total})",
    ),
    "summary_none": ("“{q}”：没有找到段落", "No passages for “{q}”"),
    "one_passage": ("1 段", "1 passage"),
    "n_passages": ("{n} 段", "{n} passages"),
    "one_article": ("1 篇文章", "1 article"),
    "n_articles": ("{n} 篇文章", "{n} articles"),
    "about": ("约", "about "),
    "no_good": ("没有找到可靠的答案", "No good answer for this query"),
    "no_good_hint": (
        "这些文献似乎没有谈到这个问题。下面是最接近的段落，仅供参考。",
        "The documents do not seem to cover this. The closest passages are below, "
        "for reference only.",
    ),
    "weaker": ("较弱的匹配", "Weaker matches"),
    "other_lang_zh": ("中文资料中的相关段落", "What the Chinese sources say"),
    "other_lang_en": ("英文资料中的相关段落", "What the English sources say"),
    "weak": ("弱匹配", "weak match"),
    "more_results": ("更多结果", "More results"),
    "more_from_article": ("本文另有 {n} 段", "{n} more from this article"),
    "open_context": ("在原文中查看", "Open in context"),
    "source": ("原始来源", "Original source"),
    "copy_gbt": ("复制引用（GB/T 7714）", "Copy citation (GB/T 7714)"),
    "copy_chicago": ("复制引用（Chicago）", "Copy citation (Chicago)"),
    "copied": ("已复制", "Copied"),
    "copy_failed": ("复制失败", "Copy failed"),
    "select": ("选择此条", "Select"),
    "export": ("导出所选结果", "Export the selected results"),
    "no_results": ("没有找到结果，请换个说法。", "No results: try other words."),
    "home_intro": (
        "在以下文献中检索中文和英文段落，每条结果都附出处。",
        "Search the Chinese and English passages of these documents; every result is cited.",
    ),
    "passages": ("段", "passages"),
    "examples": ("试试这些检索", "Try these searches"),
    "back": ("返回结果", "Back to results"),
    "contents": ("目录", "Contents"),
    "parts": ("分部分阅读", "Parts of the document"),
    "part_of": ("第 {n} 部分，共 {m} 部分", "Part {n} of {m}"),
    "prev_part": ("上一部分", "Previous part"),
    "next_part": ("下一部分", "Next part"),
    "front_matter": ("封面、目录等前置内容", "Cover, contents and other front matter"),
    "original_file": ("原始文件", "Original file"),
    "sources": ("来源", "Sources"),
    "error_back": ("返回检索", "Back to search"),
    "error_400": ("无法完成这次检索", "This search could not be run"),
    "error_401": ("需要访问密钥", "An access key is needed"),
    "error_404": ("找不到这个页面", "There is nothing at this address"),
    "error_405": ("不支持这种请求", "This address does not accept that kind of request"),
    "error_413": ("提交的内容太长", "What was sent is too long"),
    "error_429": ("检索太频繁，请稍候再试", "Too many searches: wait a moment and try again"),
    "error_500": (
        "服务器出错，请稍后再试",
        "Something went wrong on our side; please try again later",
    ),
    "error_503": (
        "部分索引暂时无法访问，请稍后再试",
        "Part of the index cannot be reached right now: try again shortly",
    ),
    "footer": (
        "中文与英文文献检索，结果附出处。",
        "Chinese and English documents, every result cited.",
    ),
    "switch_to": ("English", "中文"),
    "weak_badge": ("弱", "weak"),
}

# A validation message (search/query.py, web/query.py) and what a drafter is told instead.
FRIENDLY: tuple[tuple[str, tuple[str, str]], ...] = (
    (r"^the query is empty", ("请输入要检索的词语。", "Type some words to search for.")),
    (
        r"^the query has (\d+) characters; the limit is (\d+)",
        (
            "检索内容有 {0} 字，超过上限 {1} 字，请删减后再试。",
            "The text has {0} characters; the limit is {1}. Shorten it and try again.",
        ),
    ),
    (r"^lang ", ("请选择语言：全部、中文或英文。", "Choose a language: All, Chinese or English.")),
    (
        r"^k ",
        (
            "结果数量需为 1 到 {max_k} 之间的整数。",
            "The number of results must be a whole number from 1 to {max_k}.",
        ),
    ),
    (
        r"^offset ",
        (
            "结果位置超出范围，请回到第一页。",
            "That page of results is out of range: go back to the first page.",
        ),
    ),
    (r"^doc ", ("所选文献无效，请重新选择。", "The documents chosen are not valid: choose again.")),
    (
        r"^no document",
        (
            "所选文献不在检索范围内，请重新选择。",
            "A document chosen is not in this collection: choose again.",
        ),
    ),
    (
        r"^date_(from|to) must",
        (
            "日期格式应为 2024-07-31、2024-07 或 2024。",
            "Dates look like 2024-07-31, 2024-07 or 2024.",
        ),
    ),
    (
        r"^date_from .* is after",
        ("起始日期晚于截止日期。", "The start date is after the end date."),
    ),
)


def ui_lang() -> str:
    """The interface language of the current request."""
    asked = request.args.get("ui")
    if asked in UI_LANGS:
        return asked
    saved = request.cookies.get(COOKIE)
    if saved in UI_LANGS:
        return saved
    for value, _ in request.accept_languages:
        primary = value.split("-")[0].lower()
        if primary in UI_LANGS:
            return primary
    return "en"


def t(key: str, **values: object) -> str:
    """The words for ``key`` in the interface language, with ``values`` filled in."""
    zh, en = WORDS[key]
    text = zh if ui_lang() == "zh" else en
    return text.format(**values) if values else text


def counted(n: int, noun: str) -> str:
    """``n`` of ``noun`` (``passage`` or ``article``) in the interface language: "1 passage",
    "10 passages", "10 段"."""
    return t(f"one_{noun}") if n == 1 else t(f"n_{noun}s", n=n)


def friendly(message: str, max_k: int = 50) -> str:
    """A validation message in the words of a drafter, in the interface language."""
    for pattern, (zh, en) in FRIENDLY:
        m = re.search(pattern, message)
        if m:
            text = zh if ui_lang() == "zh" else en
            return text.format(*m.groups(), max_k=max_k)
    return message


def ui_url(lang: str) -> str:
    """This page in interface language ``lang`` (its query string kept, for a GET)."""
    args = request.args.to_dict(flat=False) if request.method == "GET" else {}
    args["ui"] = [lang]
    return request.path + "?" + urlencode(args, doseq=True)


def remember(response: Response) -> Response:
    """Keep a language chosen with ``?ui=`` in a cookie."""
    asked = request.args.get("ui")
    if asked in UI_LANGS and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_AGE, samesite="Lax")
    return response


def register(app: Flask) -> None:
    app.add_template_global(t, "t")
    app.add_template_global(counted, "counted")
    app.add_template_global(ui_lang, "ui_lang")
    app.add_template_global(ui_url, "ui_url")
    app.after_request(remember)
