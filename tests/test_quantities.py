"""The quantity scanner on real sentences: what is found, and what is not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.extraction.quantities import QuantityMatcher


@pytest.fixture(scope="module")
def matcher(rules):
    return QuantityMatcher(rules)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("全州共73个安置点规范建立党组织166个,根据党员分布情况设立党小组196个", ["73个", "166个", "196个"]),
        ("汇集紫阳全县15个镇1940户8132名搬迁群众", ["15个", "1940户", "8132名"]),
        ("短短3天共运走5卡车300余个泡沫箱", ["5卡车", "300余个"]),
        ("比例由年初的21.7%提高到32.3%", ["21.7%", "32.3%"]),
        ("关税收入会增加6%至820亿元", ["6%", "820亿元"]),
        ("利得税收入微跌1.5亿元至1391亿元", ["1.5亿元", "1391亿元"]),
        ("建立完善5岗20级40档等次晋升机制", ["5岗", "20级", "40档"]),
        ("今年2月份,选派了一名老党员", []),
        ("第一招:保姆式服务跟进", []),
        ("推动五星级党支部示范引领、四星级争创提质", []),
        ("“80后”的东关村党支部书记", []),
        ("新闻热线:0855-8222000", []),
    ],
)
def test_quantities_found_in_sentence(matcher, text, expected):
    assert [q.text for q in matcher.find(text)] == expected


@pytest.fixture(scope="module")
def tagged(rules, nlp):
    """The matcher with the tokenizer's lexicon: counters found by their part-of-speech tag."""
    return nlp.get_pipe("claims").matcher


@pytest.mark.parametrize(
    "text,quantity,value,high,unit,qualifier",
    [
        # counter words of the unit table
        ("当天共开出48班次列车", "48班次", "48", None, "班次", None),
        ("该党赢得15席", "15席", "15", None, "席", None),
        ("以62票赞成通过", "62票", "62", None, "票", None),
        ("新建住宅楼12幢", "12幢", "12", None, "幢", None),
        ("震源深度12千米", "12千米", "12", None, "公里", None),
        # counters by their jieba tag (q)
        ("沿河新装路灯860盏", "860盏", "860", None, "盏", None),
        ("补种香樟120棵", "120棵", "120", None, "棵", None),
        # vague amounts
        ("现场来了数百人", "数百人", "100", None, "人", "gt"),
        ("每年收入几十万元", "几十万元", "100000", None, "元", "gt"),
        ("园区员工上万人", "上万人", "10000", None, "人", "gt"),
        ("注册用户破亿", "破亿", "100000000", None, "", "gt"),
        ("赞成票过半", "过半", "50", None, "%", "gt"),
        ("近半数居民报名", "近半数", "50", None, "%", "lt"),
        ("受访者中七成半支持", "七成半", "75", None, "%", None),
        ("吸引超过百家企业", "超过百家", "100", None, "家", "gt"),
        ("近万五人参加", "近万五人", "15000", None, "人", "lt"),
        ("产值翻了两番", "两番", "2", None, "番", None),
        ("山上只有10几度", "10几度", "10", None, "度", "gt"),
        # paired numerals and ranges
        ("月入五六千元", "五六千元", "5000", "6000", "元", None),
        ("每次花一两元", "一两元", "1", "2", "元", None),
        ("村里三四十人", "三四十人", "30", "40", "人", None),
        ("亲友凑了5、6万元", "5、6万元", "50000", "60000", "元", None),
        ("前后做了4、50次检查", "4、50次", "40", "50", "次", None),
        ("年收入30-80万元的家庭", "30-80万元", "300000", "800000", "元", None),
        ("每户3至5万元", "3至5万元", "30000", "50000", "元", None),
        # Hong Kong and Taiwan register
        ("全校共有廿三名教师", "廿三名", "23", None, "名", None),
        ("约四分一的受访者", "约四分一", "25", None, "%", "approx"),
        ("仅有1/5受访者支持", "1/5", "20", None, "%", None),
        ("罚款新台币300万", "新台币300万", "3000000", None, "元", None),
    ],
)
def test_quantities_constructions(tagged, text, quantity, value, high, unit, qualifier):
    (q,) = tagged.find(text)
    assert (q.text, q.value, q.high, q.unit, q.qualifier) == (
        quantity,
        Decimal(value),
        None if high is None else Decimal(high),
        unit,
        qualifier,
    )


