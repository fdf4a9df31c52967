"""An optional email of the new papers after ``run`` (settings ``[email]``).

"New" is a paper a daily post of the run shows (its list or its ⭐ section) that no earlier
email had: the ids already sent are kept in ``_dailypapers/mailed.json`` (committed with the
site, published by no Jekyll build), so a rerun sends nothing and a failed send is tried
again by the next run. The email is in the posts' language, with a plain-text and an HTML
part; each paper has its title, organization, summary (the language model's when there is
one, else the abstract) and links.

It goes over SMTP with STARTTLS (the standard library's ``smtplib`` and ``ssl``, the
server's certificate checked): a server that does not offer STARTTLS gets nothing, neither
the password nor the email. The password is read from ``$DAILYPAPERS_SMTP_PASSWORD`` only
(a workflow secret) and never printed: an error line says what failed, not what was sent.
A failure is a :class:`~dailypapers.errors.NotifyError`, which the command turns into a
warning: the posts are written before, whatever happens here.
"""

from __future__ import annotations

import html
import json
import os
import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from dailypapers.config import Settings
from dailypapers.errors import NotifyError
from dailypapers.interests import select_daily
from dailypapers.latex import latex_text
from dailypapers.models import Paper
from dailypapers.site import Site
from dailypapers.text import clean

PASSWORD_ENV = "DAILYPAPERS_SMTP_PASSWORD"
MAILED = Path("_dailypapers") / "mailed.json"


@dataclass(frozen=True)
class MailWords:
    subject: str  # {n}: new papers, {days}: their days
    intro: str
    organization: str
    summary: str
    hub: str
    arxiv: str


WORDS = {
    "ko": MailWords(
        "Hugging Face Daily Papers: 새 논문 {n}개 ({days})",
        "새로 정리된 논문입니다.",
        "기관",
        "요약",
        "HF 페이지",
        "논문 링크",
    ),
    "en": MailWords(
        "Hugging Face Daily Papers: {n} new papers ({days})",
        "The papers new in the digest.",
        "Organization",
        "Summary",
        "Hugging Face",
        "arXiv",
    ),
    "ja": MailWords(
        "Hugging Face Daily Papers: 新しい論文 {n}件（{days}）",
        "新しくまとめた論文です。",
        "機関",
        "要約",
        "HF ページ",
        "論文リンク",
    ),
    "zh": MailWords(
        "Hugging Face Daily Papers：{n} 篇新论文（{days}）",
        "新整理的论文。",
        "机构",
        "摘要",
        "HF 页面",
        "论文链接",
    ),
}


@dataclass(frozen=True)
class MailPaper:
    paper: Paper
    day: str
    starred: bool
    summary: str  # plain text: the model's, else the abstract with its LaTeX read as text


def enabled(settings: Settings) -> bool:
    return bool(settings.email_host)


