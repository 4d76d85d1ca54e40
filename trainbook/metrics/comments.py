"""What survey comments say: the themes each one touches (by the keywords of the 反馈主题 table) and
its tone — 正面, 负面 or 建议 — from cue words, with the negations and intensifiers Chinese comments use
("不太清楚" is negative, "一点也不难" is not, "太快" is a complaint, "希望…" a suggestion).

Substring matching is enough for keywords and cues: Chinese has no spaces to split on, and the
words that matter here are short fixed phrases, so no segmenter is needed.
"""

from __future__ import annotations

import re

import pandas as pd

from trainbook.schema.columns import Choice

TONES = (
    Choice("negative", "负面", "Negative"),
    Choice("suggestion", "建议", "Suggestion"),
    Choice("positive", "正面", "Positive"),
)

POSITIVE = (
    "很好", "挺好", "不错", "满意", "清楚", "清晰", "实用", "有用", "收获", "受益", "精彩", "生动", "有趣", "专业", "耐心",
    "感谢", "谢谢", "棒", "赞", "喜欢", "到位", "周到", "用心", "热情", "干货", "有帮助", "启发", "透彻", "易懂",
    "细致", "流畅", "顺利", "值得", "好评", "满分", "丰富", "充实", "深入浅出", "有条理", "及时", "方便", "舒适", "稳定",
    "幽默", "受用", "学到", "用得上", "很好的", "非常好", "好课", "讲得好", "准时", "给力", "点赞", "有意思", "详细",
    "解决了", "解答", "答疑", "热门", "很热门", "很热情", "有问题都能", "有问题随时",  # the longer cue wins: 很热情, not 很热
    "great", "excellent", "good", "useful", "helpful", "clear", "enjoy", "loved", "practical", "interesting",
    "well organi", "thank",
)
NEGATIVE = (  # phrases, not lone characters: 差 is in 出差, 热 in 热门, 问题 in 问题都解决了
    "卡顿", "很卡", "太卡", "有点卡", "一直卡", "老是卡", "卡住", "卡了", "掉线", "断线", "延迟", "听不清", "看不清", "听不懂",
    "跟不上", "枯燥", "无聊", "糟糕", "失望", "浪费", "混乱", "拖堂", "噪音", "模糊", "单调", "照本宣科", "念PPT", "念ppt",
    "没意思", "走神", "犯困", "很困", "太困", "有点困", "想睡", "沉闷", "很闷", "太冷", "很冷", "有点冷", "太热", "很热",
    "有点热", "冷场", "拥挤", "很挤", "很吵", "吵闹", "嘈杂", "很差", "太差", "较差", "比较差", "差劲", "很乱", "太乱",
    "有点乱", "乱七八糟", "慢吞吞", "啰嗦", "重复太多", "内容重复", "重复了", "空洞", "太多", "太少",
    "太长", "太短", "太快", "太慢", "太难", "太浅", "太简单", "太深", "有点快", "有点慢", "有点难", "偏快", "偏慢", "偏难",
    "不足", "欠缺", "缺少", "缺乏", "麻烦", "问题很多", "问题太多", "出问题", "出了问题", "没解决", "没有解决", "解决不了",
    "抱怨", "没用", "不满", "一般般", "杂音", "回音", "断断续续", "黑屏",
    "进不去", "打不开", "看不到", "不方便", "仓促", "太赶", "有点赶", "很赶", "敷衍", "迟到", "不准时", "不稳定",
    "不清楚", "不清晰",
    "偏浅", "偏深", "偏多", "偏少", "太晚", "太早", "有点多", "有点少", "帮助不大", "意义不大", "作用不大", "消化不了",
    "太小", "太大", "太吵", "太暗", "太闷", "太挤", "网络差", "信号差", "音质差", "音效差", "画质差", "声音差", "体验差",
    "效果差", "质量差", "环境差", "有点差", "有些差", "有问题", "有点问题", "有些问题", "老是断", "总是断", "有点吵",
    "好吵", "有点挤", "好挤", "闷热", "好热", "好冷", "有点闷", "比较乱", "比较赶", "费劲", "吃力",
    "terrible", "bad", "poor", "boring", "confusing", "froze", "lagg", "too fast", "too slow", "unclear", "noisy",
    "hard to", "couldn't", "could not", "broken", "problems with", "problem with", "waste", "too late", "started late",
    "ran late", "minutes late", "ran over", " lag",
)
SUGGESTION = (
    "希望", "建议", "能否", "可否", "能不能", "可不可以", "如果能", "要是能", "若能", "最好", "期待", "期望", "应该",
    "可以增加", "可以多", "多一些", "多一点", "多些", "增加", "再多", "下次", "不妨",
    "hope", "suggest", "would be nice", "would like", "please", "wish", "next time", "should", "could we",
)
NEGATIONS = ("不是很", "不是太", "不太", "不够", "并不", "一点也不", "一点都不", "毫无", "没什么", "没有什么", "没有任何",
             "没任何", "没有", "没", "不", "无", "not ", "not very ", "n't ", "never ", "no ")
