//! Human words for the grammar rules that a parse error lists as expected.

use crate::parser::Rule;

/// Metadata keys of a `policy` block.
pub const META_KEYS: [&str; 6] = ["version", "name", "description", "effective_date", "supersedes", "scope"];

/// Returns the phrase for one expected rule, or `None` for rules that never start a token.
fn phrase(rule: Rule) -> Option<&'static str> {
    let text = match rule {
        Rule::expr | Rule::or_expr | Rule::and_expr | Rule::not_expr | Rule::comparison | Rule::group => {
            "an expression"
        }
        Rule::call => "a function call such as `exists(risk.level)`",
        Rule::path => "a signal path such as `risk.level`",
        Rule::cmp_op => "an operator such as `==` or `in`",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_not => "`not`",
        Rule::string | Rule::string_inner => "a string in double quotes",
        Rule::number => "a number",
        Rule::boolean => "`true` or `false`",
        Rule::list => "a list such as `[\"HIGH\", \"CRITICAL\"]`",
        Rule::ident => "a name",
        Rule::meta_field | Rule::meta_key => "a metadata field such as `version:`",
        Rule::control_decl | Rule::kw_control => "`control`",
        Rule::rules_block | Rule::kw_rules => "`rules`",
        Rule::compliance_block | Rule::kw_compliance => "`compliance`",
        Rule::require_rule | Rule::kw_require => "`require`",
        Rule::when_rule | Rule::kw_when => "`when`",
        Rule::enforce_clause | Rule::kw_enforce => "`enforce`",
        Rule::message_clause | Rule::kw_message => "`message`",
        Rule::effect => "`BLOCK`, `WARN` or `COMPLIANT`",
        Rule::policy_decl | Rule::kw_policy => "`policy`",
        Rule::control_field | Rule::control_key => "`signals:` or `evidence:`",
        Rule::path_list => "a list of signal paths such as `[risk.level]`",
        Rule::compliance_entry => "a compliance entry such as `SOC2: \"CC8.1\"`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::lbracket => "`[`",
        Rule::rbracket => "`]`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::colon => "`:`",
        Rule::comma => "`,`",
        Rule::EOI => "end of input",
        _ => return None,
    };
    Some(text)
}

/// Rules that can start an operand. Where a path is expected they are reported as one phrase.
const OPERAND_STARTS: [Rule; 9] =
    [Rule::boolean, Rule::number, Rule::string, Rule::path, Rule::ident, Rule::call, Rule::list, Rule::lbracket, Rule::lparen];

const OPERAND_PHRASE: &str = "a value such as `risk.level`, `\"HIGH\"`, `3`, `true` or `[...]`";

/// Joins the phrases of `rules` as "A, B or C", without duplicates, with "end of input" last.
pub(crate) fn describe_expected(rules: &[Rule]) -> String {
    let operand_position = rules.contains(&Rule::path);
    let mut phrases: Vec<&str> = Vec::new();
    let mut ordered: Vec<Rule> = rules.iter().copied().filter(|r| *r != Rule::EOI).collect();
    if rules.contains(&Rule::EOI) {
        ordered.push(Rule::EOI);
    }
    for candidate in ordered {
        let text = if operand_position && OPERAND_STARTS.contains(&candidate) {
            Some(OPERAND_PHRASE)
        } else {
            phrase(candidate)
        };
        let Some(text) = text else { continue };
        if !phrases.contains(&text) {
            phrases.push(text);
        }
    }
    match phrases.split_last() {
        None => "something else".to_owned(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, init)) => format!("{} or {last}", init.join(", ")),
    }
}

/// Returns the keywords that can start `rule`, used to suggest one for a mistyped word.
fn rule_keywords(rule: Rule) -> &'static [&'static str] {
    match rule {
        Rule::meta_field | Rule::meta_key => &META_KEYS,
        Rule::control_decl | Rule::kw_control => &["control"],
        Rule::rules_block | Rule::kw_rules => &["rules"],
        Rule::compliance_block | Rule::kw_compliance => &["compliance"],
        Rule::require_rule | Rule::kw_require => &["require"],
        Rule::when_rule | Rule::kw_when => &["when"],
        Rule::enforce_clause | Rule::kw_enforce => &["enforce"],
        Rule::message_clause | Rule::kw_message => &["message"],
        Rule::effect => &["BLOCK", "WARN", "COMPLIANT"],
        Rule::policy_decl | Rule::kw_policy => &["policy"],
        Rule::control_field | Rule::control_key => &["signals", "evidence"],
        Rule::cmp_op => &["in", "contains"],
        Rule::kw_and => &["and"],
        Rule::kw_or => &["or"],
        _ => &[],
    }
}

pub(crate) fn keywords_for(rules: &[Rule]) -> Vec<&'static str> {
    let mut keywords: Vec<&'static str> = Vec::new();
    for keyword in rules.iter().flat_map(|rule| rule_keywords(*rule)) {
        if !keywords.contains(keyword) {
            keywords.push(keyword);
        }
    }
    keywords
}

/// Maps a word that other languages use as a comparison operator to ours.
pub(crate) fn word_operator(word: &str) -> Option<&'static str> {
    match word.to_ascii_lowercase().as_str() {
        "eq" | "equals" | "is" => Some("=="),
        "ne" | "neq" | "isnt" => Some("!="),
        "gt" => Some(">"),
        "ge" | "gte" => Some(">="),
        "lt" => Some("<"),
        "le" | "lte" => Some("<="),
        "has" | "includes" | "contain" => Some("contains"),
        _ => None,
    }
}
