//! Differential tests: whenever the descent parser accepts an input, the pest parser must
//! accept it too and build the same tree, spans included. The generated valid inputs must also
//! be accepted, so that the fast path is the one that runs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::{expression, file};
use crate::{pest_expression, pest_file};

/// Checks one file text and returns whether the descent parser accepted it.
fn file_agrees(text: &str) -> bool {
    let Some(tree) = file(text) else { return false };
    match pest_file(text) {
        Ok(expected) => assert_eq!(tree, expected, "trees differ for {text:?}"),
        Err(error) => panic!("descent parser accepted {text:?}, pest rejected it: {error}"),
    }
    true
}

/// Checks one expression text and returns whether the descent parser accepted it.
fn expression_agrees(text: &str) -> bool {
    let Some(tree) = expression(text) else { return false };
    match pest_expression(text) {
        Ok(expected) => assert_eq!(tree, expected, "trees differ for {text:?}"),
        Err(error) => panic!("descent parser accepted {text:?}, pest rejected it: {error}"),
    }
    true
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files_under(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, found);
        } else {
            found.push(path);
        }
    }
}

/// Collects every `.rgl` file and every YAML `when:` string of the shipped policies and test
/// fixtures.
fn corpus() -> (Vec<(PathBuf, String)>, Vec<String>) {
    let mut paths = Vec::new();
    for dir in ["policies", "compiler/tests/fixtures", "tests/fixtures", "bench/rule"] {
        files_under(&repo_root().join(dir), &mut paths);
    }
    paths.sort();
    let mut rgl = Vec::new();
    let mut conditions = Vec::new();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        match path.extension().and_then(|ext| ext.to_str()) {
            Some("rgl") => rgl.push((path, text)),
            Some("yaml" | "yml") => {
                for line in text.lines() {
                    if let Some(value) = line.trim_start().trim_start_matches("- ").strip_prefix("when:") {
                        let value = value.trim();
                        conditions.push(value.trim_matches('"').trim_matches('\'').to_owned());
                    }
                }
            }
            _ => {}
        }
    }
    (rgl, conditions)
}

#[test]
fn corpus_files_agree() {
    let (files, _) = corpus();
    assert!(files.len() >= 10, "found only {} .rgl files", files.len());
    for (path, text) in &files {
        let accepted = file_agrees(text);
        if pest_file(text).is_ok() {
            assert!(accepted, "descent parser rejected {}, which pest accepts", path.display());
        }
    }
}

#[test]
fn corpus_conditions_agree() {
    let (_, conditions) = corpus();
    assert!(conditions.len() >= 10, "found only {} when: strings", conditions.len());
    for condition in &conditions {
        expression_agrees(condition);
    }
}

#[test]
fn hand_picked_expressions_agree() {
    let cases = [
        "a",
        "not a",
        "not a ",
        "not   a # note\n",
        "not not a and b",
        "not (a or b) ",
        "not a == 1  ",
        "a.in.not.and contains \"x\"",
        "x not  in [-1, 2.50, true]",
        "x not\n\tin [1,]",
        "x in []",
        "whatever(a.b, 1,)",
        "exists (a.b)",
        "not(a)",
        "f()",
        "true(a)",
        "(a)",
        "((a) and (b))",
        "a==1",
        "a>=1 and b<=2 or c>3 and d<4 or e!=5",
        "1.5 > a",
        "1.x",
        "a == \"q\\\"b\\\\n\\n\\t\\u{1F600}\\u00E9\"",
        "a == \"\\u{D800}\"",
        "a == \"\\q\"",
        "a == \"open",
        "name == \"ü\" or b",
        "é.x == 1",
        "a.",
        "a..b",
        "_a.b_c.d1 == -0",
        "and",
        "nothing",
        "notin",
        "inx in [1]",
        "a or",
        "a and",
        "a ==",
        "a # comment only",
        "",
        "   ",
        "a b",
        "[1, \"x\", false]",
        "[a]",
        "-a",
        "a in [1, 2] contains 3",
    ];
    for case in cases {
        let accepted = expression_agrees(case);
        if pest_expression(case).is_ok() {
            assert!(accepted, "descent parser rejected {case:?}, which pest accepts");
        }
    }
}

