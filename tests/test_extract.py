"""Claim context on real sentences of the seed articles: entity, where, time, role."""

from __future__ import annotations

import pytest


def _claim(nlp, text, quantity):
    claims = [c for c in nlp(text)._.claims if c.quantity == quantity]
    assert len(claims) == 1, [c.quantity for c in nlp(text)._.claims]
    return claims[0]


def _entity_branch(claim) -> str:
    """The entity branch that chose the claim's entity (the last part of its rule), or "" when none did."""
    last = claim.rule.split("+")[-1]
    return last if last.startswith("entity.") else ""


def _entity_choice(nlp, text, quantity) -> tuple[str | None, str]:
    """The entity of the one claim of `quantity` in `text` and the branch that chose it."""
    claim = _claim(nlp, text, quantity)
    return claim.entity, _entity_branch(claim)


@pytest.mark.parametrize(
    "text,quantity,field,value",
    [
        ("全州共73个安置点规范建立党组织166个,根据党员分布情况设立党小组196个。", "73个", "entity", "安置点"),
        ("全州下派27个机关干部担任安置点党组织书记。", "27个", "entity", "机关干部"),
        ("全州共73个安置点规范建立党组织166个,根据党员分布情况设立党小组196个。", "166个", "entity", "党组织"),
        ("全州共73个安置点规范建立党组织166个,根据党员分布情况设立党小组196个。", "196个", "where", "全州"),
        ("抓阵地建设,近两年新建、改扩建村级活动场所103个,全市所有村活动场所全部达标。", "103个", "time", "近两年"),
        ("镇街编制由改革前的435个增加为改革后的608个,增幅39.8%;", "435个", "role", "from"),
        ("镇街编制由改革前的435个增加为改革后的608个,增幅39.8%;", "608个", "role", "to"),
        ("镇街编制由改革前的435个增加为改革后的608个,增幅39.8%;", "39.8%", "role", "delta"),
        ("镇街编制由改革前的435个增加为改革后的608个,增幅39.8%;", "435个", "entity", "镇街编制"),
        ("“太感谢你了。”71岁的冯道国老人一膝盖跪在帮扶干部的面前。", "71岁", "entity", "冯道国"),
        ("在青铜峡市全面推行改革,梳理下放城镇管理、市场监管等63项审批服务事项。", "63项", "where", "青铜峡市"),
    ],
)
def test_extract_context_field(nlp, text, quantity, field, value):
    assert getattr(_claim(nlp, text, quantity), field) == value


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a time expression ends a noun phrase; the change then measures the sentence's subject
        ("全县粮食产量同比增长4.2%,比2019年同期增长6.1%,两年平均增长3.0%。", "6.1%", "粮食产量"),
        # the longest comparison word is stripped first (两年平均, not 均)
        ("全县粮食产量同比增长4.2%,比2019年同期增长6.1%,两年平均增长3.0%。", "3.0%", "粮食产量"),
        # a scope word before the phrase is the claim's where, not part of what is counted
        ("全县粮食产量同比增长4.2%,比2019年同期增长6.1%,两年平均增长3.0%。", "4.2%", "粮食产量"),
        # a leading verbal noun before a noun is the predicate
        ("全县培训基层党组织书记450人。", "450人", "基层党组织书记"),
        # a quoted name opening the phrase after the counter is taken whole
        ("全县与58个“结对共建”单位推行联系制度。", "58个", "“结对共建”单位"),
        # a quoted name right before the quantity is taken whole, brackets included
        ("本次建成省级“美丽乡村(示范村)”3个。", "3个", "省级“美丽乡村(示范村)”"),
        # a one-character head takes the verb before it
        ("全镇党员大会参会率达到95%以上。", "95%以上", "党员大会参会率"),
        # a classifier then one verb closing the clause: the verb names the cases
        ("本港今日新增40宗确诊，其中12宗属输入个案。", "40宗", "确诊"),
        # not when a noun ends right before the count
        ("工资够我们一家三口开销，还有结余。", "三口", "一家"),
        # a person counter followed by its predicate: the persons are counted
        ("留院的病人当中，15人危殆。", "15人", "人"),
        # a counter that is a noun, after a route of places
        ("由深圳到广州每天共有46班次。", "46班次", "班次"),
        # words of their own between an earlier count and the amount name the amount
        ("合作社带动85户贫困户户均增收6000元。", "6000元", "贫困户户均增收"),
    ],
)
def test_extract_entity_phrase(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a verb-tagged modifier stays inside the phrase (兼职 is tagged v)
        ("选聘街道党工委兼职委员9名、社区党组织兼职委员95名。", "95名", "社区党组织兼职委员"),
        # a noun-tagged predicate word (利用) ends the phrase after the counter
        ("全县90个社区党组织利用阵地开展活动。", "90个", "社区党组织"),
        # the items of a list the phrase closes belong to it; a list of quantities does not
        ("全县共建成调解室、警务室及图书室35个。", "35个", "调解室、警务室及图书室"),
        ("修建商铺24个、门面8间。", "8间", "门面"),
        # past a modifier with 的, or a short relative clause, to the noun it modifies
        ("家里有3个年幼的孩子。", "3个", "孩子"),
        ("全村有56名外出务工回来的青年。", "56名", "青年"),
        # but not past a noun: 10个社区 is what is counted
        ("这是全县10个搬迁安置社区的缩影。", "10个", "搬迁安置社区"),
    ],
)
def test_extract_entity_phrase_edges(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # the list is named in an earlier clause of the sentence
        ("今年主要税种包括增值税、消费税、关税,收入分别为120亿元、45亿元、18亿元。", "45亿元", "消费税"),
        # a second 分别 of the sentence refers to the same list
        ("钢铁、水泥和玻璃产量分别增长5.1%、3.2%和2.4%,两年平均增长分别为2.0%、1.1%和0.9%。", "1.1%", "水泥"),
        # a 分别 with nothing before it in its clause
        ("主要税种包括增值税、消费税、关税,收入分别为120亿元、45亿元、18亿元,分别增长3%、5%、2%。", "5%", "消费税"),
        # a list governed by a preposition (以…计) names no subjects
        ("以人民币和美元计,出口分别增长6%和3.5%。", "3.5%", "出口"),
        # the list starts after 的
        ("全区到社区报到的机关党组织、在职党员分别占95.5%、93.1%。", "95.5%", "机关党组织"),
        # 等 closes a list; the list after it (建材、家居产品) is another one
        ("今年以来，钢材、水泥、玻璃等建材、家居产品需求旺盛，价格分别上涨12.5%、8.3%、5.1%。", "8.3%", "水泥"),
        ("今年以来，钢材、水泥、玻璃等建材、家居产品需求旺盛，价格分别上涨12.5%、8.3%、5.1%。", "5.1%", "玻璃"),
    ],
)
def test_extract_entity_respectively_list(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


def test_extract_where_skips_verb_that_is_also_a_district_name(nlp):
    # 新建 is the short name of a district, but in a report it is the verb "newly build"
    assert _claim(nlp, "全县新建学校12所。", "12所").where == "全县"


@pytest.mark.parametrize(
    "text,quantity,where",
    [
        # a 全X scope word restates the place named at the start of the sentence
        ("平凉市举办培训班3期,全市共培训干部600人次。", "600人次", "平凉市"),
        # without a name before it, the scope word is the where; 全社区 is cut 全/社区 by jieba
        ("通过摸底,全社区有86名党员。", "86名", "全社区"),
        # a place after a time expression still opens the sentence, for a later clause too
        ("今年上半年广州新开业餐厅明显增多，其中约30%集中在老城区。", "约30%", "广州"),
        ("目前澳门的酒店相当紧张，据统计，八成酒店入住率超过90%。", "超过90%", "澳门"),
        # a place inside a clause that does not open with it scopes only that clause
        ("记者来到南宁采访，当地约有3000名志愿者。", "3000名", None),
        # a long lead-in of time expressions is still a lead-in
        ("2021年上半年2022年下半年2023年上半年2024年上半年澳门旅游业回暖，酒店从业人数达8000人。", "8000人", "澳门"),
    ],
)
def test_extract_where_prefers_sentence_place(nlp, text, quantity, where):
    assert _claim(nlp, text, quantity).where == where


def test_extract_spans_and_entities_for_displacy(nlp):
    doc = nlp("全州共73个安置点,黔东南州下派27个机关干部。")
    assert [s.text for s in doc.spans["claims"]] == ["73个", "27个"]
    assert "黔东南州" in [e.text for e in doc.ents]


def test_extract_claim_carries_rule_and_sentence(nlp):
    claim = _claim(nlp, "集体经济积累121.6万元,配套新建学校88所。", "121.6万元")
    assert "money.yuan" in claim.rule and "multiplier" not in claim.rule
    assert claim.sentence == "集体经济积累121.6万元,配套新建学校88所。"


def test_extract_empty_text_gives_no_claims(nlp):
    assert nlp("")._.claims == []


@pytest.mark.parametrize(
    "text",
    [
        "近年有认为 翻转教室 能令学生更有效地学习。\n请电邮至[email\xa0protected]\n共有3个  小组。",
        "【撰文：陈小明、 李美华】\n\u3000\u3000全港共有18区。",
    ],
)
def test_extract_text_with_inner_spaces_keeps_offsets(nlp, text):
    doc = nlp(text)
    assert doc.text == text
    for claim in doc._.claims:
        assert text[claim.start : claim.end] == claim.quantity


def test_extract_long_quoted_name_after_a_counter_is_read_to_its_end(nlp):
    name = "推进乡村邻里互助和睦邻友好服务站建设" * 7
    claim = _claim(nlp, f"全市建成3个“{name}”示范点。", "3个")
    assert claim.entity is not None and claim.entity.startswith("“推进乡村邻里")


@pytest.mark.parametrize(
    "text,quantity,entity,time,branch",
    [
        # a row's header cell is what every value of the row measures
        ("分行业增速如下:\n行业\t增速\t占比\n制造业\t5.8%\t6.3%\n采矿业\t1.2%\t2.0%\n", "6.3%", "制造业", None, "entity.table_row"),
        ("分行业增速如下:\n行业\t增速\t占比\n制造业\t5.8%\t6.3%\n采矿业\t1.2%\t2.0%\n", "1.2%", "采矿业", None, "entity.table_row"),
        # a time as the row's header is the claim's time; the column's header is the entity
        ("年度\t游客人数\t外籍游客比例\n2019年\t5,120\t0.42%\n2020年\t4,870\t0.39%\n", "0.39%", "外籍游客比例", "2020年", "entity.table_column"),
        # a label holding a number stays the row's header
        ("月薪前20%的住户\t31.2%\n月薪后20%的住户\t18.9%\n", "18.9%", "月薪后20%的住户", None, "entity.table_row"),
    ],
)
def test_extract_entity_from_table(nlp, text, quantity, entity, time, branch):
    claim = _claim(nlp, text, quantity)
    assert (claim.entity, claim.time) == (entity, time)
    assert claim.rule.split("+")[-1] == branch


@pytest.mark.parametrize(
    "text,quantity,entity,branch",
    [
        # a clause with only a change and a comparison measures the subject stated once before it
        ("全县粮食产量180万吨,同比增长4.2%,两年平均增长3.0%。", "3.0%", "粮食产量", "entity.clause_quantity"),
        # the base of a comparison (比|上月) is not what changes
        ("全县商品零售额同比增长6.1%,比一季度提升1.2个百分点。", "1.2个百分点", "商品零售额", "entity.clause_quantity"),
        # an adverb before the change verb is no phrase of its own (显著|增至)
        ("全年客运收入由820万元显著增至960万元。", "960万元", "客运收入", "entity.clause_quantity"),
        # the subject opens the clause past a place and a time (深圳|2021年)
        ("全县地区生产总值在2021年突破500亿元。", "突破500亿元", "地区生产总值", "entity.subject"),
        # and past a lead-in word (其中)
        ("全县财政收入稳步增长,其中税收收入在2021年突破80亿元。", "突破80亿元", "税收收入", "entity.subject"),
        # a change with a copula (增长|高达) is read before its change cue, without the comparison word
        ("全市工业投资增长12%,其中制造业投资同比增长高达15.3%。", "15.3%", "制造业投资", "entity.np_before"),
        # trailing adverbs leave the phrase (销量|一度)
        ("全县新车销量一度回升至4.2万辆。", "4.2万辆", "新车销量", "entity.np_before"),
        # a count of the clause names no amount of money after it (3个|台阶、突破9千亿元)
        ("全市工业产值连上3个千亿级台阶、突破9千亿元。", "突破9千亿元", "工业产值", "entity.subject"),
        # a quantity in a frame 在…基础上 measures the clause's subject
        ("其中进口增速在上年9%的基础上继续加快。", "9%", "进口增速", "entity.base_frame"),
        # a short relative clause opening the clause modifies its subject (由此带来的|外汇储备)
        ("由此带来的外汇储备创下新高,达到3.2万亿美元。", "3.2万亿美元", "外汇储备", "entity.subject"),
        # a share noun after the share word is what the value measures
        ("全县旅游收入占地区生产总值的比重达到18.5%。", "18.5%", "比重", "entity.share_noun"),
    ],
)
def test_extract_entity_subject_stated_once(nlp, text, quantity, entity, branch):
    claim = _claim(nlp, text, quantity)
    assert (claim.entity, claim.rule.split("+")[-1]) == (entity, branch)


@pytest.mark.parametrize(
    "text,quantity,entity,branch",
    [
        # a heading line without numbers over lines of places with their values
        ("投资增速\n庆阳市增长36.4%、平凉市下降13%\n", "36.4%", "投资增速", "entity.heading"),
        ("投资增速\n庆阳市增长36.4%、平凉市下降13%\n", "13%", "投资增速", "entity.clause_quantity"),
        # past other list lines, without its list marker
        ("三、工业用电量\n庆阳市增长6.1%\n平凉市增长2.2%\n", "2.2%", "工业用电量", "entity.heading"),
        # a line that is a sentence is no heading
        ("各市都在增长。\n庆阳市增长3.4%\n", "3.4%", None, ""),
        # a phrase of its own wins over the heading
        ("投资增速\n庆阳市工业投资增长36.4%\n", "36.4%", "工业投资", "entity.np_before"),
    ],
)
def test_extract_entity_heading_over_list(nlp, text, quantity, entity, branch):
    assert _entity_choice(nlp, text, quantity) == (entity, branch)


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # more list items than values: items joined by a weaker separator (及) make one item
        ("食品业、烟草及酒类制造业均为负增长,分别下降2%和0.6%。", "2%", "食品业"),
        ("食品业、烟草及酒类制造业均为负增长,分别下降2%和0.6%。", "0.6%", "烟草及酒类制造业"),
        # as many items as values: each its own
        ("钢材、水泥和玻璃产量分别增长3%、5%和2%。", "5%", "水泥"),
    ],
)
def test_extract_entity_respectively_more_items_than_values(nlp, text, quantity, entity):
    claim = _claim(nlp, text, quantity)
    assert (claim.entity, claim.rule.split("+")[-1]) == (entity, "entity.respectively")


