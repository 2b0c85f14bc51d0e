//! Plausible Chinese names for people, units, compounds and projects.

use super::rng::Rng;

/// Common surnames, weighted towards those frequent in Fujian.
const SURNAMES: &[(&str, u32)] = &[
    ("林", 90),
    ("陈", 90),
    ("黄", 60),
    ("郑", 50),
    ("吴", 40),
    ("李", 40),
    ("王", 35),
    ("张", 30),
    ("刘", 25),
    ("蔡", 25),
    ("许", 20),
    ("杨", 20),
    ("朱", 15),
    ("方", 15),
    ("翁", 12),
    ("余", 12),
    ("徐", 12),
    ("周", 12),
    ("柯", 10),
    ("魏", 10),
    ("苏", 10),
    ("卓", 8),
    ("傅", 8),
    ("谢", 8),
    ("宋", 6),
    ("游", 6),
    ("彭", 6),
    ("潘", 6),
    ("何", 6),
    ("郭", 8),
    ("曾", 6),
    ("戴", 5),
    ("姚", 5),
    ("康", 5),
    ("詹", 4),
    ("江", 5),
    ("邱", 5),
    ("罗", 5),
    ("洪", 5),
    ("庄", 5),
    ("欧阳", 1),
    ("司马", 1),
];

const GIVEN_MALE: &[&str] = &[
    "建", "国", "华", "明", "志", "文", "伟", "海", "平", "金", "军", "强", "勇", "斌", "杰", "涛",
    "磊", "鹏", "辉", "超", "峰", "宇", "浩", "轩", "博", "睿", "泽", "荣", "德", "福", "祥", "瑞",
    "清", "松", "林", "东", "春", "永", "忠", "锦",
];
const GIVEN_FEMALE: &[&str] = &[
    "玉", "秀", "英", "芳", "丽", "美", "燕", "梅", "兰", "凤", "红", "霞", "欣", "怡", "婷", "静",
    "琳", "雪", "慧", "佳", "敏", "颖", "洁", "瑶", "思", "雨", "梓", "涵", "诗", "清", "月", "华",
    "珍", "娟", "萍", "丹", "晶", "莉", "琴", "春",
];

pub fn person(rng: &mut Rng, male: bool) -> String {
    let pool = if male { GIVEN_MALE } else { GIVEN_FEMALE };
    let mut name = (*rng.weighted(SURNAMES)).to_string();
    let first: &&str = rng.pick(pool);
    name.push_str(first);
    if rng.chance(0.8) {
        let second: &&str = rng.pick(pool);
        name.push_str(second);
    }
    name
}

const AGENCIES: &[&str] = &[
    "市场监督管理局",
    "城市管理局",
    "住房和城乡建设局",
    "人力资源和社会保障局",
    "交通运输局",
    "生态环境局",
    "民政局",
    "卫生健康局",
    "教育局",
    "公安分局",
    "司法局",
    "自然资源局",
    "税务局",
    "财政局",
    "文化和旅游局",
    "应急管理局",
    "退役军人事务局",
    "医疗保障局",
];
const INSTITUTIONS: &[&str] = &[
    "第一中学",
    "实验小学",
    "第一医院",
    "中医院",
    "妇幼保健院",
    "图书馆",
    "疾病预防控制中心",
    "职业技术学校",
    "不动产登记中心",
    "社会保险中心",
];
const STATE_FIRMS: &[&str] = &[
    "供电公司",
    "自来水公司",
    "燃气有限公司",
    "公交集团",
    "城市建设投资集团",
    "国有资产投资公司",
    "邮政分公司",
    "电信分公司",
    "农商银行",
    "水务集团",
];
const WORDS: &[&str] = &[
    "兴", "盛", "华", "泰", "丰", "顺", "福", "鑫", "源", "荣", "瑞", "恒", "康", "宏", "辉", "达",
    "信", "诚", "和", "美",
];
const TRADES: &[&str] = &[
    "鞋业",
    "工艺品",
    "电子科技",
    "食品",
    "贸易",
    "建材",
    "物流",
    "家具",
    "服装",
    "网络科技",
    "医疗器械",
    "包装",
];
const SOCIAL: &[&str] = &[
    "社会工作服务中心",
    "志愿者协会",
    "养老服务中心",
    "青少年发展中心",
    "慈善会",
    "文化艺术协会",
    "商会",
    "心理咨询服务中心",
];
const MARKETS: &[&str] = &[
    "农贸市场",
    "商业步行街",
    "综合批发市场",
    "万达广场",
    "小商品城",
    "家居建材城",
];
const COMPOUND_ENDINGS: &[&str] = &["花园", "苑", "小区", "新村", "家园", "公寓", "府", "湾"];
const PROJECT_KINDS: &[&str] = &[
    "旧城改造",
    "道路提升",
    "安置房建设",
    "防洪工程",
    "污水管网改造",
    "学校建设",
    "医院扩建",
    "公园建设",
    "老旧小区改造",
    "征迁",
];

fn two_words(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(WORDS), rng.pick(WORDS))
}

/// A unit's name for its category code; `place` is the city or street it belongs to.
pub fn unit(rng: &mut Rng, category: &str, city: &str, street: &str) -> String {
    match category {
        "agency" => format!("{city}{}", rng.pick(AGENCIES)),
        "institution" => format!("{city}{}", rng.pick(INSTITUTIONS)),
        "state_enterprise" => format!("{city}{}", rng.pick(STATE_FIRMS)),
        "market" => format!("{}{}", short_place(street), rng.pick(MARKETS)),
        "social_organisation" => format!("{}{}", short_place(street), rng.pick(SOCIAL)),
        "office_building" => format!("{}大厦", two_words(rng)),
        "ecommerce" => format!("{}{}电子商务有限公司", short_place(city), two_words(rng)),
        _ => format!(
            "{}{}{}有限公司",
            short_place(city),
            two_words(rng),
            rng.pick(TRADES)
        ),
    }
}

pub fn compound(rng: &mut Rng) -> String {
    format!("{}{}", two_words(rng), rng.pick(COMPOUND_ENDINGS))
}

pub fn project(rng: &mut Rng, street: &str) -> String {
    format!("{}{}项目", short_place(street), rng.pick(PROJECT_KINDS))
}

/// "龙桥街道" → "龙桥", "莆田市" → "莆田", "太平社区居委会" → "太平社区".
pub fn short_place(name: &str) -> &str {
    for suffix in [
        "居民委员会",
        "居委会",
        "街道办事处",
        "街道",
        "市",
        "区",
        "县",
    ] {
        if let Some(s) = name.strip_suffix(suffix)
            && !s.is_empty()
        {
            return s;
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_shortened() {
        assert_eq!(short_place("龙桥街道"), "龙桥");
        assert_eq!(short_place("莆田市"), "莆田");
        assert_eq!(short_place("太平社区居委会"), "太平社区");
        assert_eq!(short_place("太平社区居民委员会"), "太平社区");
        let mut r = Rng::new(1);
        let n = person(&mut r, true);
        assert!((2..=4).contains(&n.chars().count()));
    }
}
