//! The text DSL (`.rgl` files): each rule of `policy P` becomes its own [`Policy`] `P.R1`,
//! `P.R2`, … in source order, with `_` in `P` written as `-`.

use std::collections::BTreeMap;

use grammar::{ComplianceBlock, ControlDecl, MetaField, PolicyDecl, PolicyItem, RequireRule, Rule, WhenRule};

use crate::ast::{ControlBlock, Effect, Expr, ExprKind, Policy, Scope, Syntax};
use crate::diagnostic::Diagnostic;
use crate::frontend::codes;
use crate::frontend::document::{check_version, DEFAULT_VERSION, EFFECTS, SCOPES};
use crate::frontend::expr::{cmp_op, lower, parse_error, Placement};
use crate::frontend::fields::invalid_choice;
use crate::frontend::render;
use crate::span::{SourceFile, Span, Spanned};

pub(crate) fn lower_dsl(file: &SourceFile) -> (Vec<Policy>, Vec<Diagnostic>) {
    let place = Placement::exact(file.id, 0);
    let mut diags = Vec::new();
    let parsed = match grammar::parse_file(&file.text) {
        Ok(parsed) => parsed,
        Err(error) => return (Vec::new(), vec![parse_error(&error, &place)]),
    };
    if parsed.policies.is_empty() {
        let diagnostic = Diagnostic::error(
            codes::POLICY_EMPTY_FILE,
            "the policy file contains no policy",
            Span::new(file.id, 0, file.text.len()),
            "empty file",
        )
        .with_help("write `policy NAME { rules { ... } }`, or delete the file");
        return (Vec::new(), vec![diagnostic]);
    }
    let policies = parsed.policies.iter().flat_map(|decl| lower_policy(decl, &place, &mut diags)).collect();
    (policies, diags)
}

/// Metadata, controls and compliance of one `policy` block, shared by all its rules.
struct Shared {
    group: Spanned<String>,
    version: Spanned<String>,
    name: Spanned<String>,
    description: Option<String>,
    scope: Scope,
    effective_date: Option<String>,
    supersedes: Option<String>,
    controls: Vec<ControlBlock>,
    evidence: Vec<Spanned<String>>,
    compliance: BTreeMap<String, String>,
}

fn lower_policy(decl: &PolicyDecl, place: &Placement, diags: &mut Vec<Diagnostic>) -> Vec<Policy> {
    let errors_before = diags.len();
    let shared = shared(decl, place, diags);
    let rules: Vec<&Rule> = decl
        .items
        .iter()
        .filter_map(|item| match item {
            PolicyItem::Rules(block) => Some(&block.rules),
            _ => None,
        })
        .flatten()
        .collect();
    if rules.is_empty() {
        diags.push(no_rules(decl, place));
    }
    let policies: Vec<Policy> = rules
        .iter()
        .enumerate()
        .filter_map(|(index, rule)| lower_rule(rule, index + 1, &shared, place, diags))
        .collect();
    if diags.len() > errors_before {
        return Vec::new();
    }
    policies
}

fn no_rules(decl: &PolicyDecl, place: &Placement) -> Diagnostic {
    Diagnostic::error(
        codes::POLICY_NO_CONDITION,
        format!("policy `{}` has no rules", decl.name.text),
        place.span(decl.name.span),
        "no rules",
    )
    .with_help("add `rules { when CONDITION { enforce BLOCK message \"...\" } }` or `rules { require PATH OP VALUE }`")
}

fn shared(decl: &PolicyDecl, place: &Placement, diags: &mut Vec<Diagnostic>) -> Shared {
    let group = Spanned::new(decl.name.text.clone(), place.span(decl.name.span));
    let meta = metadata(decl, place, diags);
    let text = |key: &str| meta.get(key).map(|field| field.value.clone());
    let version = meta.get("version").map_or_else(
        || Spanned::new(DEFAULT_VERSION.to_owned(), group.span),
        |field| Spanned::new(field.value.clone(), place.span(field.span)),
    );
    if let Some(diagnostic) = meta.get("version").and_then(|_| check_version(&version)) {
        diags.push(diagnostic);
    }
    let name = meta
        .get("name")
        .map_or_else(|| group.clone(), |field| Spanned::new(field.value.clone(), place.span(field.span)));
    let scope = meta.get("scope").map_or(Scope::Transition, |field| scope(field, place, diags));
    let controls: Vec<ControlBlock> = decl
        .items
        .iter()
        .filter_map(|item| match item {
            PolicyItem::Control(control) => Some(control_block(control, place, diags)),
            _ => None,
        })
        .collect();
    let mut evidence: Vec<Spanned<String>> = Vec::new();
    for item in controls.iter().flat_map(|control| control.evidence.iter()) {
        if !evidence.iter().any(|seen| seen.value == item.value) {
            evidence.push(item.clone());
        }
    }
    Shared {
        group,
        version,
        name,
        description: text("description"),
        scope,
        effective_date: text("effective_date"),
        supersedes: text("supersedes"),
        controls,
        evidence,
        compliance: compliance(decl, place, diags),
    }
}

/// Collects the metadata fields, reporting a field given twice.
fn metadata<'d>(
    decl: &'d PolicyDecl,
    place: &Placement,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<&'d str, &'d grammar::StringLit> {
    let mut fields: BTreeMap<&str, &MetaField> = BTreeMap::new();
    for item in &decl.items {
        let PolicyItem::Meta(field) = item else { continue };
        if let Some(first) = fields.get(field.key.text.as_str()) {
            diags.push(duplicate(&field.key.text, place.span(field.key.span), place.span(first.key.span)));
        } else {
            fields.insert(field.key.text.as_str(), field);
        }
    }
    fields.into_iter().map(|(key, field)| (key, &field.value)).collect()
}

