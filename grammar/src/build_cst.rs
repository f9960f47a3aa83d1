//! Turns pest pairs into the typed CST of `cst.rs`, skipping punctuation and keyword tokens.

use pest::iterators::{Pair, Pairs};

use crate::cst::{
    ComplianceBlock, ComplianceEntry, ControlDecl, ControlField, Expr, ExprKind, File, Ident, MetaField, Op,
    OpKind, PolicyDecl, PolicyItem, RequireRule, Rule as DslRule, RulesBlock, Span, StringLit, WhenRule,
};
use crate::error::ParseError;
use crate::parser::Rule;
use crate::unescape::unescape;

type Built<T> = Result<T, Box<ParseError>>;

/// Returns the meaningful children of `pair`: punctuation, keywords and `EOI` are dropped.
fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|inner| !is_token(inner.as_rule()))
}

fn is_token(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::EOI
            | Rule::lbrace
            | Rule::rbrace
            | Rule::lbracket
            | Rule::rbracket
            | Rule::lparen
            | Rule::rparen
            | Rule::colon
            | Rule::comma
            | Rule::kw_policy
            | Rule::kw_control
            | Rule::kw_rules
            | Rule::kw_compliance
            | Rule::kw_require
            | Rule::kw_when
            | Rule::kw_enforce
            | Rule::kw_message
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_not
    )
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let span = pair.as_span();
    Span::new(span.start(), span.end())
}

/// Reports a tree shape that the grammar does not allow, which means this builder and the
/// grammar disagree. It is an error value so that no input can make the parser panic.
fn shape_error(span: Span, what: &str) -> Box<ParseError> {
    Box::new(ParseError::internal(span, format!("internal error: unexpected syntax tree shape ({what})")))
}

fn next_child<'i>(iter: &mut impl Iterator<Item = Pair<'i, Rule>>, parent: Span, what: &str) -> Built<Pair<'i, Rule>> {
    iter.next().ok_or_else(|| shape_error(parent, what))
}

pub(crate) fn file(mut pairs: Pairs<'_, Rule>) -> Built<File> {
    let Some(root) = pairs.next() else {
        return Ok(File { policies: Vec::new() });
    };
    let policies = children(root).map(policy_decl).collect::<Built<Vec<_>>>()?;
    Ok(File { policies })
}

pub(crate) fn expression_input(mut pairs: Pairs<'_, Rule>) -> Built<Expr> {
    let root = pairs.next().ok_or_else(|| shape_error(Span::default(), "empty expression"))?;
    let span = span_of(&root);
    let mut inner = children(root);
    expr(next_child(&mut inner, span, "expression")?)
}

fn policy_decl(pair: Pair<'_, Rule>) -> Built<PolicyDecl> {
    let span = span_of(&pair);
    let mut inner = children(pair);
    let name = ident(next_child(&mut inner, span, "policy name")?);
    let items = inner.map(policy_item).collect::<Built<Vec<_>>>()?;
    Ok(PolicyDecl { name, items, span })
}

fn policy_item(pair: Pair<'_, Rule>) -> Built<PolicyItem> {
    match pair.as_rule() {
        Rule::meta_field => meta_field(pair).map(PolicyItem::Meta),
        Rule::control_decl => control_decl(pair).map(PolicyItem::Control),
        Rule::rules_block => rules_block(pair).map(PolicyItem::Rules),
        Rule::compliance_block => compliance_block(pair).map(PolicyItem::Compliance),
        _ => Err(shape_error(span_of(&pair), "policy item")),
    }
}

fn meta_field(pair: Pair<'_, Rule>) -> Built<MetaField> {
    let span = span_of(&pair);
    let mut inner = children(pair);
    let key = ident(next_child(&mut inner, span, "metadata key")?);
    let value = string(next_child(&mut inner, span, "metadata value")?)?;
    Ok(MetaField { key, value, span })
}

fn control_decl(pair: Pair<'_, Rule>) -> Built<ControlDecl> {
    let span = span_of(&pair);
    let mut inner = children(pair);
    let name = ident(next_child(&mut inner, span, "control name")?);
    let fields = inner.map(control_field).collect::<Built<Vec<_>>>()?;
    Ok(ControlDecl { name, fields, span })
}

fn control_field(pair: Pair<'_, Rule>) -> Built<ControlField> {
    let span = span_of(&pair);
    let mut inner = children(pair);
    let key = ident(next_child(&mut inner, span, "control key")?);
    let list = next_child(&mut inner, span, "path list")?;
    let paths = children(list).map(ident).collect();
    Ok(ControlField { key, paths, span })
}

fn rules_block(pair: Pair<'_, Rule>) -> Built<RulesBlock> {
    let span = span_of(&pair);
    let rules = children(pair).map(rule).collect::<Built<Vec<_>>>()?;
    Ok(RulesBlock { rules, span })
}

fn rule(pair: Pair<'_, Rule>) -> Built<DslRule> {
    match pair.as_rule() {
        Rule::require_rule => require_rule(pair).map(DslRule::Require),
        Rule::when_rule => when_rule(pair).map(DslRule::When),
        _ => Err(shape_error(span_of(&pair), "rule")),
    }
}

fn require_rule(pair: Pair<'_, Rule>) -> Built<RequireRule> {
    let span = span_of(&pair);
    let mut inner = children(pair);
    let path = ident(next_child(&mut inner, span, "require path")?);
    let op = cmp_op(next_child(&mut inner, span, "require operator")?)?;
    let value = operand(next_child(&mut inner, span, "require value")?)?;
    Ok(RequireRule { path, op, value, span })
}

