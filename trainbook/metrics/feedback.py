"""反馈分析 and 改进: the survey's figures per session and teacher, the comments' themes and tone,
and the findings that cross the settings' thresholds — each an improvement action with a stable id.

Sessions and teachers with fewer than `min_group_size` responses are folded into 其他 (their
comments are counted in the themes but never quoted), and no row names who wrote a comment.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from trainbook import values
from trainbook.i18n import Lang, clauses, listing, message
from trainbook.metrics.aggregates import ITEMS
from trainbook.metrics.comments import TONES, keyword_table, themes, tone
from trainbook.schema.columns import labels
from trainbook.schema.settings import Settings
from trainbook.schema.sheets import BY_KEY, FEEDBACK_SCOPE, first_rows
from trainbook.workbook.master import Master

EXAMPLES = 2  # comments quoted per theme


@dataclass(frozen=True)
class Finding:
    """A problem the feedback shows: what the 改进 sheet's row says of it."""

    action_id: str
    source: str
    problem: str
    figures: str


@dataclass
class Analysis:
    rows: pd.DataFrame  # the 反馈分析 sheet, by its columns' keys
    themes: pd.DataFrame  # per theme: comments, negative, suggestion, positive, negative_share (the dashboard's)
    findings: list[Finding]


def analyse(master: Master, plan: pd.DataFrame, by_session: pd.DataFrame, by_teacher: pd.DataFrame,
            settings: Settings, lang: Lang) -> Analysis:
    """The analysis of the feedback sheet as it stands (`by_session`/`by_teacher`: the summaries
    progress worked out, small groups already folded)."""
    comments = _comments(master, plan, settings, lang)
    scope = labels(FEEDBACK_SCOPE, lang)
    names = {str(k): f"{k} {t}".strip() if isinstance(t, str) else str(k) for k, t in zip(plan.index, plan["title"])}
    rows = [_figures(by_session, comments, "place", scope["session"], names),
            _figures(by_teacher, comments, "teacher_place", scope["teacher"], {})]
    per_theme = _themes(comments, settings, lang)
    if not per_theme.empty:
        rows.append(per_theme.assign(scope=scope["theme"], name=per_theme.index).reset_index(drop=True))
    if not comments.empty:
        tone_label = labels(TONES, lang)
        rows.append(pd.DataFrame({"scope": scope["comment"], "name": comments["place"].map(lambda p: names.get(p, p)),
                                  "themes": comments["themes"].map(lambda t: listing(t, lang)),
                                  "tone": comments["tone"].map(tone_label), "text": comments["comments"]}))
    frame = pd.concat([r for r in rows if not r.empty], ignore_index=True) if any(not r.empty for r in rows) else \
        pd.DataFrame(columns=BY_KEY["feedback_analysis"].keys)
    frame = frame.reindex(columns=BY_KEY["feedback_analysis"].keys)
    findings = _item_findings(by_session, "session", names, settings, lang) + \
        _item_findings(by_teacher, "teacher", {}, settings, lang) + _theme_findings(per_theme, settings, lang)
    return Analysis(frame, per_theme, findings)


def _comments(master: Master, plan: pd.DataFrame, settings: Settings, lang: Lang) -> pd.DataFrame:
    """Every comment with its session's place (its id, or 其他 when the session has too few
    responses), its teacher's, its themes and its tone — never who wrote it."""
    feedback = master.typed("feedback")
    for column in ("session_id", "comments"):
        if column not in feedback:
            feedback[column] = None
    other = message("other", lang)
    sizes = feedback.groupby("session_id")["session_id"].transform("size")
    feedback["place"] = feedback["session_id"].where(sizes >= settings.min_group_size, other).fillna(other).astype(str)
    teacher = feedback["session_id"].map(plan["teacher"]) if "teacher" in plan else pd.Series(None, index=feedback.index)
    teacher_sizes = teacher.groupby(teacher).transform("size")
    feedback["teacher_place"] = teacher.where(teacher_sizes >= settings.min_group_size, other).fillna(other).astype(str)
    tones = feedback["comments"].map(tone).astype(object)  # None: blank, or nothing said (无, 暂无意见)
    said = feedback[tones.notna().to_numpy()].copy()
    keywords = keyword_table(master.frame("themes") if "themes" in master.tables else
                             pd.DataFrame(first_rows("themes", lang)))
    said["themes"] = said["comments"].map(lambda c: themes(c, keywords))
    said["tone"] = tones[tones.notna()]
    return said[["place", "teacher_place", "comments", "themes", "tone"]]


def _tones(comments: pd.DataFrame, key: str) -> pd.DataFrame:
    counts = pd.crosstab(comments[key], comments["tone"]) if not comments.empty else pd.DataFrame()
    counts = counts.reindex(columns=[t.key for t in TONES], fill_value=0)
    counts["comments"] = counts.sum(axis=1)
    return counts


def _figures(summary: pd.DataFrame, comments: pd.DataFrame, key: str, scope: str, names: dict[str, str]) -> pd.DataFrame:
    """The rows of sessions (or teachers): their ratings and how many comments of each tone."""
    if summary.empty:
        return pd.DataFrame()
    tones = _tones(comments, key).reindex(summary.index, fill_value=0)
    out = summary[[*ITEMS, "top2", "nps", "responses"]].join(tones)
    out["negative_share"] = (out["negative"] / out["comments"]).where(out["comments"] > 0)
    out.insert(0, "name", [names.get(str(k), str(k)) for k in out.index])
    out.insert(0, "scope", scope)
    return out.reset_index(drop=True)


