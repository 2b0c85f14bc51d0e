//! Chinese words of free text, for matching needs with resources: the text is segmented with
//! jieba (search mode, so "理发店" also yields "理发"), and what says nothing (single
//! characters, punctuation, common function words) is left out.

use jieba_rs::Jieba;
use std::collections::BTreeSet;
use std::sync::OnceLock;

fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// Words that appear in every kind of request and tell nothing of what is wanted.
const EMPTY: &[&str] = &[
    "我们", "你们", "他们", "需要", "希望", "社区", "居民", "一个", "一些", "可以", "提供", "服务",
    "帮助", "帮忙", "问题", "进行", "没有", "这个", "那个", "什么", "因为", "所以", "如果", "已经",
];

/// The words of `text` that say what it is about, each once, in order of first use.
pub fn keywords(text: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for w in jieba().cut_for_search(text, true) {
        let w = w.word.trim().to_lowercase();
        let meaningful = w.chars().count() >= 2
            && w.chars().any(char::is_alphanumeric)
            && !EMPTY.contains(&w.as_str());
        if meaningful && seen.insert(w.clone()) {
            out.push(w);
        }
    }
    out
}

/// How alike two texts' words are (Jaccard: shared ÷ all), 0–1.
pub fn alike(a: &[String], b: &[String]) -> f64 {
    let shared = a.iter().filter(|w| b.contains(w)).count();
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

/// The words two texts share, in the first one's order.
pub fn shared<'a>(a: &'a [String], b: &[String]) -> Vec<&'a str> {
    a.iter()
        .filter(|w| b.contains(w))
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_say_what_a_text_is_about() {
        let k = keywords("希望社区能为行动不便的老人提供上门理发服务！");
        assert!(k.contains(&"老人".to_string()), "{k:?}");
        assert!(k.contains(&"理发".to_string()), "{k:?}");
        assert!(
            !k.iter().any(|w| w == "服务" || w == "希望" || w == "！"),
            "{k:?}"
        );
        assert_eq!(keywords(""), Vec::<String>::new());
        let twice = keywords("理发 理发");
        assert_eq!(twice, vec!["理发".to_string()]);
    }

    #[test]
    fn alike_is_shared_over_all() {
        let a = keywords("老人上门理发");
        let b = keywords("志愿理发队为老人理发");
        let both = shared(&a, &b);
        assert!(both.contains(&"理发") && both.contains(&"老人"), "{both:?}");
        let score = alike(&a, &b);
        let union = a.len() + b.len() - both.len();
        assert_eq!(score, both.len() as f64 / union as f64);
        assert!(score > 0.0 && score < 1.0);
        assert_eq!(alike(&[], &[]), 0.0);
        let same = keywords("电工技能培训");
        assert_eq!(alike(&same, &same), 1.0);
    }
}
