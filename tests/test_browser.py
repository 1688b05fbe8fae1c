"""A real browser: Debian's Chromium driven by Playwright against `streamlit run`.

In CI a missing browser fails the run; on a laptop without Chromium the test is skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.header import HeaderSplitter
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.claude_script import scripted_claude
from tests.fakes.keys import fake_key
from tests.net import free_port, served

ROOT = Path(__file__).parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSWERS = [
    "We'd pull 300 real tickets into an eval set and ship at 95% accuracy, and refunds over $500 go to a person.",
    "I'd tell the VP the summaries are right about 92% of the time, show the source next to each date, and pilot.",
    "I said no to auto-approving large refunds and offered auto-approval under $100 instead, with the data.",
    "Honestly I would just trust it.",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser_path() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return CHROMIUM


@contextlib.contextmanager
def _serve(
    db: Path, extra_env: dict[str, str] | None = None, port: int | None = None, args: list[str] | None = None
) -> Iterator[str]:
    """`streamlit run` on a free port (or ``port``) with a clean environment; yields its URL."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "INTERVIEWER_"))}
    env["INTERVIEWER_DB"] = str(db)
    env.update(extra_env or {})
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
    process = subprocess.Popen(
        [
            streamlit,
            "run",
            str(ROOT / "streamlit_app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            *(args or []),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if not served(url, process, 60):
            raise RuntimeError("streamlit did not start")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


@pytest.fixture(scope="module")
def app_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("db") / "browser.db"


@pytest.fixture(scope="module")
def app_url(app_db: Path) -> Iterator[str]:
    with _serve(app_db) as url:
        yield url


def _sessions(db: Path) -> int:
    from interviewer.storage import Store

    store = Store(str(db))
    try:
        return len(store.list_sessions(limit=1000))
    finally:
        store.close()


def _whole_page(page, path: Path) -> None:  # type: ignore[no-untyped-def]
    """A screenshot of the whole scrolled page: Streamlit scrolls inside its own container, not the window."""
    viewport = page.viewport_size
    height = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"], section, div')]
                     .map(e => e.scrollHeight))"""
    )
    page.set_viewport_size({"width": viewport["width"], "height": min(int(height) + 50, 16000)})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)


@pytest.fixture
def claude_app(tmp_path: Path) -> Iterator[tuple[str, FakeAnthropic]]:
    """The app on the anthropic backend, talking to a fake Messages API that streams at a model's pace."""
    with FakeAnthropic() as fake:
        fake.respond_with(scripted_claude())
        fake.delta_delay = 0.1
        env = {"ANTHROPIC_API_KEY": fake_key("browser"), "ANTHROPIC_BASE_URL": fake.base_url}
        with _serve(tmp_path / "claude.db", env) as url:
            yield url, fake


# Watches the third chat bubble (question, answer, reply) and records its text length on every DOM
# change; the reply counts as done once its length has not changed for two seconds.
STREAM_WATCHER = """
() => {
  window.__replyLengths = [];
  window.__replyDone = false;
  let timer = null;
  const observer = new MutationObserver(() => {
    const bubbles = document.querySelectorAll('[data-testid="stChatMessage"]');
    if (bubbles.length < 3) return;
    const length = bubbles[2].innerText.length;
    const seen = window.__replyLengths;
    if (seen.length === 0 || seen[seen.length - 1] !== length) {
      seen.push(length);
      clearTimeout(timer);
      timer = setTimeout(() => { window.__replyDone = true; observer.disconnect(); }, 2000);
    }
  });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
}
"""


def _settle(page) -> bool:  # type: ignore[no-untyped-def]
    """Wait until the app has finished its run; True when the report is showing, False when it awaits an answer."""
    report = page.get_by_role("heading", name="Your report", exact=True).or_(
        page.get_by_role("heading", name="Before your report", exact=True)
    )
    ready = page.get_by_placeholder("Your answer").or_(report)
    stable = 0
    deadline = time.monotonic() + 90
    # The chat input stays on screen while a reply streams, so "ready" also needs the run to be over for a moment.
    while stable < 3:
        if time.monotonic() > deadline:
            raise AssertionError("the app did not settle within 90 s")
        ready.first.wait_for(timeout=90_000)
        running = page.locator('[data-testid^="stStatusWidgetRunning"]').count()
        stable = 0 if running else stable + 1
        page.wait_for_timeout(300)
    return bool(report.count())


def _answer(page, text: str) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_placeholder("Your answer")
    box.fill(text)
    box.press("Enter")


@pytest.mark.parametrize("width,height,label", [(1280, 800, "desktop"), (390, 844, "phone")])
def test_offline_interview_in_a_real_browser(
    browser_path: str, app_url: str, app_db: Path, width: int, height: int, label: str
) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=FLAGS)
        page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
        page.goto(app_url)
        page.get_by_role("button", name="Start interview").wait_for(timeout=60_000)
        page.get_by_text("AI product builder").first.wait_for()
        page.screenshot(path=str(ARTIFACTS / f"setup-{label}.png"), full_page=True)

        slider = page.get_by_role("slider").first
        slider.focus()
        slider.press("ArrowLeft")
        slider.press("ArrowLeft")
        page.get_by_text("Questions").first.wait_for()
        before = _sessions(app_db)
        # A double click on Start must make one session, not two.
        page.get_by_role("button", name="Start interview").dblclick()
        page.get_by_text("Question 1 of 3").first.wait_for(timeout=30_000)
        _settle(page)
        assert _sessions(app_db) == before + 1, "a double-clicked Start made one session"

        # Record every change to the reply bubble from inside the page: polling from the test misses
        # the middle of a short reply on a loaded machine, a MutationObserver does not.
        page.evaluate(STREAM_WATCHER)
        _answer(page, ANSWERS[0])
        page.wait_for_function("window.__replyDone === true", timeout=30_000)
        lengths = page.evaluate("window.__replyLengths")
        grown = sorted({n for n in lengths if n > 0})
        assert len(grown) >= 2, f"expected to see the reply part-way through, saw lengths {grown}"
        page.screenshot(path=str(ARTIFACTS / f"interview-{label}.png"), full_page=True)

        # A refresh mid-interview keeps the transcript: the session id is in the URL.
        page.wait_for_url("**session=*")
        page.reload()
        page.get_by_text(ANSWERS[0][:40]).first.wait_for(timeout=30_000)

        # Answer until the report appears; the follow-ups the offline interviewer asks vary with the answers.
        answers = iter([*ANSWERS[1:], *[ANSWERS[-1]] * 12])
        while not _settle(page):
            _answer(page, next(answers))
        # The optional self-rating before the report: rate the first answer in one click, then go on.
        page.get_by_role("heading", name="Before your report", exact=True).wait_for(timeout=60_000)
        page.get_by_role("radiogroup").first.locator("label").nth(2).click()
        page.get_by_text("You rated this answer 3 / 4").first.wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / f"rating-{label}.png"), full_page=True)
        page.get_by_role("button", name="Show my report").click()
        page.get_by_role("heading", name="Your report", exact=True).wait_for(timeout=60_000)
        page.locator(".vega-embed").first.wait_for(timeout=30_000)
        page.get_by_role("heading", name="Answer by answer").wait_for(timeout=30_000)
        page.get_by_text("A strong answer to this question").first.wait_for()
        page.screenshot(path=str(ARTIFACTS / f"report-{label}.png"), full_page=True)
        _whole_page(page, ARTIFACTS / f"report-{label}-whole.png")
        assert not page.get_by_text("Deploy", exact=True).count(), "no Deploy button"

        with page.expect_download() as download_info:
            page.get_by_role("button", name="Download Markdown").click()
        saved = ARTIFACTS / f"report-{label}.md"
        download_info.value.save_as(saved)
        text = saved.read_text()
        assert text.startswith("# Mock interview report")
        assert ANSWERS[0][:30] in text
        assert "## Question 1" in text and "Tokens:" not in text
        assert "You rated yourself 3 / 4" in text
        browser.close()