CONTRAST = re.compile("但是|但|不过|可是|然而|就是|只是| but |, but")  # what comes after weighs more
_MARKS = r"[\s。.，,！!、…~-]*"
_NONE_SAID = "无|没有|暂无|没|无意见|没有意见|暂无意见|无建议|没有建议|暂无建议|暂时没有|暂时没有意见|n/?a|none|no|nothing"
NOTHING = re.compile(f"^{_MARKS}({_NONE_SAID})?{_MARKS}$", re.IGNORECASE)

_CUES = sorted({*POSITIVE, *NEGATIVE}, key=len, reverse=True)  # the longest first: 不清楚 before 清楚
_CUE = re.compile("|".join(map(re.escape, _CUES)))
_NEGATED = re.compile(f"(?:{'|'.join(map(re.escape, NEGATIONS))})$")


def tone(comment: object) -> str | None:
    """'negative', 'suggestion' or 'positive' for a comment; None for a blank one or one that says
    there is nothing to say (无, 暂无意见)."""
    if not isinstance(comment, str) or NOTHING.match(comment):
        return None
    text = comment.strip().lower()
    clauses = CONTRAST.split(text)
    negative = positive = 0.0
    for i, clause in enumerate(clauses):
        weight = 1.0 + 0.5 * (i > 0)  # after 但是: what is really meant
        for match in _CUE.finditer(clause):
            cue = match.group()
            before = clause[max(0, match.start() - 9):match.start()]
            is_negative = cue in NEGATIVE
            if _NEGATED.search(before) and not cue.startswith(("不", "没")):
                is_negative = not is_negative  # 不太清楚, 一点也不枯燥, 没什么收获
            if is_negative:
                negative += weight
            else:
                positive += weight
    suggests = any(cue in text for cue in SUGGESTION)
    if negative and negative >= positive:
        return "negative"
    if suggests:
        return "suggestion"
    if positive:
        return "positive"
    if negative:
        return "negative"
    return "suggestion"  # something said, neither praise nor complaint: an idea to read


def themes(comment: object, keywords: dict[str, tuple[str, ...]]) -> list[str]:
    """Every theme one of whose keywords the comment contains, in the table's order."""
    if not isinstance(comment, str):
        return []
    text = comment.lower()
    return [theme for theme, words in keywords.items() if any(_contains(text, word.lower()) for word in words)]


def _contains(text: str, word: str) -> bool:
    """A Chinese keyword anywhere; a Latin one only from the start of a word (time, not sometimes)."""
    if word.isascii():
        return re.search(rf"(?<![a-z]){re.escape(word)}", text) is not None
    return word in text


def keyword_table(frame: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """theme → keywords, from the 反馈主题 sheet (keywords separated by 、 ， , ; or spaces)."""
    if "theme" not in frame or "keywords" not in frame:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for theme, words in zip(frame["theme"], frame["keywords"]):
        if isinstance(theme, str) and theme.strip() and isinstance(words, str):
            found = tuple(w for w in re.split(r"[、，,;；\s/]+", words) if w)
            out[theme.strip()] = (*out.get(theme.strip(), ()), *found)
    return out
