//! Lowering of YAML and JSON policy documents (already parsed into a spanned tree) to
//! [`Policy`] values. Both syntaxes share the field set, defaults and checks.

use std::collections::BTreeMap;

use saphyr_parser::ScalarStyle;

use crate::ast::{CmpOp, Effect, Expr, ExprKind, Policy, Requires, Scope, Syntax};
use crate::diagnostic::Diagnostic;
use crate::frontend::codes;
use crate::frontend::expr::{parse_and_lower, Placement};
use crate::frontend::fields::{self, read_map, wrong_type, Fields};
use crate::yaml_tree::{Node, NodeKind, Scalar};
use crate::frontend::values::{is_signal_path, json_value, literal_of, operator_named};
use crate::span::{SourceId, Span, Spanned};

const POLICY_KEYS: [&str; 12] = [
    "policy_id",
    "version",
    "name",
    "description",
    "scope",
    "enabled",
    "controls",
    "when",
    "enforcement",
    "requires",
    "evidence",
    "metadata",
];
const REQUIRED_POLICY_KEYS: [&str; 3] = ["policy_id", "name", "enforcement"];
const CONTROL_KEYS: [&str; 3] = ["signal", "operator", "value"];

pub(crate) const SCOPES: [(&str, Scope); 3] =
    [("pull_request", Scope::PullRequest), ("commit", Scope::Commit), ("transition", Scope::Transition)];
pub(crate) const EFFECTS: [(&str, Effect); 3] =
    [("BLOCK", Effect::Block), ("WARN", Effect::Warn), ("COMPLIANT", Effect::Compliant)];

pub(crate) const DEFAULT_VERSION: &str = "1.0.0";

/// The file being lowered: its text (to map `when:` offsets) and syntax.
pub(crate) struct DocumentContext<'t> {
    pub source: SourceId,
    pub text: &'t str,
    pub syntax: Syntax,
}

/// Lowers every document of a YAML stream or the single JSON document. Policies with any error
/// are left out of the result; their diagnostics are in `diags`.
pub(crate) fn lower_documents(documents: &[Node], cx: &DocumentContext<'_>, diags: &mut Vec<Diagnostic>) -> Vec<Policy> {
    let present: Vec<&Node> = documents.iter().filter(|doc| !is_null(doc)).collect();
    if present.is_empty() {
        diags.push(empty_file(cx));
        return Vec::new();
    }
    present.into_iter().flat_map(|doc| lower_document(doc, cx, diags)).collect()
}

fn is_null(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar(scalar) if scalar.is_null())
}

fn empty_file(cx: &DocumentContext<'_>) -> Diagnostic {
    Diagnostic::error(
        codes::POLICY_EMPTY_FILE,
        "the policy file contains no policy",
        Span::new(cx.source, 0, cx.text.len()),
        "empty file",
    )
    .with_help("write a policy mapping with `policy_id`, `name`, `enforcement` and `controls` or `when`, or delete the file")
}

fn lower_document(doc: &Node, cx: &DocumentContext<'_>, diags: &mut Vec<Diagnostic>) -> Vec<Policy> {
    let NodeKind::Map(entries) = &doc.kind else {
        let help = "write one policy as a mapping, or several under `policies:`";
        diags.push(wrong_type(doc, "the document", "a mapping", help));
        return Vec::new();
    };
    let is_list = entries.iter().any(|(key, _)| matches!(&key.kind, NodeKind::Scalar(s) if s.value == "policies"));
    if !is_list {
        return lower_policy(doc, cx, diags).into_iter().collect();
    }
    let Some(file_fields) = read_map(doc, "the file", &["policies"], &["policies"], diags) else {
        return Vec::new();
    };
    let items = file_fields.get("policies").and_then(|node| fields::seq(node, "policies", diags)).unwrap_or(&[]);
    items.iter().filter_map(|item| lower_policy(item, cx, diags)).collect()
}

/// Lowers one policy mapping, or returns `None` after reporting its errors.
fn lower_policy(node: &Node, cx: &DocumentContext<'_>, diags: &mut Vec<Diagnostic>) -> Option<Policy> {
    let errors_before = diags.len();
    let fields = read_map(node, "policy", &POLICY_KEYS, &REQUIRED_POLICY_KEYS, diags)?;

    let id = fields.get("policy_id").and_then(|value| policy_id(value, diags));
    let version = version_field(&fields, node, diags);
    let name = fields.get("name").and_then(|value| fields::string(value, "name", diags));
    let description = fields.get("description").and_then(|value| fields::string(value, "description", diags));
    let scope = fields.get("scope").and_then(|value| fields::choice(value, "scope", &SCOPES, diags));
    let enabled = fields.get("enabled").and_then(|value| fields::boolean(value, "enabled", diags));
    let condition = condition(&fields, node, cx, diags);
    let enforcement = fields.get("enforcement").and_then(|value| enforcement(value, diags));
    let requires = fields.get("requires").and_then(|value| requires(value, diags));
    let evidence = fields.get("evidence").map(|value| evidence(value, diags)).unwrap_or_default();
    let (compliance, metadata) = fields.get("metadata").map(|value| metadata(value, diags)).unwrap_or_default();

    if diags.len() > errors_before {
        return None;
    }
    let (effect, message) = enforcement?;

    Some(Policy {
        id: id?,
        group: None,
        syntax: cx.syntax,
        version,
        name: name?,
        description: description.map(|text| text.value),
        scope: scope.map_or(Scope::PullRequest, |scope| scope.value),
        enabled: enabled.unwrap_or(true),
        condition: condition?,
        effect,
        message,
        requires,
        evidence,
        controls: Vec::new(),
        compliance,
        metadata,
        effective_date: None,
        supersedes: None,
        span: node.span,
    })
}