def test_an_answer_typed_while_claude_is_still_speaking_is_kept(
    browser_path: str, claude_app: tuple[str, FakeAnthropic]
) -> None:
    from playwright.sync_api import sync_playwright

    url, fake = claude_app
    first, second = ANSWERS[0], ANSWERS[1]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url)
        page.get_by_role("button", name="Start interview").wait_for(timeout=60_000)
        page.get_by_role("button", name="Start interview").click()
        page.get_by_text("Question 1 of").first.wait_for(timeout=30_000)
        assert not _settle(page)
        _answer(page, first)
        # Send the next answer while the reply to the first is still arriving, word by word.
        page.wait_for_function(
            """() => { const b = document.querySelectorAll('[data-testid="stChatMessage"]');
                       return b.length >= 3 && b[2].innerText.length > 20; }""",
            timeout=30_000,
        )
        _answer(page, second)
        page.get_by_text("Question 3 of").first.wait_for(timeout=30_000)
        assert not _settle(page)

        streamed = [r for r in fake.message_requests if r.body.get("stream")]
        assert len(streamed) == 3, "opening, the reply to the first answer, the reply to the second"
        splitter = HeaderSplitter()
        reply = str(scripted_claude()(streamed[1].body, streamed[1].headers))
        interrupted = splitter.feed(reply) + splitter.finish()
        for attempt in ("before", "after"):
            page.get_by_text("Question 3 of").first.wait_for(timeout=30_000)
            bubbles = page.locator('[data-testid="stChatMessage"]')
            texts = [" ".join(bubbles.nth(i).inner_text().split()) for i in range(bubbles.count())]
            mine = [i for i, t in enumerate(texts) if first in t or second in t]
            assert len(mine) == 2, f"both answers are on screen once ({attempt} a reload): {texts}"
            between = " ".join(texts[mine[0] + 1 : mine[1]])
            assert " ".join(interrupted.split()) in between, f"the interrupted reply is whole ({attempt})"
            assert any("Thanks." in t for t in texts[mine[1] + 1 :]), (
                f"the second answer got its reply ({attempt}): {texts}"
            )
            if attempt == "before":
                page.screenshot(path=str(ARTIFACTS / "interrupted-reply.png"), full_page=True)
                page.reload()
                # The transcript renders bubble by bubble: wait until all of them are back.
                page.wait_for_function(
                    f"""() => document.querySelectorAll('[data-testid="stChatMessage"]').length >= {len(texts)}""",
                    timeout=30_000,
                )
                _settle(page)
        browser.close()