@pytest.mark.parametrize(
    "text,quantity,entity,branch",
    [
        # a clause that is only a noun phrase is the topic of the clauses after it
        ("占比最大的营业税,今年则微跌1.2亿元至310亿元。", "310亿元", "营业税", "entity.same_as_previous"),
        ("占比最大的营业税,今年则微跌1.2亿元至310亿元。", "1.2亿元", "营业税", "entity.topic_clause"),
        # a speaker's clause is no topic
        ("市邮政局负责人介绍说,目前保持在80万件左右。", "80万件左右", None, ""),
    ],
)
def test_extract_entity_topic_clause(nlp, text, quantity, entity, branch):
    assert _entity_choice(nlp, text, quantity) == (entity, branch)


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a second list of as many values after the 分别 list is parallel to the same items
        ("教育及卫生支出增幅最大,分别增加1.5倍及1.2倍,达52亿元及37亿元。", "52亿元", "教育"),
        ("教育及卫生支出增幅最大,分别增加1.5倍及1.2倍,达52亿元及37亿元。", "37亿元", "卫生"),
    ],
)
def test_extract_entity_respectively_second_list(nlp, text, quantity, entity):
    claim = _claim(nlp, text, quantity)
    assert (claim.entity, claim.rule.split("+")[-1]) == (entity, "entity.respectively")


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a quoted base of comparison after 比 is not what changes
        ("全省农业投资比“十二五”时期增长35%。", "35%", "农业投资"),
        # but 比 inside a word (比重) is no marker
        ("服务业比重提高2.1个百分点。", "2.1个百分点", "服务业比重"),
        # the base with an adverb before the change verb (原先估算|大幅增加): still the base
        ("当局去年有420亿元结余，比原先估算大幅增加150亿元。", "150亿元", "结余"),
    ],
)
def test_extract_entity_not_the_base_of_a_comparison(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # X的N: N is what X measures
        ("两栋楼之间要留出8米以上的间距。", "8米以上", "间距"),
        # but a property named right before the quantity is what a threshold measures
        ("全县人均收入3万元以上的村46个。", "3万元以上", "人均收入"),
        # a person counter that is a noun owns what follows 的: the persons are counted
        ("警方拘捕5人，当局已冻结其中3人的银行户口。", "3人", "人"),
        # unless what follows is a group of persons (a 30-person team)
        ("他带领一个30人的团队。", "30人", "团队"),
        # a lead-in word after a count (300人|当中) names nothing; nor do its parts
        ("获选的300人当中，80人已经入职。", "300人", "获选"),
        ("获选的300人当中，80人已经入职。", "80人", "人"),
        # a copula after a person counter: what the persons are counted as (past a modifier with 的)
        ("检测结果显示，12人为阳性，30人是伤者。", "12人", "阳性"),
        ("委员会中，9人是公司内部的高级经理，3人是外聘的会计师。", "3人", "会计师"),
        # not a word that begins with the copula (是否, 达标)
        ("检测结果显示，2人是否出庭仍未决定。", "2人", "人"),
        # an age held by a personal pronoun after its 的 or before it
        ("现年45岁的他仍在地盘开工。", "45岁", "他"),
        ("陈先生今年62岁，她今年只有40多岁。", "40多岁", "她"),
        ("陈先生今年62岁，她今年只有40多岁。", "62岁", "陈先生"),
        # a person count closing a list of names: the names, not the verb before them
        ("当局点名批评王某等三人。", "三人", "王某"),
        ("警方拘捕总编辑林某等4人。", "4人", "总编辑林某"),
        # a noun after the count: it counts that noun
        ("村民等5人小组负责巡逻。", "5人", "小组"),
        # a counter the tokenizer joined to what follows: the noun it begins, or the noun after it
        ("这个新区将来可住下12万人口。", "12万人", "人口"),
        ("当局预留8万名额给市民。", "8万名", "名额"),
        ("院方安排6名医生于周末加班。", "6名", "医生"),
        ("小组里有二十多个人很认真地审阅。", "二十多个", "人"),
        ("事后共有9个人被检控。", "9个", "人"),
    ],
)
def test_extract_entity_quantity_before_de(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity,branch",
    [
        # the household named right before the count of its members
        ("王大明一家5口挤在10坪的铁皮屋里", "5口", "王大明一家", "entity.household"),
        # a headline's count: the household the story names after it
        ("寒冬小屋 4口无处栖身。张小华全家靠打零工维生，每月仅赚8000元", "4口", "张小华全家", "entity.household"),
        # a noun after the count is what it counts
        ("村里新打了3口水井", "3口", "水井", "entity.np_after"),
    ],
)
def test_extract_entity_household(nlp, text, quantity, entity, branch):
    claim = _claim(nlp, text, quantity)
    assert (claim.entity, claim.rule.split("+")[-1]) == (entity, branch)