#[test]
fn hand_picked_files_agree() {
    let cases = [
        "",
        "# only a comment",
        "policy P { }",
        "policy P{rules{when a{enforce BLOCK message\"m\"}}}",
        "policy P { compliance { SOC2: \"CC8.1\" HIPAA: \"x\", } }",
        "policy P { compliance { SOC2: \"CC8.1\"   # c\n } }",
        "policy P { compliance { and: \"x\" , } }",
        "policy P { control c { signals: [] evidence: [a.b,] } }",
        "policy P { control c { signals: [a, b c] } }",
        "policy P { rules { require a.b >= 1 require c in [\"x\",] require d == true } }",
        "policy P { rules { require a.b == c } }",
        "policy P { version: \"1\" names: \"x\" }",
        "policy P { version: \"1\" version: \"2\" }",
        "policy P { scope: \"commit\" effective_date: \"d\" supersedes: \"s\" description: \"x\" }",
        "policy policy { }",
        "policyP { }",
        "policy P { rules { when not x { enforce WARN message \"m\" } } }",
        "policy P { rules { when x { enforce BLOCKED message \"m\" } } }",
        "policy P { rules { whne x { enforce BLOCK message \"m\" } } }",
        "policy P { rules { } } policy Q { rules { } }\n\n# end\n",
        "\u{feff}policy P { }",
    ];
    for case in cases {
        let accepted = file_agrees(case);
        if pest_file(case).is_ok() {
            assert!(accepted, "descent parser rejected {case:?}, which pest accepts");
        }
    }
}

#[test]
fn long_and_chain_agrees() {
    let terms: Vec<String> = (0..2000).map(|i| format!("risk.score > {i}")).collect();
    assert!(expression_agrees(&terms.join(" and ")));
    assert!(expression_agrees(&terms.join(" or ")));
}

// ---------------------------------------------------------------------------------------------
// Generated input

/// Trivia put between tokens. The first entry is empty and is only used where no word would
/// run into the next one.
const TRIVIA: [&str; 8] = ["", " ", "  ", "\n", "\t", " # note\n", "\r\n", "#\n  "];

fn is_word_byte(byte: Option<u8>) -> bool {
    byte.is_some_and(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'"' || byte == b'-')
}

/// Joins tokens with the trivia that `choices` picks, never gluing two words together.
fn join(tokens: &[String], choices: &[usize]) -> String {
    let mut text = String::new();
    for (index, token) in tokens.iter().enumerate() {
        let choice = choices.get(index).copied().unwrap_or(1) % TRIVIA.len();
        let glued = is_word_byte(text.bytes().last()) && is_word_byte(token.bytes().next());
        text.push_str(TRIVIA[if glued && choice == 0 { 1 } else { choice }]);
        text.push_str(token);
    }
    let last = choices.last().copied().unwrap_or(0) % TRIVIA.len();
    text.push_str(TRIVIA[last]);
    text
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".to_owned()),
        Just("risk".to_owned()),
        Just("_x1".to_owned()),
        Just("in_list".to_owned()),
        Just("nothing".to_owned()),
        Just("orders".to_owned()),
    ]
}

fn path() -> impl Strategy<Value = String> {
    let segment = prop_oneof![word(), Just("in".to_owned()), Just("not".to_owned()), Just("and".to_owned())];
    (word(), prop::collection::vec(segment, 0..3)).prop_map(|(first, rest)| {
        let mut path = first;
        for segment in rest {
            path.push('.');
            path.push_str(&segment);
        }
        path
    })
}

fn string_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"\"".to_owned()),
        Just("\"HIGH\"".to_owned()),
        Just("\"a b # not a comment\"".to_owned()),
        Just("\"q\\\"b\\\\n\\t\\r\"".to_owned()),
        Just("\"\\u{1F600}\\u00E9 ü\"".to_owned()),
    ]
}

fn literal() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        Just("true".to_owned()),
        Just("false".to_owned()),
        Just("0".to_owned()),
        Just("-12".to_owned()),
        Just("2.50".to_owned()),
        string_literal(),
    ]
    .prop_map(|token| vec![token])
}

fn comma_separated(items: Vec<Vec<String>>, trailing: bool, open: &str, close: &str) -> Vec<String> {
    let mut tokens = vec![open.to_owned()];
    let count = items.len();
    for (index, item) in items.into_iter().enumerate() {
        tokens.extend(item);
        if index + 1 < count || trailing {
            tokens.push(",".to_owned());
        }
    }
    tokens.push(close.to_owned());
    tokens
}

fn list() -> impl Strategy<Value = Vec<String>> {
    (prop::collection::vec(literal(), 0..4), any::<bool>())
        .prop_map(|(items, trailing)| {
            let trailing = trailing && !items.is_empty();
            comma_separated(items, trailing, "[", "]")
        })
}