fn policy_id(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Spanned<String>> {
    let id = fields::string(node, "policy_id", diags)?;
    let valid = !id.value.is_empty()
        && id.value.chars().all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'));
    if !valid {
        diags.push(
            Diagnostic::error(
                codes::POLICY_INVALID_VALUE,
                format!("invalid policy_id `{}`", id.value),
                node.span,
                "not a valid policy id",
            )
            .with_help("use letters, digits, `-`, `_` and `.` only, such as `SEC-PR-001`"),
        );
        return None;
    }
    Some(id)
}

fn version_field(fields: &Fields<'_>, policy: &Node, diags: &mut Vec<Diagnostic>) -> Spanned<String> {
    let default_span = Span::new(policy.span.source, policy.span.start, policy.span.start);
    let default = Spanned::new(DEFAULT_VERSION.to_owned(), default_span);
    let Some(node) = fields.get("version") else { return default };
    let Some(version) = fields::string(node, "version", diags) else { return default };
    if let Some(diagnostic) = check_version(&version) {
        diags.push(diagnostic);
    }
    version
}

/// Checks `MAJOR.MINOR.PATCH` with decimal numbers; shared with the DSL front end.
pub(crate) fn check_version(version: &Spanned<String>) -> Option<Diagnostic> {
    let parts: Vec<&str> = version.value.split('.').collect();
    let numeric = |part: &&str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if parts.len() == 3 && parts.iter().all(numeric) {
        return None;
    }
    let diagnostic = Diagnostic::error(
        codes::POLICY_INVALID_VALUE,
        format!("invalid version `{}`", version.value),
        version.span,
        "not MAJOR.MINOR.PATCH",
    )
    .with_help("write a semantic version with three numbers, such as \"1.0.0\"");
    Some(diagnostic)
}

/// Joins `controls` and `when` with `and`. Reports a policy that has neither.
fn condition(fields: &Fields<'_>, policy: &Node, cx: &DocumentContext<'_>, diags: &mut Vec<Diagnostic>) -> Option<Expr> {
    let mut parts: Vec<Option<Expr>> = Vec::new();
    if let Some(items) = fields.get("controls").and_then(|node| fields::seq(node, "controls", diags)) {
        parts.extend(items.iter().map(|item| control(item, diags)));
    }
    if let Some(node) = fields.get("when") {
        parts.push(when(node, cx, diags));
    }
    let controls_wrong_type = fields.get("controls").is_some_and(|node| !matches!(node.kind, NodeKind::Seq(_)));
    if parts.is_empty() && !controls_wrong_type {
        let span = fields.get("controls").map_or(Span::new(policy.span.source, policy.span.start, policy.span.start), |n| n.span);
        diags.push(no_condition(span));
        return None;
    }
    let lowered: Vec<Expr> = parts.into_iter().collect::<Option<Vec<_>>>()?;
    lowered.into_iter().reduce(|lhs, rhs| {
        let span = lhs.span.join(rhs.span);
        Expr { kind: ExprKind::And(Box::new(lhs), Box::new(rhs)), span }
    })
}

fn no_condition(span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::POLICY_NO_CONDITION,
        "the policy has no condition: it needs `controls` or `when`",
        span,
        "no condition",
    )
    .with_help("add `controls` or a `when` expression; for a policy that always fires write `when: \"true\"`")
}