@pytest.mark.parametrize(
    "text,quantity,entity,branch",
    [
        # a sentence naming nothing: what the paragraph's last quantity of the same kind measured
        ("绍兴市一季度税收收入为820亿元，居全省首位。湖州市紧跟其后，达790亿元。", "790亿元", "税收收入", "entity.previous_sentence"),
        # a new paragraph starts afresh
        ("绍兴市一季度税收收入为820亿元。\n湖州市紧跟其后，达790亿元。", "790亿元", None, ""),
    ],
)
def test_extract_entity_previous_sentence(nlp, text, quantity, entity, branch):
    assert _entity_choice(nlp, text, quantity) == (entity, branch)


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a space between a Latin word and the number does not part them
        ("乙市以GDP 2380.5亿元排名第七。", "2380.5亿元", "GDP"),
        # a phrase inside a bracket stops at the bracket that opens it
        ("甲市经济总量（GDP 4120亿元）领先乙市。", "4120亿元", "GDP"),
    ],
)
def test_extract_entity_phrase_before_latin_word(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a code of Latin letters and digits is a name inside the noun phrase
        ("由南宁到桂林，每日只有一班D8365动车。", "一班", "D8365动车"),
        ("航空公司新购入3架A350客机。", "3架", "A350客机"),
    ],
)
def test_extract_entity_code_in_phrase(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a verb right after the number opens a relative clause up to 的: the noun after it is counted
        ("全国46个开通地铁线路的城市中，有12座城市建了有轨电车。", "46个", "城市"),
        ("这8.2%没有明显症状的患者最难发现。", "8.2%", "患者"),
        # a noun after the number: 的 ends the phrase (社区|的缩影)
        ("这是全县12个安置社区的缩影。", "12个", "安置社区"),
    ],
)
def test_extract_entity_relative_clause_after_quantity(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a comparison's base after 较 is no part of what changes, a name as much as a time
        ("教育开支较前任局长任内增加120亿元。", "120亿元", "教育开支"),
        ("失业率较上季上升0.3个百分点。", "0.3个百分点", "失业率"),
    ],
)
def test_extract_entity_base_of_comparison_dropped(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity,branch",
    [
        # a short clause about the holder between the age and 的
        ("她每天帮82岁行动不便的外婆翻身。", "82岁", "外婆", "entity.age_holder"),
        # a noun between the age and 的 is the holder itself
        ("墓园里有一座未满17岁少女的墓。", "17岁", "少女", "entity.np_after"),
        # a count of the holders after 的
        ("最小3岁的4名孙子都由她照顾。", "3岁", "孙子", "entity.age_holder"),
        # an age word: the sentence's subject
        ("著名画家周某在杭州病逝，享年91岁。", "91岁", "著名画家周某", "entity.age_subject"),
    ],
)
def test_extract_entity_age(nlp, text, quantity, entity, branch):
    claim = _claim(nlp, text, quantity)
    assert (claim.entity, claim.rule.split("+")[-1]) == (entity, branch)


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # the last item of a list is an item whatever jieba tags it (来电: a verb)
        ("甲宝、乙宝、来电3家企业的份额分别为41%、33%和9%。", "9%", "来电"),
        ("甲宝、乙宝、来电3家企业的份额分别为41%、33%和9%。", "41%", "甲宝"),
    ],
)
def test_extract_entity_respectively_last_item_any_tag(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity,branch",
    [
        # the figure a ranking is by measures the topic stated before, across paragraphs
        ("一季度，浙江省税收收入为812亿元，居全国首位。\n江苏省以790亿元排名第二，广东省以702亿元排名第三。", "702亿元", "税收收入", "entity.ranking"),
        # its own clause names what it measures: that stays
        ("一季度，浙江省税收收入为812亿元。\n江苏省财政收入以790亿元排名第二。", "790亿元", "财政收入", "entity.subject"),
    ],
)
def test_extract_entity_ranking(nlp, text, quantity, entity, branch):
    claim = _claim(nlp, text, quantity)
    assert (claim.entity, claim.rule.split("+")[-1]) == (entity, branch)


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # 占B的X% opening its clause: the share's subject is the earlier clause's
        ("全县有效灌溉面积38万亩，占耕地面积的62%。", "62%", "有效灌溉面积"),
        # a share noun before the figure names what it measures
        ("全市制造业增加值1200亿元，占全部工业比重超过四成。", "超过四成", "全部工业比重"),
        # a share followed by its source: the part named after 来自
        ("受访学生中，其余8%来自私立学校及国际学校。", "8%", "私立学校及国际学校"),
    ],
)
def test_extract_entity_share(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity,branch",
    [
        # as many persons as a count just before are those persons
        ("警方昨日再拘捕三名少年，年龄介乎15至17岁，三人涉嫌纵火。", "三人", "少年", "entity.same_count"),
        # no count of as many before: the counter
        ("警方昨日拘捕四名少年，三人涉嫌纵火。", "三人", "人", "entity.subject_counter"),
    ],
)
def test_extract_entity_same_count(nlp, text, quantity, entity, branch):
    claim = _claim(nlp, text, quantity)
    assert (claim.entity, claim.rule.split("+")[-1]) == (entity, branch)


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a function word right after the number opens a short relative clause up to 的
        ("议会以62票对38票的表决结果通过了该法案。", "62票", "表决结果"),
    ],
)
def test_extract_entity_relative_clause_after_function_word(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a verb after 的 closing the clause is what the figure measures
        ("受外需疲弱影响，全市仍保持4.5%的增长。", "4.5%", "增长"),
    ],
)
def test_extract_entity_verb_after_de(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity,branch",
    [
        # a word jieba tags as a noun after a person counter is its predicate
        ("医院表示，今日15人出院，另有3人转院", "15人", "人", "entity.subject_counter"),
        ("住院者当中，6人情况稳定", "6人", "人", "entity.subject_counter"),
        # a noun the counter modifies, or a copula: not a predicate of the persons
        ("市政府成立一个7人小组跟进", "7人", "小组", "entity.np_after"),
        # (人为 is one word): what the copula names, as the gold labels it (N人为阳性 → 阳性)
        ("检测结果显示，其中500人为阳性", "500人", "阳性", "entity.copula_predicate"),
    ],
)
def test_extract_entity_person_counter_predicate(nlp, text, quantity, entity, branch):
    claim = _claim(nlp, text, quantity)
    assert (claim.entity, claim.rule.split("+")[-1]) == (entity, branch)


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a copula word (高达, tagged as a name) before the quantity is no noun: the noun after 的
        ("据报道，预计高达5米的巨浪将抵达沿岸。", "5米", "巨浪"),
        # a noun before the copula names the property
        ("村集体收入高达5万元的村有3个。", "5万元", "村集体收入"),
        # 有 is no copula: what it has follows the quantity
        ("若甲管与乙管仅有30公分的距离，就容易出事。", "30公分", "距离"),
    ],
)
def test_extract_entity_copula_before_quantity_de(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a share of money followed by what it is used for: that use
        ("拨款中约一半用于退税，20%则用作援助长者。", "20%", "援助长者"),
        ("今年预算约15%用于兴建公屋。", "约15%", "兴建公屋"),
    ],
)
def test_extract_entity_share_used_for(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # A中的X%: the whole the part is taken from
        ("该方法可锁定高风险人群中的60%。", "60%", "高风险人群"),
        ("受访者中的35%表示支持。", "35%", "受访者"),
    ],
)
def test_extract_entity_part_of_whole(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,field,value",
    [
        # a bare multiplier measuring an amount of money is money; counting people it stays a count
        ("全省有两个城市的税收收入超过800亿。", "超过800亿", "kind", "money"),
        ("他家去年欠下住院费5万。", "5万", "kind", "money"),
        ("全省纳税户数由30万增至31.2万。", "31.2万", "kind", "count"),
        # a change verb, its object, then the amount it changes by
        ("央行宣布下调法定准备金率0.3个百分点。", "0.3个百分点", "role", "delta"),
        ("央行宣布下调法定准备金率0.3个百分点。", "0.3个百分点", "entity", "法定准备金率"),
        ("新型设备使加工周期缩短15%。", "15%", "role", "delta"),
        ("出台降低企业成本的措施12条。", "12条", "role", None),
        # Taiwan and Hong Kong wording
        ("出货量较去年同期成长8%。", "8%", "role", "delta"),
        ("该区以8.5%的营收增速位居首位。", "8.5%", "role", "delta"),
        ("每组须有5人或以上。", "5人或以上", "qualifier", "ge"),
        ("投票率低过30%。", "低过30%", "qualifier", "lt"),
    ],
)
def test_extract_kind_role_qualifier_wording(nlp, text, quantity, field, value):
    assert getattr(_claim(nlp, text, quantity), field) == value