def _themes(comments: pd.DataFrame, settings: Settings, lang: Lang) -> pd.DataFrame:
    """Per theme: how many comments touch it, of each tone, the share negative, and two of them to
    read (the negative first; only from sessions large enough to quote)."""
    if comments.empty:
        return pd.DataFrame()
    tagged = comments.explode("themes").dropna(subset=["themes"])
    if tagged.empty:
        return pd.DataFrame()
    order = list(dict.fromkeys(t for ts in comments["themes"] for t in ts))
    out = _tones(tagged, "themes").reindex(order)
    out["negative_share"] = out["negative"] / out["comments"]
    quotable = tagged[tagged["place"] != message("other", lang)]
    rank = {t.key: i for i, t in enumerate(TONES)}
    quotable = quotable.assign(rank=quotable["tone"].map(rank)).sort_values("rank", kind="stable")
    out["text"] = quotable.groupby("themes")["comments"].agg(
        lambda c: clauses(list(c.drop_duplicates().head(EXAMPLES)), lang)).reindex(order)
    return out


def _item_findings(summary: pd.DataFrame, kind: str, names: dict[str, str], settings: Settings,
                   lang: Lang) -> list[Finding]:
    """A rating below `improve_below`, or an NPS below 0, of a session or teacher large enough to show."""
    found: list[Finding] = []
    scope = labels(FEEDBACK_SCOPE, lang)[kind]
    header = {c.key: c.header(lang) for c in BY_KEY["feedback_analysis"].columns}
    for key, row in summary.iterrows():
        if key == message("other", lang) or pd.isna(row["overall"]):
            continue
        who = names.get(str(key), str(key))
        for item in ITEMS:
            mean = row[item]
            if pd.notna(mean) and mean < settings.improve_below:
                found.append(Finding(_id(f"{scope}{key}·{header[item]}"), f"{scope} {who}",
                                     message("improve-low", lang, item=header[item], mean=f"{mean:.2f}",
                                             below=f"{settings.improve_below:g}"),
                                     message("improve-figures", lang, item=header[item], mean=f"{mean:.2f}",
                                             responses=int(row["responses"]))))
        if pd.notna(row["nps"]) and row["nps"] < 0:
            found.append(Finding(_id(f"{scope}{key}·NPS"), f"{scope} {who}", message("improve-nps", lang),
                                 message("improve-figures", lang, item="NPS", mean=f"{row['nps']:.0f}",
                                         responses=int(row["responses"]))))
    return found


def _id(text: str) -> str:
    """An action's id: its finding in words, with nothing an id may not hold (设备/网络 → 设备-网络)."""
    from trainbook.outputs import safe_name

    return safe_name(text.replace("/", "-"))


def _theme_findings(per_theme: pd.DataFrame, settings: Settings, lang: Lang) -> list[Finding]:
    """A theme with at least `improve_min_comments` negative comments (a praised theme: none)."""
    scope = labels(FEEDBACK_SCOPE, lang)["theme"]
    found = []
    for theme, row in per_theme.iterrows():
        if row["negative"] >= settings.improve_min_comments:
            found.append(Finding(_id(f"{scope}·{theme}"), f"{scope} {theme}",
                                 message("improve-theme", lang, theme=theme, count=int(row["negative"])),
                                 message("improve-theme-figures", lang, count=int(row["negative"]),
                                         total=int(row["comments"]))))
    return found


def actions(current: pd.DataFrame, findings: list[Finding], as_of: pd.Timestamp, lang: Lang) -> pd.DataFrame | None:
    """The 改进 sheet with a row added for each new finding and, on every row trainbook made, whether
    its finding still holds as of `as_of` (and its figures, while it does). The coordinator's cells —
    measure, owner, due date, status, notes — are never touched. None when nothing changes."""
    frame = current.copy()
    for column in BY_KEY["actions"].keys:
        if column not in frame:
            frame[column] = None
    frame = frame.astype(object)
    ids = values.text(frame["action_id"]) if len(frame) else pd.Series(dtype=object)
    by_id = {f.action_id: f for f in findings}
    day = f"{as_of:%Y-%m-%d}"
    holds, gone = message("improve-holds", lang, day=day), message("improve-gone", lang, day=day)
    noted = message("improve-gone", lang, day="\0").split("\0")[0]  # what a row already noted as gone starts with
    ours = ids.notna() & frame["source"].notna()
    for row in frame.index[ours.to_numpy()]:
        finding = by_id.get(str(ids[row]))
        if finding is None:
            if not str(frame.at[row, "current"] or "").startswith(noted):
                frame.at[row, "current"] = gone  # the first day it no longer holds, kept
        else:
            frame.at[row, "current"], frame.at[row, "figures"] = holds, finding.figures
            frame.at[row, "problem"] = finding.problem  # trainbook's words, as the figures now stand
    known = set(ids.dropna())
    new = [f for f in findings if f.action_id not in known]
    if new:
        start = int(frame.index.max()) + 1 if len(frame) else 2
        added = pd.DataFrame([{"action_id": f.action_id, "source": f.source, "problem": f.problem, "figures": f.figures,
                               "found_on": as_of, "current": holds} for f in new],
                             index=pd.RangeIndex(start, start + len(new)), dtype=object)
        frame = pd.concat([frame, added.reindex(columns=frame.columns)])
    before = current.reindex(columns=frame.columns).astype(object)
    if len(frame) == len(current) and frame.fillna("").astype(str).equals(before.fillna("").astype(str)):
        return None
    return frame
