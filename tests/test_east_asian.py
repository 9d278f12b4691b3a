"""Pages in scripts written without spaces (Chinese, Japanese) are measured, not lost: a sentence
counts its characters as words, ends at an ideographic stop, its paragraphs are the article, and
its full-width punctuation stays; Korean, whose function words are endings glued to words, is not
judged by a word list. The pages here are written for these tests."""
from __future__ import annotations

import pytest

import pipeline
from pipeline.textutil import ends_sentence, guess_language, sentence_spans, token_count, words

ZH_PARAGRAPHS = [
    "本市的中心公园经过一年的改造，今天重新向市民开放。改造工程包括新建步道、增加绿地面积以及修复湖边的老建筑。",
    "公园管理处表示，新的步道全长三公里，适合散步和跑步；湖边还新设了十二个休息区（每个休息区都有座椅和遮阳棚）。",
    "许多市民在开放第一天就来到公园。一位退休教师说：“以前这里很拥挤，现在环境好多了。”",
]
ZH_PAGE = "首页\n\n新闻\n\n体育\n\n财经\n\n# 城市公园改造完成\n\n" + "\n\n".join(ZH_PARAGRAPHS) + "\n\n版权所有 © 2024 城市日报\n"
JA_PARAGRAPHS = [
    "駅前の市立図書館が改装工事を終え、今月から利用できるようになりました。新しい図書館には、子ども向けの読書室と自習スペースが設けられています。",
    "館長によると、蔵書は以前より三割ほど増え、電子書籍の貸し出しも始まるということです。",
    "利用者からは「静かで使いやすくなった」という声が聞かれました。",
]
JA_PAGE = "ホーム\n\nニュース\n\nスポーツ\n\n# 駅前の図書館が新しくなりました\n\n" + "\n\n".join(JA_PARAGRAPHS) + "\n"


def kept(page: dict) -> list[str]:
    return [b["text"] for s in page["sections"] for b in s["blocks"]]


def test_han_and_kana_characters_count_as_words_and_latin_words_stay_whole() -> None:
    assert words("今天 Kindleや楽天koboには café") == ["今", "天", "Kindle", "や", "楽", "天", "kobo", "に", "は", "café"]
    assert token_count("今天天气很好") == 7  # one whitespace token and six characters: a cheap count


def test_sentences_end_at_ideographic_stops_with_or_without_space() -> None:
    text = "今天天气很好。我们去公园！你呢？「好。」"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["今天天气很好。", "我们去公园！", "你呢？", "「好。」"]
    assert ends_sentence("利用者からは「静かで使いやすくなった」という声が聞かれました。")
    assert not ends_sentence("公园管理处表示，新的步道全长三公里，")


def test_sentences_of_a_script_without_case_split_after_a_full_stop() -> None:
    text = "서울의 공원이 새로 열렸습니다. 시민들은 크게 환영했습니다."
    assert [text[a:b] for a, b in sentence_spans(text)] == ["서울의 공원이 새로 열렸습니다.", "시민들은 크게 환영했습니다."]


def test_language_of_han_and_kana_text_is_told_by_its_script() -> None:
    settings = pipeline.load_rules().text.language
    assert guess_language("\n".join(ZH_PARAGRAPHS), **settings) == "zh"
    assert guess_language("\n".join(JA_PARAGRAPHS), **settings) == "ja"


@pytest.mark.parametrize("page, paragraphs, title", [(ZH_PAGE, ZH_PARAGRAPHS, "城市公园改造完成"),
                                                     (JA_PAGE, JA_PARAGRAPHS, "駅前の図書館が新しくなりました")])
@pytest.mark.parametrize("name", ["page.txt", "page.md"])
def test_an_article_keeps_every_paragraph_and_loses_its_menu(page: str, paragraphs: list[str], title: str,
                                                              name: str) -> None:
    result = pipeline.clean(page, name=name)
    assert kept(result) == paragraphs  # full-width punctuation as written: nothing turned into ASCII
    assert result["source"]["title"] == title
    assert {r["rule"] for r in result["removed"] if r["text"] in ("首页", "新闻", "ホーム", "ニュース")} == {"menu"}
    assert not [r for r in result["removed"] if r["stage"] in ("mojibake", "pdf")]


def test_an_html_article_in_chinese_keeps_its_paragraphs() -> None:
    body = "".join(f"<p>{p}</p>" for p in ZH_PARAGRAPHS)
    html = (f'<html lang="zh"><head><title>城市公园改造完成</title></head><body><nav><a href="/">首页</a>'
            f'<a href="/news">新闻</a></nav><h1>城市公园改造完成</h1>{body}</body></html>')
    assert kept(pipeline.clean(html, name="page.html")) == ZH_PARAGRAPHS


def test_link_targets_do_not_hide_a_japanese_pages_language() -> None:
    # a dump's link targets are long Latin strings; they are no language's words and would dilute
    # the share of kana and Han letters that tells Japanese
    para = "".join(JA_PARAGRAPHS)
    link = "[リンク](https://example.com/a-very-long-path/with-many-latin-letters-in-it/" + "x" * 200 + ")"
    doc = pipeline.read(f"{para}\n\n{link} {link} {link}\n", name="x.md")
    assert doc.language == "ja" and doc.profile.language == "ja"


KO_PARAGRAPHS = [
    "시청 앞 광장에서 어제 오후 시민 음악회가 열렸고 많은 가족들이 돗자리를 펴고 앉아 공연을 즐겼다. "
    "구청은 다음 달에도 같은 장소에서 두 번 더 음악회를 열 계획이라고 밝혔다.",
    "이번 공연에는 지역 고등학교 합창단과 시립 관현악단이 함께 무대에 올랐으며 관객들은 마지막 곡이 "
    "끝나자 오랫동안 박수를 보냈다. 행사는 해가 진 뒤 불꽃놀이로 마무리되었다.",
    "주최 측은 올해 처음으로 장애인 관객을 위한 수어 통역과 자막 화면을 준비했고 관객들의 반응이 좋아 "
    "내년에는 모든 공연에 같은 서비스를 제공하겠다고 전했다 (사진 제공 시청 문화과)",
]


def test_a_korean_article_keeps_its_paragraphs() -> None:
    # its word list is of particles (을, 는, 의): a space-split word is rarely one of them, so a
    # stopword density would find no prose on the page, and keep only the blocks that end a sentence
    body = "".join(f"<p>{p}</p>" for p in KO_PARAGRAPHS)
    html = (f'<html lang="ko"><head><title>시민 음악회</title></head><body><nav><a href="/">홈</a>'
            f'<a href="/news">뉴스</a></nav><h1>시민 음악회</h1>{body}</body></html>')
    assert kept(pipeline.clean(html, name="page.html")) == KO_PARAGRAPHS
