"""The feedback themes a new workbook's 反馈主题 sheet starts with: the common training complaints
and praises, each with the words a comment about it usually contains. The coordinator edits them."""

from __future__ import annotations

from dataclasses import dataclass

from trainbook.i18n import Lang, pick


@dataclass(frozen=True)
class Theme:
    zh: str
    en: str
    keywords_zh: str
    keywords_en: str

    def label(self, lang: Lang) -> str:
        return pick(lang, self.zh, self.en)

    def keywords(self, lang: Lang) -> str:
        """The words a comment about the theme contains: an English workbook's take the Chinese
        ones too (its comments are often written in Chinese)."""
        return pick(lang, self.keywords_zh, f"{self.keywords_en}, {self.keywords_zh}")


THEMES: tuple[Theme, ...] = (
    Theme("讲师", "Teacher", "老师、讲师、讲课、讲解、授课、口音",
          "teacher, trainer, instructor, explain, accent"),
    Theme("内容", "Content", "内容、课程、知识、案例、理论、干货、新意",
          "content, course, topic, case, theory, material covered"),
    Theme("难度", "Difficulty", "太难、很难、有点难、偏难、难度、难懂、简单、太深、太浅、偏浅、偏深、基础、听不懂",
          "difficult, hard, easy, basic, advanced, lost"),
    Theme("节奏/时间", "Pace and time",
          "节奏、太快、太慢、有点快、有点慢、偏快、跟不上、时间、拖堂、课时、时长、太赶、仓促、休息",
          "pace, fast, slow, rushed, time, overran, too long, too short, break"),
    Theme("组织", "Organisation", "组织、安排、通知、签到、流程、衔接、混乱、打卡",
          "organis, schedule, notice, check-in, sign-in"),
    Theme("场地", "Venue", "场地、教室、会议室、空调、座位、环境、太冷、太热、停车、挤、吵",
          "venue, room, seat, air con, cold, hot, noisy, parking"),
    Theme("设备/网络", "Equipment and network",
          "网络、卡顿、很卡、太卡、一直卡、直播、声音、麦克风、投影、画面、掉线、断线、延迟、音质、设备、听不清、杂音、回音",
          "network, lag, stream, sound, audio, microphone, projector, video, dropped, connection, echo"),
    Theme("资料", "Materials", "资料、课件、PPT、讲义、材料、手册、回放",
          "materials, slides, handout, notes, recording, replay"),
    Theme("互动", "Interaction", "互动、讨论、提问、答疑、分组、交流、参与",
          "interact, discussion, question, Q&A, group work"),
    Theme("实用性", "Practicality", "实用、实际、工作中、落地、实操、实践、用得上、有用",
          "practical, useful, hands-on, apply, real work"),
)
