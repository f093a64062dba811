"""Context rules on invented sentences: the noun-phrase readers (whole compounds, no run-on
predicates, comparisons or function words) and time expressions composed of pieces, and which
time scopes a claim."""

from __future__ import annotations

import pytest

from pipeline.extraction.context import ContextRules


def _claim(nlp, text, quantity):
    """The one claim of `quantity` in `text` (the test fails when there is none or more)."""
    claims = [c for c in nlp(text)._.claims if c.quantity == quantity]
    assert len(claims) == 1, [c.quantity for c in nlp(text)._.claims]
    return claims[0]


def _entity(nlp, text, quantity):
    return _claim(nlp, text, quantity).entity


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
        ("全县规模以上工业企业利润下降3.4%。", "3.4%", "规模以上工业企业利润"),
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
        # a one-character verb or adverb alone is never the entity; the subject is the head after 的
        ("护理院的床位再多40张。", "40张", "床位"),
        # nor is a time word: the verb closing the clause after the classifier names the cases
        ("本港昨日新增45宗确诊。", "45宗", "确诊"),
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



@pytest.fixture(scope="module")
def ctx(rules):
    return ContextRules(rules)


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("2023年二季度全县工业增加值增长", ["2023年二季度"]),
        ("1—9月全市出口增长", ["1—9月"]),
        ("1-9月全市出口增长", ["1-9月"]),
        ("截至9月底,全区共有企业", ["截至9月底"]),
        ("今年首三个月,零售额上升", ["今年首三个月"]),
        ("“十三五”期间全省新建公路", ["“十三五”期间"]),
        ("2018-19年度政府开支", ["2018-19年度"]),
        ("2015年至2017年间公司支出", ["2015年至2017年间"]),
        ("自2024年3月1日起,下调利率", ["自2024年3月1日起"]),
        ("截止10月上旬,受访商户", ["截止10月上旬"]),
        ("到5月6日9时,秘书处收到", ["5月6日9时"]),  # 到 is mostly a verb complement: not part of it
        ("昨天（5月2日）8时15分,海域发生地震", ["昨天（5月2日）8时15分"]),
        ("今年7至8月开展调查", ["今年7至8月"]),
        ("比去年同期增长", ["去年同期"]),
        ("2022年6月末,存款余额", ["2022年6月末"]),
        # a time inside a title is no time of the sentence
        ("《2023年消费报告》显示,八成受访者", []),
        # 期间 after a noun ends the noun phrase; it is no time by itself
        ("学员在候机期间聚餐", []),
    ],
)
def test_context_time_spans_compose_pieces(ctx, sentence, expected):
    assert [text for _, _, text, _ in ctx.time_spans(sentence)] == expected


def test_context_time_spans_carry_every_piece_rule(ctx):
    (_, _, text, rule_ids), = ctx.time_spans("截至2021年底,全县")
    assert text == "截至2021年底"
    assert rule_ids.split("+") == ["time.prefix", "time.year", "time.suffix"]