fn cmp_op() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("==".to_owned()),
        Just("!=".to_owned()),
        Just(">=".to_owned()),
        Just("<=".to_owned()),
        Just(">".to_owned()),
        Just("<".to_owned()),
        Just("in".to_owned()),
        Just("not in".to_owned()),
        Just("not \n in".to_owned()),
        Just("contains".to_owned()),
    ]
}

fn parenthesized(inner: Vec<String>) -> Vec<String> {
    let mut tokens = vec!["(".to_owned()];
    tokens.extend(inner);
    tokens.push(")".to_owned());
    tokens
}

/// Tokens of a valid expression.
fn expr_tokens() -> impl Strategy<Value = Vec<String>> {
    let leaf = prop_oneof![path().prop_map(|path| vec![path]), literal(), list()].boxed();
    leaf.clone().prop_recursive(5, 48, 4, move |inner| {
        let call = (word(), prop::collection::vec(inner.clone(), 0..3), any::<bool>()).prop_map(|(name, args, trailing)| {
            let trailing = trailing && !args.is_empty();
            let mut tokens = vec![name];
            tokens.extend(comma_separated(args, trailing, "(", ")"));
            tokens
        })
        .boxed();
        // A comparison's operands are operands, not comparisons, so other expressions are
        // parenthesized there.
        let operand = prop_oneof![leaf.clone(), inner.clone().prop_map(parenthesized), call.clone()];
        prop_oneof![
            (operand.clone(), cmp_op(), operand).prop_map(|(lhs, op, rhs)| {
                let mut tokens = lhs;
                tokens.push(op);
                tokens.extend(rhs);
                tokens
            }),
            inner.clone().prop_map(|operand| {
                let mut tokens = vec!["not".to_owned()];
                tokens.extend(operand);
                tokens
            }),
            (inner.clone(), prop_oneof![Just("and"), Just("or")], inner.clone()).prop_map(|(lhs, word, rhs)| {
                let mut tokens = lhs;
                tokens.push(word.to_owned());
                tokens.extend(rhs);
                tokens
            }),
            inner.prop_map(parenthesized),
            call,
        ]
    })
}

fn meta_field() -> impl Strategy<Value = Vec<String>> {
    let key = prop_oneof![
        Just("version"),
        Just("name"),
        Just("description"),
        Just("effective_date"),
        Just("supersedes"),
        Just("scope"),
    ];
    (key, string_literal()).prop_map(|(key, value)| vec![key.to_owned(), ":".to_owned(), value])
}

fn control_decl() -> impl Strategy<Value = Vec<String>> {
    let paths = (prop::collection::vec(path().prop_map(|path| vec![path]), 0..3), any::<bool>())
        .prop_map(|(paths, trailing)| {
            let trailing = trailing && !paths.is_empty();
            comma_separated(paths, trailing, "[", "]")
        });
    let field = (prop_oneof![Just("signals"), Just("evidence")], paths).prop_map(|(key, paths)| {
        let mut tokens = vec![key.to_owned(), ":".to_owned()];
        tokens.extend(paths);
        tokens
    });
    (word(), prop::collection::vec(field, 0..3)).prop_map(|(name, fields)| {
        let mut tokens = vec!["control".to_owned(), name, "{".to_owned()];
        tokens.extend(fields.into_iter().flatten());
        tokens.push("}".to_owned());
        tokens
    })
}

fn dsl_rule() -> impl Strategy<Value = Vec<String>> {
    let require = (path(), cmp_op(), prop_oneof![literal(), list()]).prop_map(|(path, op, value)| {
        let mut tokens = vec!["require".to_owned(), path, op];
        tokens.extend(value);
        tokens
    });
    let effect = prop_oneof![Just("BLOCK"), Just("WARN"), Just("COMPLIANT")];
    let when = (expr_tokens(), effect, string_literal()).prop_map(|(condition, effect, message)| {
        let mut tokens = vec!["when".to_owned()];
        tokens.extend(condition);
        for token in ["{", "enforce", effect, "message"] {
            tokens.push(token.to_owned());
        }
        tokens.push(message);
        tokens.push("}".to_owned());
        tokens
    });
    prop_oneof![require, when]
}

fn rules_block() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(dsl_rule(), 0..3).prop_map(|rules| {
        let mut tokens = vec!["rules".to_owned(), "{".to_owned()];
        tokens.extend(rules.into_iter().flatten());
        tokens.push("}".to_owned());
        tokens
    })
}