@pytest.mark.parametrize(
    "text,quantity,entity,branch",
    [
        # a plural pronoun right before a count of persons names the group counted
        ("阿公生病后，我们3个轮流照顾他。", "3个", "我们", "entity.group_pronoun"),
        ("他们4位每天清晨到公园练拳。", "4位", "他们", "entity.group_pronoun"),
        # and a later clause without a noun of its own measures that group
        ("她说，我们5人一起包装水果，一天大约赚800元。", "800元", "我们", "entity.previous"),  # the clause before counts them (我们|5人)
        # no pronoun: the persons of a person counter before its predicate
        ("至今已有12人被捕。", "12人", "人", "entity.subject_counter"),
        # Taiwan welfare words are nouns (低收, 就养金), and how money is lived on (度日) names nothing
        ("陈家5口每月靠低收6200元过活。", "6200元", "低收", "entity.np_before"),
        ("王伯伯领有荣民就养金1万3200元。", "1万3200元", "荣民就养金", "entity.np_before"),
        ("一家人每月仅靠9千元度日。", "9千元", "一家人", "entity.subject"),
        # but a verb that names money it takes is the entity
        ("到去年底，已累计创收20万元。", "20万元", "创收", "entity.np_before"),
        # a locative or a numeral word alone names nothing: the earlier clause's subject, the noun after 的
        ("天气冷了，山上只有8度。", "8度", "天气", "entity.subject"),
        ("一个5毛钱的纸袋，要折好几分钟。", "5毛钱", "纸袋", "entity.np_after_de"),
        # the counter of an earlier quantity is no phrase of its own: what that quantity measures
        ("王家4口每月仅2万元过活。", "2万元", "王家", "entity.same_as_previous"),
        # a person speaking in the first person of an amount with no noun of its own: the speaker
        ("邻居王大明表示，「我也只能偶尔帮忙3千元。」", "3千元", "王大明", "entity.speaker"),
        ("小杰接着说，我暑假要去工厂打工，1天900元。", "900元", "小杰", "entity.speaker"),
        # a noun of its own, or no first person, keeps the cascade's choice
        ("小杰接着说，我暑假要去工厂打工，工资1天900元。", "900元", "工资", "entity.subject"),
        ("局长表示，今年全市财政收入达到80亿元。", "80亿元", "财政收入", "entity.np_before"),
        # a total of amounts listed before it: who holds them, the subject of the first amount's clause
        ("陈伯伯领有老人年金4000元，加上儿子的补贴，每月共领1万2000元。", "1万2000元", "陈伯伯", "entity.total_holder"),
        ("吴家靠打零工3000元与补助5000元，共8000元过活。", "8000元", "吴家", "entity.total_holder"),
        # a list of quantities of one unit: what the last one counts, or for ages the holder of the list
        ("新款平板多为64GB及128GB储存版本。", "64GB", "储存版本", "entity.list_after"),
        ("他们育有8岁、最小2岁的3名孩子。", "8岁", "孩子", "entity.list_after"),
        ("夫妻俩育有9、7、4岁及一名1岁幼儿共4名子女。", "7", "子女", "entity.list_after"),
        # an amount a household's members live on (…元|4口|为生) is the household's
        ("张小华全家靠打零工维生，扣掉房租仅剩8000元3口过活。", "8000元", "张小华全家", "entity.household"),
        # a verb right before a person count closes a clause of its own: the persons are counted
        ("去年他向银行借钱两人开了间小吃店。", "两人", "人", "entity.subject_counter"),
        # a share followed by an adjective and its verb: the noun before the share is what it measures
        ("他的皮肤30%严重烧伤，仍在加护病房。", "30%", "皮肤", "entity.np_before"),
        # giving money (资助) is a predicate and what it is for (应急) names nothing: the givers
        ("邻居们已资助3、4万元应急。", "3、4万元", "邻居们", "entity.np_before"),
        # a time modifying a clause's subject with 的 (半年的|辛劳) is passed over to the subject
        ("「一年收两季，半年的辛劳扣掉肥料、人工，只能赚3万元。」", "3万元", "辛劳", "entity.subject"),
    ],
)
def test_extract_entity_taiwan_register(nlp, text, quantity, entity, branch):
    claim = _claim(nlp, text, quantity)
    assert (claim.entity, claim.rule.split("+")[-1]) == (entity, branch)