@pytest.mark.parametrize(
    "text,quantity,time",
    [
        # the nearest time before the claim in its sentence scopes it; a semicolon does not end it
        ("一季度,全镇工业产值增长4.1%;其中轻工业增长2.3%。", "2.3%", "一季度"),
        ("2021年一季度全区财政收入85亿元,同比增长6%。", "6%", "2021年一季度"),
        # a comparison base is not the claim's time
        ("今年5月份,全县零售额比4月份提升3.5个百分点。", "3.5个百分点", "今年5月份"),
        # a time written as X的 before a quantity scopes that quantity only
        ("增速高于全区今年一季度的4%,也高于全省的3%。", "3%", None),
        # X的 before a noun scopes the sentence: the data of that year
        ("统计局公布2022/23年度的临时数字,整体收入达到150亿元。", "150亿元", "2022/23年度"),
        # a frequency gives way to a date of the same clause, and to a date before it in the sentence
        ("前年每月平均租金达到8500元,其后一直回落。", "8500元", "前年"),
        ("前年旅客人次下降,每日只有1200人次。", "1200人次", "每日"),
        ("2019年村民收入增加,全村每户增收3000元。", "3000元", "2019年"),
        # a time written as X的 before a number (with or without unit) scopes that number only
        ("倍差从2012年的1.8缩小到1.5,中等收入群体比例达到41.2%。", "41.2%", None),
        # an age takes a time only from its own clause
        ("今年3月的一场大火,烧毁了他们一家5口的房屋。", "5口", "今年3月"),
        ("今年3月的一场大火,烧毁了7岁女孩的家。", "7岁", None),
        ("今年3月,7岁的女孩入学。", "7岁", None),
        ("他于2019年5月去世,享年98岁。", "98岁", None),
        # a list of times over a list of as many quantities is shared out
        ("2008/09及2009/10的转学人数分别为320人及415人。", "320人", "2008/09"),
        ("2008/09及2009/10的转学人数分别为320人及415人。", "415人", "2009/10"),
        ("2008/09及2009/10两个学年,转学人数均为约300人。", "约300人", "2008/09及2009/10两个学年"),
        # a single day does not scope a later clause's running total, but its own clause's
        ("本区今日新增个案12宗,累计个案1500宗。", "1500宗", None),
        ("本区今日累计个案达到1500宗。", "1500宗", "今日"),
        ("今年以来,全县累计新增就业1200人。", "1200人", "今年以来"),
        # the day of a report is no time of the figures reported
        ("统计处今日公布,本港失业率为3.9%。", "3.9%", None),
        # words in corner quotes, closed or not, keep their own time
        ("他前年回乡种田,「一季只能赚2万元」。", "2万元", None),
        ("他前年回乡种田,说「种一季稻只能赚2万元,", "2万元", None),
        ("她说:「今年每月要还3000元」。", "3000元", "今年"),
        # 现在 inside 发现 + 在 is no time
        ("记者发现在80名受访者中,有12人反对。", "80名", None),
        # a list of times whose later part builds on an earlier one is one span, not shared out
        ("元旦及元旦翌日,分别有40班和45班。", "40班", "元旦及元旦翌日"),
        # 全年 scopes a later clause over a date of an earlier clause; a frequency does not
        ("那一年,公司拿地12幅;全年销售额320亿元,同比增长15%。", "15%", "全年"),
        ("去年收入上升,每月平均6万元,差距扩大到12倍。", "12倍", "去年"),
        # a bare span right before a total or a change
        ("门票两日共售出9100张。", "9100张", "两日"),
        ("全县粮食产量十年增长1.5倍。", "1.5倍", "十年"),
        ("一时间,全国60多个城市提出计划。", "60多个", "一时间"),
        # a word for the day just named restates the date before it (an apposition), not a later one
        ("6月18日开业日当天,商场共接待顾客2万人次。", "2万人次", "6月18日"),
        ("商场于6月18日开业,当天共接待顾客2万人次。", "2万人次", "当天"),
    ],
)
def test_context_time_of_claim(nlp, text, quantity, time):
    assert _claim(nlp, text, quantity).time == time


@pytest.mark.parametrize(
    "text,quantity,role",
    [
        ("诊所护士人手会加至45人。", "45人", "to"),
        ("入场费由80元加至120元。", "80元", "from"),
        ("入场费由80元加至120元。", "120元", "to"),
        ("按揭成数由六成下调至50%。", "50%", "to"),
        # the new value after a change is read right after it, not across a semicolon
        ("工业产值同比下降2.1%;服务业营收为840亿元。", "840亿元", None),
        ("印花税收入增加8%至650亿元。", "650亿元", "to"),
        # 新增 counts new things
        ("全区今天新增确诊个案56宗。", "56宗", None),
        # a rate noun as subject: its value is a change
        ("出口增幅却都高达12.5%和9%。", "12.5%", "delta"),
    ],
)
def test_context_role_of_claim(nlp, text, quantity, role):
    assert _claim(nlp, text, quantity).role == role