fn duplicate(key: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(codes::POLICY_DUPLICATE_KEY, format!("duplicate key `{key}`"), span, "duplicate key")
        .with_help(format!("keep one `{key}` entry and remove the other"))
        .with_related(first, "first defined here")
}

fn scope(field: &grammar::StringLit, place: &Placement, diags: &mut Vec<Diagnostic>) -> Scope {
    if let Some((_, scope)) = SCOPES.iter().find(|(name, _)| *name == field.value) {
        return *scope;
    }
    diags.push(invalid_choice(place.span(field.span), "scope", &field.value, SCOPES.iter().map(|(name, _)| *name)));
    Scope::Transition
}

fn control_block(control: &ControlDecl, place: &Placement, diags: &mut Vec<Diagnostic>) -> ControlBlock {
    let mut signals = Vec::new();
    let mut evidence = Vec::new();
    let mut seen: Vec<&grammar::Ident> = Vec::new();
    for field in &control.fields {
        if let Some(first) = seen.iter().find(|key| key.text == field.key.text) {
            diags.push(duplicate(&field.key.text, place.span(field.key.span), place.span(first.span)));
            continue;
        }
        seen.push(&field.key);
        let paths = field.paths.iter().map(|path| Spanned::new(path.text.clone(), place.span(path.span)));
        if field.key.text == "signals" {
            signals.extend(paths);
        } else {
            evidence.extend(paths);
        }
    }
    ControlBlock {
        name: Spanned::new(control.name.text.clone(), place.span(control.name.span)),
        signals,
        evidence,
        span: place.span(control.span),
    }
}

fn compliance(decl: &PolicyDecl, place: &Placement, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, String> {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    let mut first_spans: BTreeMap<String, Span> = BTreeMap::new();
    let blocks = decl.items.iter().filter_map(|item| match item {
        PolicyItem::Compliance(block) => Some(block),
        _ => None,
    });
    for entry in blocks.flat_map(|block: &ComplianceBlock| block.entries.iter()) {
        let key_span = place.span(entry.key.span);
        if let Some(first) = first_spans.get(&entry.key.text) {
            diags.push(duplicate(&entry.key.text, key_span, *first));
            continue;
        }
        first_spans.insert(entry.key.text.clone(), key_span);
        map.insert(entry.key.text.clone(), entry.value.value.clone());
    }
    map
}

fn lower_rule(rule: &Rule, number: usize, shared: &Shared, place: &Placement, diags: &mut Vec<Diagnostic>) -> Option<Policy> {
    let (condition, effect, message, span) = match rule {
        Rule::Require(require) => require_rule(require, place, diags)?,
        Rule::When(when) => when_rule(when, place, diags)?,
    };
    let id = format!("{}.R{number}", shared.group.value.replace('_', "-"));
    Some(Policy {
        id: Spanned::new(id, span),
        group: Some(shared.group.clone()),
        syntax: Syntax::Dsl,
        version: shared.version.clone(),
        name: shared.name.clone(),
        description: shared.description.clone(),
        scope: shared.scope,
        enabled: true,
        condition,
        effect,
        message,
        requires: None,
        evidence: shared.evidence.clone(),
        controls: shared.controls.clone(),
        compliance: shared.compliance.clone(),
        metadata: BTreeMap::new(),
        effective_date: shared.effective_date.clone(),
        supersedes: shared.supersedes.clone(),
        span,
    })
}

type LoweredRule = (Expr, Spanned<Effect>, Spanned<String>, Span);

/// `require PATH OP VALUE` blocks when the requirement does not hold: `not (PATH OP VALUE)`.
fn require_rule(require: &RequireRule, place: &Placement, diags: &mut Vec<Diagnostic>) -> Option<LoweredRule> {
    let span = place.span(require.span);
    let value = lower(&require.value, place, diags)?;
    let op = cmp_op(require.op.kind);
    let path_span = place.span(require.path.span);
    let text = render::comparison(&require.path.text, op, &value);
    let lhs = Expr { kind: ExprKind::Path(require.path.text.clone()), span: path_span };
    let compare_span = path_span.join(value.span);
    let compare = Expr {
        kind: ExprKind::Compare { op: Spanned::new(op, place.span(require.op.span)), lhs: Box::new(lhs), rhs: Box::new(value) },
        span: compare_span,
    };
    let condition = Expr { kind: ExprKind::Not(Box::new(compare)), span };
    let effect = Spanned::new(Effect::Block, span);
    let message = Spanned::new(format!("Requirement failed: {text}"), span);
    Some((condition, effect, message, span))
}

fn when_rule(when: &WhenRule, place: &Placement, diags: &mut Vec<Diagnostic>) -> Option<LoweredRule> {
    let condition = lower(&when.condition, place, diags)?;
    let effect_span = place.span(when.effect.span);
    let Some((_, effect)) = EFFECTS.iter().find(|(name, _)| *name == when.effect.text) else {
        diags.push(invalid_choice(effect_span, "enforce", &when.effect.text, EFFECTS.iter().map(|(name, _)| *name)));
        return None;
    };
    let message = Spanned::new(when.message.value.clone(), place.span(when.message.span));
    Some((condition, Spanned::new(*effect, effect_span), message, place.span(when.span)))
}