@pytest.mark.parametrize(
    "text,quantity,entity,branch",
    [
        # a count, then a relative clause with a verb up to 的: its head noun is what is counted
        ("记者早前访问了8名当日在场、未有受伤的市民。", "8名", "市民", "entity.relative_head"),
        ("每日有28班由深圳北到西九龙站的列车。", "28班", "列车", "entity.relative_head"),
        ("本港共有12宗昨日新增、源头不明的个案。", "12宗", "个案", "entity.relative_head"),
        # no verb before 的, or a figure of its own in the clause: no relative clause on the count
        ("共有3间在去年的评审中获奖。", "3间", None, ""),
    ],
)
def test_extract_entity_relative_clause_after_count(nlp, text, quantity, entity, branch):
    assert _entity_choice(nlp, text, quantity) == (entity, branch)


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a change cue then a count and one verb closing the clause: the verb names the cases
        ("某护老院单日急增27宗确诊。", "27宗", "确诊"),
        ("本港昨日新增15宗确诊。", "15宗", "确诊"),
    ],
)
def test_extract_entity_verbal_noun_after_change_cue(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # Hong Kong taxes, handouts and camps are words of their own (words.txt), so a phrase keeps them whole
        ("去年利得税收入按年增加8%。", "8%", "利得税收入"),
        ("今年预算中七成派糖。", "七成", "派糖"),
        ("非建制派议员约占35%。", "35%", "非建制派议员"),
    ],
)
def test_extract_entity_hong_kong_vocabulary(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity",
    [
        # a phrase begun inside a quotation ends where the quotation closes
        ("标语写着「别相信超过五十岁的人」（Don’t ask）。", "超过五十岁", "人"),
        # a quoted name inside a phrase stays whole
        ("全区共有12个“青年之家”服务点。", "12个", "“青年之家”服务点"),
    ],
)
def test_extract_entity_phrase_ends_at_closing_quote(nlp, text, quantity, entity):
    assert _claim(nlp, text, quantity).entity == entity