@pytest.mark.parametrize(
    "text",
    [
        "十三届省人大五次会议开幕",  # a session of a term: ordinals
        "反对《基本法》23条立法",  # an article of a law is a name
        "就23条立法展开咨询",
        "见第2、19、85条",  # a list of ordinals
        "扣押一艘货船",  # the indefinite article before any counter
        "出现二次污染",  # 二 before 次 is an ordinal (counts use 两)
        "已于3天前离开",  # a tagged time unit is no counter
        "依照守则2.18段办理",  # a tagged counter counts whole things
        "该部门发通知",  # 部门 is a word, no count of 部
        "用了半年时间",  # 半年 is a duration
        "人数十分踊跃",
        "行过万里路",  # 万里 is a word
        "历时两个半月",  # a duration
        "经过一番努力",  # 番 is a multiple only after 翻
        "股价一度下跌",
        "成千上万人民受益",  # an idiom
        "把温暖送进千家万户",  # a count inside an idiom of the dictionary (tag i)
        "孩子们四处奔跑",  # 四处 is an adverb
        "这是又一成功经验",  # 成 begins 成功
        "她的次女刚满月",  # 次女 is a kin word
        "全省落实“稳外贸15条”",  # a policy package named by its number of articles
        "确诊者住在青山邨7座",  # a block of an estate
        "工人分别在4座和5座上班",
        "探索完善三次分配制度",  # a term of policy (words.txt, nz): a set phrase
        "男单1/8决赛今晚举行",  # a round of a tournament
        "门外排了两个钟",  # Hong Kong: an hour, a duration
        "议员当年力推23条，遭市民反对",  # Hong Kong: Article 23 of the Basic Law, a name
        "活动定于（4/9）举行",  # a date
        "机身零件散落一地",  # a lone 零 begins a word
        "晚会于今晚9:00档播出",  # the minutes of a clock time
        "游客来自七台河等地",  # a place name begun by a number and a counter
    ],
)
def test_quantities_not_claims(tagged, text):
    assert [q.text for q in tagged.find(text)] == []


@pytest.mark.parametrize(
    "text,quantity,value",
    [
        ("增速为-5.2%", "-5.2%", "-5.2"),
        ("误差为+/-5%", "5%", "5"),  # plus or minus: no sign
        ("每批3-5人", "3-5人", "3"),  # a range, not a sign
    ],
)
def test_quantities_minus_sign(tagged, text, quantity, value):
    (q,) = tagged.find(text)
    assert (q.text, q.value) == (quantity, Decimal(value))


@pytest.mark.parametrize(
    "text,expected",
    [
        ("他们分别为17及21岁", [("17", "岁"), ("21岁", "岁")]),  # a list shares its last unit
        ("孩子分别是15、11、6岁", [("15", "岁"), ("11", "岁"), ("6岁", "岁")]),
        ("分别有40和45班次可订", [("40", "班次"), ("45班次", "班次")]),
        ("今年3、4个月内完成", []),  # the unit of an excluded duration is not shared
    ],
)
def test_quantities_list_shares_unit(tagged, text, expected):
    assert [(q.text, q.unit) for q in tagged.find(text)] == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("警方拘捕了15男4女", [("15", "15"), ("4", "4")]),
        ("两伤者已送院", [("两", "2")]),
        ("夫妇育有4子女", [("4", "4")]),
        ("她是家中三女儿", []),  # an ordinal: 女儿 is a longer word than 女
        ("参加学生会选举", []),
        ("一个中五学生", []),  # a school year
        ("2020市民调查", []),  # a year
        # bodies and sports tallies (count.bodies, count.tally)
        ("教育局等三部门发通知", [("三", "3")]),
        ("主队取得四连胜", [("四", "4")]),
        ("代表团共获8金5银4铜", [("8", "8"), ("5", "5"), ("4", "4")]),
        ("他在5银行开户", []),
    ],
)
def test_quantities_people_without_counter(tagged, text, expected):
    assert [(q.text, str(q.value)) for q in tagged.find(text) if q.unit == ""] == expected


def test_quantities_range_values(matcher):
    (q,) = matcher.find("社区每300户—500户划分一个网格")
    assert (q.value, q.high, q.unit, q.kind) == (Decimal(300), Decimal(500), "户", "count")