fn compliance_block() -> impl Strategy<Value = Vec<String>> {
    let entry = (prop_oneof![word(), Just("SOC2".to_owned()), Just("and".to_owned())], string_literal(), any::<bool>())
        .prop_map(|(key, value, comma)| {
            let mut tokens = vec![key, ":".to_owned(), value];
            if comma {
                tokens.push(",".to_owned());
            }
            tokens
        });
    prop::collection::vec(entry, 0..3).prop_map(|entries| {
        let mut tokens = vec!["compliance".to_owned(), "{".to_owned()];
        tokens.extend(entries.into_iter().flatten());
        tokens.push("}".to_owned());
        tokens
    })
}

/// Tokens of a valid file.
fn file_tokens() -> impl Strategy<Value = Vec<String>> {
    let item = prop_oneof![meta_field(), control_decl(), rules_block(), compliance_block()];
    let policy = (word(), prop::collection::vec(item, 0..4)).prop_map(|(name, items)| {
        let mut tokens = vec!["policy".to_owned(), name, "{".to_owned()];
        tokens.extend(items.into_iter().flatten());
        tokens.push("}".to_owned());
        tokens
    });
    prop::collection::vec(policy, 0..3).prop_map(|policies| policies.into_iter().flatten().collect())
}

/// Generates a token to insert into a valid input, which makes near-valid input.
fn stray_token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just(",".to_owned()),
        Just("{".to_owned()),
        Just("not".to_owned()),
        Just("and".to_owned()),
        Just("=".to_owned()),
        Just(".".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("#".to_owned()),
        Just("1".to_owned()),
        Just("in".to_owned()),
    ]
}

/// Applies one edit to a token list: remove, duplicate or insert a token, or glue two tokens.
fn mutate(mut tokens: Vec<String>, edit: usize, at: usize, stray: String) -> (Vec<String>, bool) {
    if tokens.is_empty() {
        return (vec![stray], false);
    }
    let at = at % tokens.len();
    let mut glue = false;
    match edit % 4 {
        0 => {
            tokens.remove(at);
        }
        1 => {
            let copy = tokens[at].clone();
            tokens.insert(at, copy);
        }
        2 => tokens.insert(at, stray),
        _ => glue = true,
    }
    (tokens, glue)
}

fn glued_join(tokens: &[String], choices: &[usize], glue_at: Option<usize>) -> String {
    match glue_at {
        None => join(tokens, choices),
        Some(at) => {
            let mut choices = choices.to_vec();
            if let Some(choice) = choices.get_mut(at % tokens.len().max(1)) {
                *choice = 0;
            }
            let mut text = String::new();
            for (index, token) in tokens.iter().enumerate() {
                let choice = choices.get(index).copied().unwrap_or(1) % TRIVIA.len();
                text.push_str(TRIVIA[choice]);
                text.push_str(token);
            }
            text
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_expressions_agree(tokens in expr_tokens(), choices in prop::collection::vec(0..TRIVIA.len(), 64)) {
        let text = join(&tokens, &choices);
        prop_assert!(expression_agrees(&text), "descent parser rejected the valid expression {text:?}");
    }

    #[test]
    fn generated_files_agree(tokens in file_tokens(), choices in prop::collection::vec(0..TRIVIA.len(), 256)) {
        let text = join(&tokens, &choices);
        prop_assert!(file_agrees(&text), "descent parser rejected the valid file {text:?}");
    }

    #[test]
    fn mutated_expressions_agree(
        tokens in expr_tokens(),
        choices in prop::collection::vec(0..TRIVIA.len(), 64),
        edit in 0usize..4,
        at in any::<usize>(),
        stray in stray_token(),
    ) {
        let (tokens, glue) = mutate(tokens, edit, at, stray);
        expression_agrees(&glued_join(&tokens, &choices, glue.then_some(at)));
    }

    #[test]
    fn mutated_files_agree(
        tokens in file_tokens(),
        choices in prop::collection::vec(0..TRIVIA.len(), 256),
        edit in 0usize..4,
        at in any::<usize>(),
        stray in stray_token(),
    ) {
        let (tokens, glue) = mutate(tokens, edit, at, stray);
        file_agrees(&glued_join(&tokens, &choices, glue.then_some(at)));
    }

    #[test]
    fn arbitrary_text_agrees(text in "[a-z(){}\\[\\],.:#\"\\\\ \n=<>!0-9-]{0,60}") {
        expression_agrees(&text);
        file_agrees(&text);
    }
}