/// Lowers `{signal, operator, value}` to `signal OP value`.
fn control(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Expr> {
    let fields = read_map(node, "control", &CONTROL_KEYS, &CONTROL_KEYS, diags)?;
    let signal = fields.get("signal").and_then(|value| signal_path(value, "signal", diags));
    let op = fields.get("operator").and_then(|value| operator(value, diags));
    let value = fields.get("value").and_then(|value| literal_of(value, "value", diags));
    let (signal, op, value) = (signal?, op?, value?);
    let lhs = Expr { kind: ExprKind::Path(signal.value), span: signal.span };
    Some(Expr { kind: ExprKind::Compare { op, lhs: Box::new(lhs), rhs: Box::new(value) }, span: node.span })
}

fn signal_path(node: &Node, field: &str, diags: &mut Vec<Diagnostic>) -> Option<Spanned<String>> {
    let path = fields::string(node, field, diags)?;
    if is_signal_path(&path.value) {
        return Some(path);
    }
    diags.push(
        Diagnostic::error(
            codes::POLICY_INVALID_VALUE,
            format!("`{}` is not a signal path", path.value),
            node.span,
            "not a signal path",
        )
        .with_help("signal paths are dotted names of letters, digits and `_`, such as `risk.level`"),
    );
    None
}

fn operator(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Spanned<CmpOp>> {
    let text = fields::string(node, "operator", diags)?;
    match operator_named(&text.value) {
        Ok(op) => Some(Spanned::new(op, node.span)),
        Err(diagnostic_help) => {
            diags.push(
                Diagnostic::error(
                    codes::POLICY_INVALID_VALUE,
                    format!("invalid operator `{}`", text.value),
                    node.span,
                    "unknown operator",
                )
                .with_help(diagnostic_help),
            );
            None
        }
    }
}

/// Parses a `when:` string, mapping expression offsets into the file where the scalar's text
/// is the file's text (plain or quoted without escapes).
fn when(node: &Node, cx: &DocumentContext<'_>, diags: &mut Vec<Diagnostic>) -> Option<Expr> {
    let text = fields::string(node, "when", diags)?;
    let NodeKind::Scalar(scalar) = &node.kind else { return None };
    let place = placement(scalar, node.span, cx);
    parse_and_lower(&text.value, &place, diags)
}

fn placement(scalar: &Scalar, span: Span, cx: &DocumentContext<'_>) -> Placement {
    let content_start = match scalar.style {
        ScalarStyle::Plain => span.start,
        ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted => span.start + 1,
        ScalarStyle::Literal | ScalarStyle::Folded => return Placement::approximate(span),
    };
    let in_file = cx.text.get(content_start..content_start + scalar.value.len());
    if in_file == Some(scalar.value.as_str()) {
        Placement::exact(cx.source, content_start)
    } else {
        Placement::approximate(span)
    }
}

fn enforcement(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<(Spanned<Effect>, Spanned<String>)> {
    let fields = read_map(node, "enforcement", &["result", "message"], &["result", "message"], diags)?;
    let result = fields.get("result").and_then(|value| fields::choice(value, "result", &EFFECTS, diags));
    let message = fields.get("message").and_then(|value| fields::string(value, "message", diags));
    Some((result?, message?))
}

fn requires(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Requires> {
    let fields = read_map(node, "requires", &["approvals", "roles"], &[], diags)?;
    let approvals = fields.get("approvals").and_then(|value| fields::count(value, "approvals", diags));
    let roles = fields.get("roles").map(|value| fields::string_list(value, "roles", diags)).unwrap_or_default();
    Some(Requires { approvals, roles })
}

fn evidence(node: &Node, diags: &mut Vec<Diagnostic>) -> Vec<Spanned<String>> {
    let Some(fields) = read_map(node, "evidence", &["include"], &["include"], diags) else { return Vec::new() };
    let Some(items) = fields.get("include").and_then(|value| fields::seq(value, "include", diags)) else {
        return Vec::new();
    };
    items.iter().filter_map(|item| signal_path(item, "include", diags)).collect()
}

type Metadata = (BTreeMap<String, String>, BTreeMap<String, serde_json::Value>);

/// Splits `metadata` into the compliance map and the remaining free-form values.
fn metadata(node: &Node, diags: &mut Vec<Diagnostic>) -> Metadata {
    let mut compliance = BTreeMap::new();
    let mut rest = BTreeMap::new();
    let NodeKind::Map(entries) = &node.kind else {
        diags.push(wrong_type(node, "metadata", "a mapping", "write `metadata` as `key: value` lines"));
        return (compliance, rest);
    };
    let Some(serde_json::Value::Object(object)) = json_value(node, "metadata", diags) else {
        return (compliance, rest);
    };
    for (key, value) in entries {
        let NodeKind::Scalar(Scalar { value: name, .. }) = &key.kind else { continue };
        if name == "compliance" {
            compliance = compliance_map(value, diags);
        } else if let Some(json) = object.get(name) {
            rest.insert(name.clone(), json.clone());
        }
    }
    (compliance, rest)
}

fn compliance_map(node: &Node, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, String> {
    let NodeKind::Map(entries) = &node.kind else {
        diags.push(wrong_type(node, "compliance", "a mapping", "write `compliance: {SOC2: \"CC8.1\"}`"));
        return BTreeMap::new();
    };
    entries
        .iter()
        .filter_map(|(key, value)| {
            let NodeKind::Scalar(Scalar { value: framework, .. }) = &key.kind else { return None };
            let reference = fields::scalar_text(value, framework, diags)?;
            Some((framework.clone(), reference.value))
        })
        .collect()
}