@pytest.mark.parametrize("width,height,label", [(1280, 800, "desktop"), (390, 844, "phone")])
def test_a_critique_drill_in_a_real_browser(
    browser_path: str, app_url: str, width: int, height: int, label: str
) -> None:
    from playwright.sync_api import sync_playwright

    from interviewer.drills import drill_by_id

    drill = drill_by_id("drl-int-crm-account-summary")
    critique = (
        "I checked the summary against the record. It says Marta committed to 150 seats, but the notes say "
        "she only asked for a quote and made no commitment. I would not ship it to every AE on Monday."
    )
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=FLAGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(app_url)
        page.get_by_role("button", name="Start this drill").wait_for(timeout=60_000)
        page.goto(f"{app_url}/?practise=drill:{drill.id}")
        page.get_by_role("heading", name=drill.title).wait_for(timeout=30_000)
        code = page.locator('[data-testid="stCode"]').first
        code.wait_for(timeout=30_000)
        assert drill.artefact.splitlines()[0] in code.inner_text(), "the artefact is shown as written"
        page.get_by_label("Your answer").fill(critique)
        page.get_by_role("button", name="Grade this attempt").click()
        page.get_by_text(f"you named 1 of {len(drill.defects)}").wait_for(timeout=30_000)
        # The result renders element by element: read the page once its last part is there.
        page.get_by_text("A strong critique of this drill").wait_for(timeout=30_000)
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert "made no commitment" in main and "Where it shows" in main, "the found defect quoted, the missed shown"
        _whole_page(page, ARTIFACTS / f"drill-{label}-whole.png")
        browser.close()


def test_two_signed_in_users_each_see_only_their_own_history(browser_path: str, tmp_path: Path) -> None:
    """Sign-in against a local OpenID Connect provider: two users, each sees only their own sessions."""
    from playwright.sync_api import sync_playwright

    port, provider_port = free_port(), free_port()
    claims = [json.dumps({"sub": u, "email": f"{u}@example.org"}) for u in ("ada", "bo")]
    mock = shutil.which("oidc-provider-mock", path=str(Path(sys.executable).parent)) or "oidc-provider-mock"
    command = [mock, "--port", str(provider_port), *(a for c in claims for a in ("--user-claims", c))]
    provider = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        issuer = f"http://127.0.0.1:{provider_port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or provider.poll() is not None:
                    raise RuntimeError("the OpenID Connect provider did not start") from None
                time.sleep(0.3)
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            'allowed_domains = ["example.org"]\n'
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "a-test-cookie-secret-that-is-long-enough"\n'
            'client_id = "coach"\n'
            'client_secret = "coach-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        )
        extra = ["--secrets.files", str(secrets)]
        with contextlib.ExitStack() as stack:
            url = stack.enter_context(_serve(tmp_path / "team.db", port=port, args=extra))
            ARTIFACTS.mkdir(exist_ok=True)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=browser_path, args=FLAGS)
                seen: dict[str, str] = {}
                for sub in ("ada", "bo"):
                    context = browser.new_context(viewport={"width": 1280, "height": 800})
                    page = context.new_page()
                    page.goto(url)
                    page.get_by_role("button", name="Sign in").click()
                    page.locator('input[name="sub"]').fill(sub)
                    page.get_by_role("button", name="Authorize").click()
                    page.get_by_role("button", name="Start interview").wait_for(timeout=60_000)
                    assert page.get_by_text(f"Signed in as {sub}@example.org").count()
                    page.get_by_role("button", name="Start interview").click()
                    page.get_by_text("Question 1 of").first.wait_for(timeout=30_000)
                    _settle(page)
                    seen[sub] = page.url.split("session=")[1]
                    page.goto(url)
                    page.get_by_role("button", name="Start interview").wait_for(timeout=60_000)
                    page.wait_for_timeout(1500)
                    history = page.locator('[data-testid="stSidebar"]').inner_text()
                    assert history.count("in progress") == 1, f"{sub} sees one session: {history}"
                    page.screenshot(path=str(ARTIFACTS / f"signed-in-{sub}.png"), full_page=True)
                    if sub == "bo":
                        page.goto(f"{url}/?session={seen['ada']}")
                        page.get_by_text("Could not reopen that session").wait_for(timeout=30_000)
                        assert page.get_by_text("no stored session").count(), "another user's session is not found"
                    context.close()
                browser.close()
    finally:
        provider.terminate()
        provider.wait(timeout=10)