@pytest.mark.parametrize(
    "text,quantity,entity,branch",
    [
        # persons counted after 当中/其中/余下 are parts of the whole counted before them
        ("院舍有80名院友，当中5人发烧，余下75人情况稳定。", "5人", "院友", "entity.part_of_whole"),
        ("院舍有80名院友，当中5人发烧，余下75人情况稳定。", "75人", "院友", "entity.part_of_whole"),
        # the whole names only its counter, or its noun comes before the count: the part stays 人
        ("至今已有15人被捕，其中四人被起诉。", "四人", "人", "entity.subject_counter"),
        ("美方宣布制裁多六人，当中两人被冻结资产。", "两人", "人", "entity.subject_counter"),
        # a copula after the part: what it names (当中两人|是|议员)
        ("美方宣布制裁多六人，当中两人是议员。", "两人", "议员", "entity.copula_predicate"),
    ],
)
def test_extract_entity_part_of_whole_persons(nlp, text, quantity, entity, branch):
    assert _entity_choice(nlp, text, quantity) == (entity, branch)


@pytest.mark.parametrize(
    "text,quantity,entity,branch",
    [
        # A占B X%: the share measures A, unless A is itself counted by a quantity: then B
        ("最大的800间公司共占利得税收入的58%。", "58%", "利得税收入", "entity.share_whole"),
        ("最富有的10%人口占总收入的45%。", "45%", "总收入", "entity.share_whole"),
        ("教育支出占财政支出的18%。", "18%", "教育支出", "entity.share"),
    ],
)
def test_extract_entity_share_of_counted_part(nlp, text, quantity, entity, branch):
    assert _entity_choice(nlp, text, quantity) == (entity, branch)