def test_quantities_offsets_point_into_text(matcher):
    text = "集体经济积累121.6万元,配套新建学校88所"
    for q in matcher.find(text):
        assert text[q.start : q.end] == q.text


@pytest.mark.parametrize(
    "text,quantity,qualifier",
    [
        ("这家小店一天大概可以卖800元", "800元", "approx"),
        ("亏损大约相当于营收的6%", "6%", "approx"),
        ("新礼堂最多可容纳450人", "450人", "le"),
        ("违规者最高可判处监禁两年及罚款8万元", "8万元", "le"),
        ("每户至少要缴纳300元", "300元", "ge"),
        ("收入最高的村达到9万元", "9万元", None),  # 最高 alone states the maximum
        ("大概因为下雨,只来了30人", "30人", None),  # a clause mark ends the adverb's reach
        ("人数最多的村有260户", "260户", None),  # a superlative, no modal: no cap
        ("赤字率保持在两成水平左右", "两成", "approx"),  # 左右 across the level word
    ],
)
def test_quantities_scope_qualifier(tagged, text, quantity, qualifier):
    (q,) = tagged.find(text)
    assert (q.text, q.qualifier) == (quantity, qualifier)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("剪好一张算3角", ["一张", "3角"]),  # the unit of a price per piece is a count
        ("一个6毛钱的零件", ["一个", "6毛钱"]),
        ("报了一个8000元的课程", ["8000元"]),  # an indefinite article before a price
        ("港区新建万吨级码头", ["万吨"]),  # a multiplier alone before a measure unit
        ("开支约 230 万元", []),  # the multiplier of a number written apart is no amount of its own
        ("产业规模迈向千亿级", ["千亿"]),  # a round amount, a magnitude
        ("他花光了百万积蓄", ["百万"]),
        ("你千万不要放弃", []),  # an adverb
        ("注资数以亿元计", []),  # a vague magnitude
        ("离职人数较去年急升近倍", ["近倍"]),  # a unit alone after a qualifier
        ("效率加倍提升", []),
    ],
)
def test_quantities_bare_amounts(tagged, text, expected):
    assert [q.text for q in tagged.find(text)] == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("恩格尔系数由0.41降至0.36", [("0.41", "0.41"), ("0.36", "0.36")]),
        ("收入比从2019年的2.64缩小到2.45", [("2.64", "2.64"), ("2.45", "2.45")]),
        ("软件从1.5升级到2.0", []),  # a version: no change verb before 到
        ("比例从2.5%提高到3.1%", [("2.5%", "2.5"), ("3.1%", "3.1")]),  # numbers with a unit are quantities by it
    ],
)
def test_quantities_bare_change_pair(tagged, text, expected):
    assert [(q.text, str(q.value)) for q in tagged.find(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "城乡居民收入倍差从2.41缩小到2.29",
        "2023年3月5日，全市新建基站1200个",
        "十四五期间，全区建成学校12所",
        "拨打12345热线反映问题的有300多人",
        "全镇共有党员3人，占比12.5%，比上年提高0.8个百分点",
        "第三届运动会设项目二十个，三号线全长41.5公里",
    ],
)
def test_quantities_lazily_compiled_rules_find_as_compiled_ones(rules, monkeypatch, text):
    import pipeline.cache
    import pipeline.rules
    from pipeline.cache import KnownPatterns

    # every pattern compiled at once (nothing known) ...
    with monkeypatch.context() as m:
        m.setattr(pipeline.rules, "known_patterns", lambda: KnownPatterns(None))
        eager = QuantityMatcher(rules)
    # ... and every pattern known, so compiled when first used
    known = KnownPatterns(None)
    monkeypatch.setattr(pipeline.cache, "_KNOWN", known)
    QuantityMatcher(rules)  # records them
    lazy = QuantityMatcher(rules)
    patterns = [p for _, p in lazy.exclusions + lazy.bare_numbers] + [
        p for _, part, pair in lazy._scans for p in (part, *(pair or ()))
    ]
    slot = type(patterns[0]).__dict__["compiled"]
    assert all(_unset(slot, p) for p in patterns)
    assert [repr(q) for q in lazy.find(text)] == [repr(q) for q in eager.find(text)]
    assert lazy.excluded_spans(text) == eager.excluded_spans(text)


def _unset(slot, pattern) -> bool:
    try:
        slot.__get__(pattern)
    except AttributeError:
        return True
    return False