def mailed_ids(root: Path) -> set[str]:
    """The ids of the papers an earlier email had."""
    try:
        data = json.loads((root / MAILED).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return set()
    except (OSError, ValueError) as error:
        raise NotifyError(f"cannot read {MAILED} ({error}); no email sent: fix or delete it") from None
    ids = data.get("mailed") if isinstance(data, dict) else None
    if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
        raise NotifyError(f"{MAILED} is not a list of paper ids; no email sent: fix or delete it")
    return set(ids)


SummariesFor = Callable[[Sequence[Paper]], Mapping[str, str]]


def new_papers(site: Site, days: Sequence[str], summaries_for: SummariesFor) -> list[MailPaper]:
    """The papers the posts of ``days`` show that no email had yet: newest day first, each
    day in its post's order."""
    sent = mailed_ids(site.root)
    interests = site.interests
    found: list[MailPaper] = []
    for day in sorted(set(days), reverse=True):
        selection = select_daily(site.store.day_papers(day), site.settings.daily.top, interests)
        papers = [p for p in selection.listed if p.id not in sent]
        summaries = summaries_for(papers)
        for paper in papers:
            sent.add(paper.id)
            summary = summaries.get(paper.id) or latex_text(paper.summary)
            found.append(MailPaper(paper, day, paper.id in selection.starred, summary))
    return found


def _organization(paper: Paper) -> str:
    return clean(paper.organization.display_name) if paper.organization else ""


def compose(papers: Sequence[MailPaper], settings: Settings) -> EmailMessage:
    """The email listing ``papers``: a plain-text part and an HTML alternative."""
    words = WORDS[settings.language]
    days = sorted({item.day for item in papers})
    span = days[0] if len(days) == 1 else f"{days[0]} – {days[-1]}"
    message = EmailMessage()
    message["Subject"] = words.subject.format(n=len(papers), days=span)
    message["From"] = settings.email_from or ""
    message["To"] = ", ".join(settings.email_to)
    message["Date"] = formatdate(localtime=False)
    domain = (settings.email_from or "dailypapers@localhost").rsplit("@", 1)[-1]
    message["Message-ID"] = make_msgid("dailypapers", domain=domain)
    text = [words.intro, ""]
    rows = [f"<p>{html.escape(words.intro)}</p>"]
    for item in papers:
        paper = item.paper
        # What a mail client shows goes through the rule of every way out (dailypapers.text).
        title, summary = clean(latex_text(paper.title)), clean(item.summary)
        star = "⭐ " if item.starred else ""
        organization = _organization(paper)
        links = [(words.hub, paper.hf_url), (words.arxiv, paper.arxiv_url)]
        text.append(f"{star}{title} (👍 {paper.upvotes}, {item.day})")
        if organization:
            text.append(f"  {words.organization}: {organization}")
        text += [f"  {words.summary}: {summary}"] if summary else []
        text += [f"  {name}: {url}" for name, url in links if url] + [""]
        anchors = " · ".join(
            f'<a href="{html.escape(url)}">{html.escape(name)}</a>' for name, url in links if url
        )
        rows.append(
            f"<h3>{star}{html.escape(title)} <small>(👍 {paper.upvotes}, {item.day})</small></h3>"
            + (
                f"<p>{html.escape(words.organization)}: {html.escape(organization)}</p>"
                if organization
                else ""
            )
            + (f"<p>{html.escape(summary)}</p>" if summary else "")
            + f"<p>{anchors}</p>"
        )
    message.set_content("\n".join(text))
    page = f'<!DOCTYPE html>\n<html lang="{settings.language}"><meta charset="utf-8"><body>\n'
    message.add_alternative(page + "\n".join(rows) + "\n</body></html>\n", subtype="html")
    return message


def _check_settings(settings: Settings) -> None:
    missing = [
        name for name, value in (("from", settings.email_from), ("to", settings.email_to)) if not value
    ]
    if missing:
        raise NotifyError(f"email.host is set but not email.{missing[0]}; no email sent")


def send(message: EmailMessage, settings: Settings, environ: Mapping[str, str] = os.environ) -> None:
    """Deliver ``message`` over SMTP with STARTTLS; :class:`NotifyError` when it cannot be."""
    password = environ.get(PASSWORD_ENV) or ""
    where = f"the SMTP server {settings.email_host}:{settings.email_port}"
    progress = _Progress()
    try:
        refused = _deliver(message, settings, password, where, progress)
    except NotifyError:
        raise
    except (OSError, smtplib.SMTPException) as error:
        raise _failure(error, progress.stage, where, settings.email_from, password) from None
    if refused:
        raise NotifyError(
            f"{where} refused some recipients ({', '.join(sorted(refused))}); sent to the others"
        )


@dataclass
class _Progress:
    stage: str = "connect"  # then "login" (when there is a password), then "send"


def _deliver(
    message: EmailMessage, settings: Settings, password: str, where: str, progress: _Progress
) -> dict[str, tuple[int, bytes]]:
    """The SMTP exchange: STARTTLS (or no email at all), the login, the message; the
    recipients refused (the others got it)."""
    with smtplib.SMTP(
        settings.email_host or "", settings.email_port, timeout=settings.request_deadline
    ) as smtp:
        smtp.ehlo()
        if not smtp.has_extn("starttls"):
            raise NotifyError(
                f"{where} does not offer STARTTLS: nothing was sent over an unencrypted connection; "
                "use its submission port (587)"
            )
        smtp.starttls(context=ssl.create_default_context())
        smtp.ehlo()
        if password:
            progress.stage = "login"
            smtp.login(settings.email_from or "", password)
        progress.stage = "send"
        return smtp.send_message(message)


def _failure(error: Exception, stage: str, where: str, sender: str | None, password: str) -> NotifyError:
    """The one-line error of an SMTP exchange that failed at ``stage``; a server's answer may
    quote what it was sent, so the password is hidden from it."""

    def hidden(text: str) -> str:
        return text.replace(password, "***") if password else text

    if isinstance(error, smtplib.SMTPAuthenticationError):
        return NotifyError(
            f"{where} refused the login of {sender} ({error.smtp_code}); check ${PASSWORD_ENV}: no email sent"
        )
    if isinstance(error, smtplib.SMTPResponseException):
        answer = hidden(_answer(error.smtp_error))
        return NotifyError(f"{where} refused the email ({error.smtp_code} {answer}); no email sent")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return NotifyError(f"{where} refused every recipient ({', '.join(error.recipients)})")
    if isinstance(error, ssl.SSLError):
        return NotifyError(f"{where}: TLS failed ({error.reason or type(error).__name__}); no email sent")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        if stage == "login":  # some servers hang up on a wrong password
            return NotifyError(
                f"{where} refused the login of {sender} (it closed the connection); "
                f"check ${PASSWORD_ENV}: no email sent"
            )
        return NotifyError(f"{where} closed the connection; no email sent")
    reason = "timed out" if isinstance(error, socket.timeout | TimeoutError) else type(error).__name__
    return NotifyError(f"{where} could not be reached ({hidden(reason)}); no email sent")


def _answer(raw: object) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join("".join(char if char.isprintable() else " " for char in text).split())[:200]


def mail_run(site: Site, days: Sequence[str], summaries_for: SummariesFor) -> str | None:
    """Email the new papers of ``days`` when ``[email]`` is set up, then remember them;
    returns what was sent, or None. Raises :class:`NotifyError` when nothing could be."""
    settings = site.settings
    if not enabled(settings) or site.dry_run:
        return None
    _check_settings(settings)
    papers = new_papers(site, days, summaries_for)
    if not papers:
        return None
    send(compose(papers, settings), settings)
    sent = sorted(mailed_ids(site.root) | {item.paper.id for item in papers})
    site.write(MAILED, json.dumps({"mailed": sent}, indent=0) + "\n")
    return f"{len(papers)} new papers to {', '.join(settings.email_to)}"