@pytest.mark.parametrize(
    "text,quantity,entity,branch",
    [
        # a count of persons counts them, not a first-person speaker (entity.speaker is for amounts)
        ("李牧师说：「我为自己留下三百人，未曾离开。」", "三百人", "留下", "entity.np_before"),
        # a person counter before a noun headed by a group noun (团, 小组) counts the group
        ("法官明日会引导七人评审团作出裁决。", "七人", "评审团", "entity.np_after"),
        ("市政府成立一个7人小组跟进", "7人", "小组", "entity.np_after"),
        # a verb after 的 is a noun: it names the amount (经网上进行的|可疑转账)
        ("某公司经网上进行的可疑转账超过3亿美元。", "超过3亿美元", "可疑转账", "entity.np_before"),
        # a bare verb alone before an amount still gives way to the clause's subject
        ("一家人每月仅靠9千元度日。", "9千元", "一家人", "entity.subject"),
        # a noun of money after an earlier count's counter names the amount (not what the count counts)
        ("今年开工的第二批200个项目总投资达300亿元。", "300亿元", "项目总投资", "entity.np_before"),
        # a numeral before 四处 makes it a count (not the adverb everywhere)
        ("这部电影被要求删改二十四处情节。", "二十四处", "情节", "entity.np_after"),
        # a comma inside a number (1,500) ends no clause: the part takes what the count before it counts
        ("一批共有3,200份档案的调查材料，其中有2,800多份是由法院提交。", "2,800多份", "档案", "entity.clause_quantity"),
        # a figure in brackets after a place measures the topic of running text, not a table row's header
        ("全省出口增速为6.5%。\n城市\t今年\t去年\n杭州\t7.2%\t6.1%\n温州\t4.2%\t3.1%\n其中嘉兴（6.8%）和湖州（4.9%）较快。", "6.8%", "出口增速", "entity.place_bracket"),
    ],
)
def test_extract_entity_narrowed_on_unseen_text(nlp, text, quantity, entity, branch):
    assert _entity_choice(nlp, text, quantity) == (entity, branch)
