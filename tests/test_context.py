"""The noun-phrase readers of `pipeline/context.py` on invented sentences: whole compounds, no
run-on predicates, comparisons or function words, and no function word taken for an entity."""

from __future__ import annotations

import pytest


def _entity(nlp, text, quantity):
    claims = [c for c in nlp(text)._.claims if c.quantity == quantity]
    assert len(claims) == 1, [c.quantity for c in nlp(text)._.claims]
    return claims[0].entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a verb between two words of a subject is a modifier: compounds are head-final
        ("全省一般公共预算收入突破2000亿元。", "突破2000亿元", "一般公共预算收入"),
        ("全市研发投入强度提高到2.8%。", "2.8%", "研发投入强度"),
        ("全区房地产开发投资增长7.5%。", "7.5%", "房地产开发投资"),
        # after a listed predicate, the verbs of its object are modifiers too
        ("今年全县完成一般公共预算收入18.6亿元。", "18.6亿元", "一般公共预算收入"),
        ("全年共受理商标注册申请3200件。", "3200件", "商标注册申请"),
        # after 的 comes the noun phrase, whose verbs modify its head
        ("经核实的受损房屋共有320间。", "320间", "受损房屋"),
        # a size threshold of statistics is one modifier (words.txt)
        ("全市规模以上工业增加值增长6.2%。", "6.2%", "规模以上工业增加值"),
        # a subject keeps its leading verbal noun; an object after a predicate does not
        ("前三季度进出口增速较上半年加快1.2个百分点。", "1.2个百分点", "进出口增速"),
        ("全县培训基层党组织书记450人。", "450人", "基层党组织书记"),
        ("第二季就业不足率为1.6%。", "1.6%", "就业不足率"),
        # a verb or verbal noun right after a listed predicate belongs to its object
        ("全年颁发登记证书2.3万件。", "2.3万件", "登记证书"),
        ("全年办理服务事项2.6万件。", "2.6万件", "服务事项"),
        # a function word at the edge names nothing
        ("今年举办相关培训班16期。", "16期", "培训班"),
        # but a verb between a subject and its object is the predicate
        ("各村设立便民服务点45个。", "45个", "便民服务点"),
        ("成员单位认领微心愿120个。", "120个", "微心愿"),
    ],
)
def test_context_np_before_keeps_whole_compound(nlp, text, quantity, entity):
    assert _entity(nlp, text, quantity) == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # the predicate between the subject and the number is no part of the phrase
        ("全县税收收入完成9.8亿元。", "9.8亿元", "税收收入"),
        ("审批时间缩短40%以上。", "40%以上", "审批时间"),
        ("全县农村公路累计建设860公里。", "860公里", "农村公路"),
        # nor is an adverb, whatever jieba tags it
        ("两个园区的产值双双超过80亿元。", "超过80亿元", "产值"),
        ("全年旅客吞吐量首次突破500万人次。", "突破500万人次", "旅客吞吐量"),
        # nor an adjective or numeral word describing the predicate
        ("两家企业的利润增速最高达到35%。", "35%", "利润增速"),
        ("全县粮食总产量十年增长1.4倍。", "1.4倍", "粮食总产量"),
        # nor an abbreviation or remark in brackets, before or after the phrase
        ("全省广义货币供应量（M2）增长8.1%。", "8.1%", "广义货币供应量"),
        ("全市金融机构（含外资）人民币贷款余额9800亿元。", "9800亿元", "人民币贷款余额"),
        # a word a cue cut in two leaves no piece of itself
        ("已公布的确诊人数合共36人。", "36人", "确诊人数"),
        ("全球客运运力预计下降4%。", "4%", "客运运力"),
        ("全港退学人数骤升约60%。", "约60%", "退学人数"),
        ("重建费粗估至少40万元。", "至少40万元", "重建费"),
        # the base of a comparison is dropped, what changed is before it
        ("失业率较第一季上升0.3个百分点。", "0.3个百分点", "失业率"),
        ("消费价格涨幅比上月扩大0.3个百分点。", "0.3个百分点", "消费价格涨幅"),
        ("工业产值降幅比上年同期收窄2.4个百分点。", "2.4个百分点", "工业产值降幅"),
        # a numeral word with its counter is a time, no part of the phrase
        ("全区一季度工业产值为86.5亿元。", "86.5亿元", "工业产值"),
    ],
)
def test_context_np_before_cuts_run_on(nlp, text, quantity, entity):
    assert _entity(nlp, text, quantity) == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a one-character verb or adverb alone is never the entity
        ("护理院的床位再多40张。", "40张", None),
        # nor is a time word
        ("本港昨日新增45宗确诊。", "45宗", None),
        # an adverb before a verb: the verb is what is counted only with no noun before it
        ("今年全县共培训1200人次。", "1200人次", "培训"),
        # a numeral word right before a number may name what is counted
        ("他们一家五口住在老屋里。", "五口", "一家"),
    ],
)
def test_context_np_before_no_function_word_entity(nlp, text, quantity, entity):
    assert _entity(nlp, text, quantity) == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a verb after the number with a noun after it modifies the noun
        ("昨日再新增58宗确诊个案。", "58宗", "确诊个案"),
        ("共有12名被捕者获准保释。", "12名", "被捕者"),
        # the rest of a word the number cut is passed over when it is a function word
        ("另有4宗属输入个案。", "4宗", "输入个案"),
    ],
)
def test_context_np_after_verb_first(nlp, text, quantity, entity):
    assert _entity(nlp, text, quantity) == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a predicate after the noun is no part of it: a verbal noun or adjective that ends the
        # phrase, a time word, an apposition in brackets
        ("每班有6名护士值班，负责夜间巡房。", "6名", "护士"),
        ("全区有12座水厂运营，日供水30万吨。", "12座", "水厂"),
        ("约300名建筑工人今日复工。", "约300名", "建筑工人"),
        ("这三个难题(资金短缺和人手不足)仍未解决。", "三个", "难题"),
        # a listed predicate right after the number opens a relative clause or ends the phrase
        ("全国有30多个出台实施方案的城市。", "30多个", "城市"),
        ("其余12%属于私立学校。", "12%", None),
        # a bracketed remark with a number is no name
        ("候选人中建制派占55%（共18人）。", "55%", "建制派"),
        # but not a verbal noun before a noun, a relative clause, or a short alternative
        ("全镇建成5个社区服务中心。", "5个", "社区服务中心"),
        ("在36个行政村(社区)设立服务站。", "36个", "行政村(社区)"),
    ],
)
def test_context_np_after_stops_at_predicate(nlp, text, quantity, entity):
    assert _entity(nlp, text, quantity) == entity
