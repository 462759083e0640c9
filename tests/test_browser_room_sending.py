"""In Chromium: the room page keeps a message it could not get answered. The network between the
page and the server loses answers (the websocket is routed through Playwright): the page shows
"sending…", sends again with the same client id after its timeout, and the message is shown once;
when no answer ever comes, the page says the message was not sent and offers to send it again."""

import json
import re
import threading

import pytest

from tests.browser_support import screenshot, sign_in, use_language
from tests.test_browser_rooms import enter_joint_room

pytestmark = pytest.mark.browser


class LossyLine:
    """The page's websocket, passed through frame by frame, dropping the server's answers to the
    sends (and the message events) of the client ids in `lose`; it records what the page sends."""

    def __init__(self):
        self.lock = threading.Lock()
        self.lose = {}  # client id -> how many answers to drop (None: all)
        self.next_send_loses = 0  # what `lose` gets for the next new client id the page sends
        self.sends = []  # client ids of the sends the page made, in order
        self.acks = {}  # Socket.IO ack id -> client id

    def _drop(self, client_id):
        left = self.lose.get(client_id, 0)
        if left is None:
            return True
        if left > 0:
            self.lose[client_id] = left - 1
            return True
        return False

    def route(self, ws):
        server = ws.connect_to_server()

        def from_page(frame):
            match = re.match(r'^42(\d+)\["send",(.*)\]$', frame) if isinstance(frame, str) else None
            if match:
                client_id = json.loads(match.group(2))["client_id"]
                with self.lock:
                    if client_id not in self.sends and self.next_send_loses != 0:
                        self.lose[client_id], self.next_send_loses = self.next_send_loses, 0
                    self.sends.append(client_id)
                    self.acks[match.group(1)] = client_id
            server.send(frame)

        def from_server(frame):
            if isinstance(frame, str):
                with self.lock:
                    ack = re.match(r"^43(\d+)\[", frame)
                    if ack and ack.group(1) in self.acks and self._drop(self.acks[ack.group(1)]):
                        return  # the answer to a send is lost
                    if frame.startswith('42["msg",'):
                        message = json.loads(frame[2:])[1]
                        if self.lose.get(message.get("client_id"), 0) != 0:
                            return  # and so is the message itself (it comes just before the answer)
            ws.send(frame)

        ws.on_message(from_page)
        server.on_message(from_server)


def pending(page, text):
    return page.locator(".msg.pending", has_text=text)


def test_an_unanswered_send_is_retried_and_a_lost_one_shown_as_not_sent(server, browser):
    line = LossyLine()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 800})
    page = context.new_page()
    sign_in(page, server, "respondent@demo.odr")
    use_language(page, "zh-CN")  # another test on this server may have left the account in English
    page.route_web_socket(re.compile(r".*/socket\.io/.*"), line.route)
    enter_joint_room(page, server)

    # 1. The first answer is lost: "sending…", then the same client id again, shown once.
    page.fill("#body", "我方同意分期付款。")
    line.next_send_loses = 1  # the answer to this message's first send is lost
    page.click("#send")
    row = pending(page, "我方同意分期付款。")
    row.wait_for()
    assert row.get_attribute("data-state") == "sending" and "发送中" in row.inner_text()
    screenshot(page, "22-room-sending-zh")
    page.wait_for_selector(".msg[data-seq] >> text=我方同意分期付款。", timeout=20000)
    assert pending(page, "我方同意分期付款。").count() == 0
    first = line.sends[0]
    assert line.sends.count(first) >= 2  # sent again, with the same client id
    assert page.locator(".msg[data-seq]", has_text="我方同意分期付款。").count() == 1
    assert page.locator("#send-error").is_hidden()

    # 2. No answer at all: after its attempts the page says so and keeps the text.
    before = len(line.sends)
    page.fill("#body", "请调解员确认履行期限。")
    line.next_send_loses = None  # every answer to this message is lost
    page.click("#send")
    row = pending(page, "请调解员确认履行期限。")
    page.wait_for_selector(".msg.pending[data-state=failed]", timeout=30000)
    assert "未发送：服务器没有响应。" in row.inner_text()
    assert row.locator(".retry").is_visible()
    lost = line.sends[before]
    assert line.sends[before:] == [lost] * 3
    screenshot(page, "23-room-not-sent-zh")

    # The line is back: sending again stores it once (the server had kept the first try).
    with line.lock:
        line.lose.clear()
    row.locator(".retry").click()
    page.wait_for_selector(".msg[data-seq] >> text=请调解员确认履行期限。", timeout=20000)
    assert page.locator(".msg[data-seq]", has_text="请调解员确认履行期限。").count() == 1
    assert pending(page, "请调解员确认履行期限。").count() == 0
    page.reload()
    page.wait_for_selector("text=请调解员确认履行期限。")
    assert page.locator(".msg[data-seq]", has_text="请调解员确认履行期限。").count() == 1
    assert page.locator(".msg[data-seq]", has_text="我方同意分期付款。").count() == 1
    context.close()