@pytest.mark.parametrize(
    "text,quantity,where,rule",
    [
        ("全港共有公营诊所74间。", "74间", "全港", "place.scope"),
        ("智利今年铜产量下降3%。", "3%", "智利", "place.name"),
        ("万达集团上半年营收增长12%。", "12%", "万达集团", "org.head"),
        ("中国人民银行增加再贷款额度3000亿元。", "3000亿元", "中国人民银行", "org.name"),
        ("医管局明天将增加病床300张。", "300张", "医管局", "org.list"),
        # a central state enterprise by its short name (organisations.txt)
        ("今年南方电网计划投资1800亿元。", "1800亿元", "南方电网", "org.list"),
        # a partner after 对 is no where
        ("前5个月对欧盟进口额下降3%。", "3%", None, None),
        # 全X restates the place that opens the sentence, 全球 does not restate 英国
        ("庆阳市坚持抓党建,全市建成活动室1200个。", "1200个", "庆阳市", "place.name"),
        ("英国一家机构发布报告,6月全球客运量预计减少4%。", "4%", "全球", "place.scope"),
        # a generic organisation word is no where
        ("全村党员大会到会率达到90%。", "90%", "全村", "place.scope"),
        # a speaker's affiliation is no where of the figures quoted
        ("青山医院急症科主任王立明指出,病人平均年龄是五十多岁。", "五十多岁", None, None),
        ("青山医院急症科今年接诊病人3200人。", "3200人", "青山医院", "org.head"),
        # an organisation opening a clause after an occasion (在发布会上) scopes the later clauses
        ("在记者会上中国人民银行宣布,增加贷款额度2000亿元。", "2000亿元", "中国人民银行", "org.name"),
        # the origin after 由 opens the clause and scopes the later ones; the goal after 到 does not
        ("由柳州到南宁，每日开出列车12班。", "12班", "柳州", "entity.route"),
        # a route's origin the recogniser does not know or runs on into the goal (柳州北到南宁) is read whole
        ("由柳州北到南宁东，每日开出列车12班。", "12班", "柳州北", "entity.route"),
        ("国庆当日由桂林西到南宁共有20班次，其中15班尚有余票。", "15班", "桂林西", "entity.route"),
        # no route: the origin is no place, or a place after the route scopes the quantity
        ("由政府到企业共投入资金300万元。", "300万元", None, None),
        # clauses after 其中 detail the first clause, whose place scopes them; without 其中 no place
        ("议会上月通过修订宁波交通条例,其中将停车费由5元增至8元,罚款由50元增至80元。", "80元", "宁波", "place.name"),
        ("议会上月通过修订宁波交通条例,公交票价由2元增至3元。", "3元", None, None),
        # an organisation reporting in a clause a colon closes is the source of the figures after it
        ("昨日,国家统计局发布最新数据：今年前5个月粮食产量增长3%。", "3%", None, None),
        # a place inside a frame 在…中 scopes the clauses after it; not inside a clause 在…后
        ("在3万多名受访的宁波居民中,已有1200人接种。", "1200人", "宁波", "place.name"),
        ("在3万多名宁波居民参与调查后,已有1200人报名。", "1200人", None, None),
        # places joined by 及 are one where, unless 分别 shares them out
        ("警方在北海道及日本东北地区疏散了3万人。", "3万人", "北海道及日本东北地区", "place.sub"),
        ("深圳及东莞今年分别新增企业3万家和2万家。", "3万家", "深圳", "place.name"),
        # places in a bracketed remark are examples of the count, not where of the later figure
        ("全省共有2个县（宁远、祁阳）财政收入突破百亿元。", "突破百亿元", "全省", "place.scope"),
        # no place before the quantity: a scope word opening a later clause, not one in a predicate
        ("去年新建文化广场12个,全县广场总数达到85个。", "12个", "全县", "place.scope"),
        ("去年种植油菜3万亩,已成为全省油菜主产区。", "3万亩", None, None),
        # a list of places before 分别 is shared out over the quantities
        ("江苏常州和广西柳州增速最高,分别为20.5%和19.0%。", "19.0%", "广西柳州", "place.name"),
        # a place inside a title is part of a name; a source whose data show the figures is no where
        ("《2024广东发展报告》等12部作品获奖。", "12部", None, None),
        ("国家统计局的最新数据显示,去年电池出货量超过900万块。", "超过900万块", None, None),
    ],
)
def test_context_where_of_claim_and_its_rule(nlp, text, quantity, where, rule):
    claim = _claim(nlp, text, quantity)
    assert claim.where == where
    ids = claim.rule.split("+")
    assert (rule in ids) if rule else not any(i.startswith(("place.", "org.")) for i in ids)


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


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a place opening the phrase after the number modifies the noun right after it
        ("来自31个非洲国家的代表出席了会议。", "31个", "非洲国家"),
        ("约40%的广东居民选择乘坐地铁。", "约40%", "广东居民"),
        ("全省共有2600户河南农户领到补贴。", "2600户", "河南农户"),
        # a place with no noun right after it is no part of the phrase
        ("外方派出12名代表赴甘肃考察。", "12名", "代表"),
        # one character in brackets right after the number is another counter of it
        ("全县改造农村危房320套（间）。", "320套", "农村危房"),
        ("展览展出300余件（套）青铜器。", "300余件", "青铜器"),
    ],
)
def test_context_np_after_place_modifier(nlp, text, quantity, entity):
    assert _entity(nlp, text, quantity) == entity