fn when_rule(pair: Pair<'_, Rule>) -> Built<WhenRule> {
    let span = span_of(&pair);
    let mut inner = children(pair);
    let condition = expr(next_child(&mut inner, span, "when condition")?)?;
    let enforce = next_child(&mut inner, span, "enforce clause")?;
    let effect = single_child(enforce, "effect").map(ident)?;
    let message_clause = next_child(&mut inner, span, "message clause")?;
    let message = single_child(message_clause, "message").and_then(string)?;
    Ok(WhenRule { condition, effect, message, span })
}

fn compliance_block(pair: Pair<'_, Rule>) -> Built<ComplianceBlock> {
    let span = span_of(&pair);
    let entries = children(pair).map(compliance_entry).collect::<Built<Vec<_>>>()?;
    Ok(ComplianceBlock { entries, span })
}

fn compliance_entry(pair: Pair<'_, Rule>) -> Built<ComplianceEntry> {
    let span = span_of(&pair);
    let mut inner = children(pair);
    let key = ident(next_child(&mut inner, span, "compliance key")?);
    let value = string(next_child(&mut inner, span, "compliance value")?)?;
    Ok(ComplianceEntry { key, value, span })
}

fn single_child<'i>(pair: Pair<'i, Rule>, what: &str) -> Built<Pair<'i, Rule>> {
    let span = span_of(&pair);
    next_child(&mut children(pair), span, what)
}

fn ident(pair: Pair<'_, Rule>) -> Ident {
    Ident { text: pair.as_str().to_owned(), span: span_of(&pair) }
}

fn string(pair: Pair<'_, Rule>) -> Built<StringLit> {
    let span = span_of(&pair);
    let raw = pair.into_inner().next().map_or("", |inner| inner.as_str());
    let value = unescape(raw, span.start + 1)?;
    Ok(StringLit { value, span })
}

fn cmp_op(pair: Pair<'_, Rule>) -> Built<Op> {
    let span = span_of(&pair);
    let text = pair.as_str();
    let kind = match text {
        "==" => OpKind::Eq,
        "!=" => OpKind::Ne,
        ">" => OpKind::Gt,
        ">=" => OpKind::Ge,
        "<" => OpKind::Lt,
        "<=" => OpKind::Le,
        "in" => OpKind::In,
        "contains" => OpKind::Contains,
        _ if text.starts_with("not") => OpKind::NotIn,
        _ => return Err(shape_error(span, "operator")),
    };
    Ok(Op { kind, span })
}

fn expr(pair: Pair<'_, Rule>) -> Built<Expr> {
    match pair.as_rule() {
        Rule::expr => {
            expr(single_child(pair, "expression")?)
        }
        Rule::or_expr => binary_chain(pair, ExprKind::Or),
        Rule::and_expr => binary_chain(pair, ExprKind::And),
        Rule::not_expr => not_expr(pair),
        Rule::comparison => comparison(pair),
        _ => operand(pair),
    }
}

/// Folds `a op b op c` to the left: `(a op b) op c`.
fn binary_chain(pair: Pair<'_, Rule>, make: fn(Box<Expr>, Box<Expr>) -> ExprKind) -> Built<Expr> {
    let span = span_of(&pair);
    let mut inner = children(pair);
    let mut acc = expr(next_child(&mut inner, span, "operand")?)?;
    for next in inner {
        let rhs = expr(next)?;
        let joined = acc.span.join(rhs.span);
        acc = Expr { kind: make(Box::new(acc), Box::new(rhs)), span: joined };
    }
    Ok(acc)
}

fn not_expr(pair: Pair<'_, Rule>) -> Built<Expr> {
    let span = span_of(&pair);
    let has_not = pair.clone().into_inner().next().is_some_and(|first| first.as_rule() == Rule::kw_not);
    let inner = expr(next_child(&mut children(pair), span, "not operand")?)?;
    if has_not {
        Ok(Expr { kind: ExprKind::Not(Box::new(inner)), span })
    } else {
        Ok(inner)
    }
}

fn comparison(pair: Pair<'_, Rule>) -> Built<Expr> {
    let span = span_of(&pair);
    let mut inner = children(pair);
    let lhs = operand(next_child(&mut inner, span, "comparison operand")?)?;
    let Some(op_pair) = inner.next() else {
        return Ok(lhs);
    };
    let op = cmp_op(op_pair)?;
    let rhs = operand(next_child(&mut inner, span, "comparison right operand")?)?;
    Ok(Expr { kind: ExprKind::Compare { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span })
}

fn operand(pair: Pair<'_, Rule>) -> Built<Expr> {
    let span = span_of(&pair);
    let kind = match pair.as_rule() {
        Rule::group => ExprKind::Group(Box::new(expr(single_child(pair, "group")?)?)),
        Rule::call => call(pair)?,
        Rule::list => ExprKind::List(children(pair).map(operand).collect::<Built<Vec<_>>>()?),
        Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
        Rule::number => ExprKind::Number(pair.as_str().to_owned()),
        Rule::string => ExprKind::String(string(pair)?.value),
        Rule::path => ExprKind::Path(pair.as_str().to_owned()),
        _ => return Err(shape_error(span, "operand")),
    };
    Ok(Expr { kind, span })
}

fn call(pair: Pair<'_, Rule>) -> Built<ExprKind> {
    let span = span_of(&pair);
    let mut inner = children(pair);
    let name = ident(next_child(&mut inner, span, "function name")?);
    let args = inner.map(expr).collect::<Built<Vec<_>>>()?;
    Ok(ExprKind::Call { name, args })
}
