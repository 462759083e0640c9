"""In Chromium: a party and the mediator talk live in the joint room; the party reloads the page
and sees the whole conversation again, in order."""

import re

import pytest

from tests.browser_support import screenshot, sign_in

pytestmark = pytest.mark.browser
CASE = "六堡茶冷发酵工艺发明专利侵权纠纷"


def enter_joint_room(page, server):
    page.goto(server.url + "/cases")
    page.click(f"text={CASE}")
    page.click("[data-testid=room-joint]")
    page.wait_for_url(re.compile(r".*/rooms/\d+$"))
    page.wait_for_selector("#online li")  # joined: the member list is filled


def say(page, text):
    page.fill("#body", text)
    page.click("#send")


def test_party_and_mediator_talk_live(server, browser):
    party = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 800})
    mediator = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 800})
    p, m = party.new_page(), mediator.new_page()
    sign_in(p, server, "claimant@demo.odr")
    sign_in(m, server, "mediator1@demo.odr")
    enter_joint_room(p, server)
    enter_joint_room(m, server)
    m.wait_for_function("document.querySelectorAll('#online li').length >= 2")

    say(m, "请申请人先陈述调解意见。")
    p.wait_for_selector("text=请申请人先陈述调解意见。")
    say(p, "我方要求对方下架商品并赔偿五万元。<script>alert(1)</script>")
    m.wait_for_selector("text=我方要求对方下架商品并赔偿五万元。")
    assert m.locator(".bubble", has_text="<script>alert(1)</script>").count() == 1  # shown as text
    for i in range(3):
        say(m, f"第{i + 1}点意见已记录。")
    p.wait_for_selector("text=第3点意见已记录。")
    screenshot(m, "20-room-mediator-zh")

    expected = [
        t
        for t in p.locator("#messages .msg[data-seq]").evaluate_all(
            "rows => rows.map(r => Number(r.dataset.seq))"
        )
    ]
    assert expected == sorted(expected) and len(set(expected)) == len(expected)
    p.reload()
    p.wait_for_selector("text=第3点意见已记录。")
    after = p.locator("#messages .msg[data-seq]").evaluate_all("rows => rows.map(r => Number(r.dataset.seq))")
    assert after[-len(expected) :] == expected  # the whole conversation again, in the same order
    assert p.locator("text=我方要求对方下架商品并赔偿五万元。").count() == 1
    screenshot(p, "21-room-party-after-reload-zh")
    party.close()
    mediator.close()
