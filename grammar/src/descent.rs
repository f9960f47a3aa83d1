//! A hand-written recursive descent parser for the grammar in `releasegate.pest`.
//!
//! [`crate::parse_file`] and [`crate::parse_expression`] try this parser first because it is
//! many times faster than the generated pest parser. It accepts a subset of what the grammar
//! accepts and builds exactly the tree that pest and `build_cst` build, spans included. At the
//! first input it does not accept it returns `None`, and the caller runs the pest parser, which
//! returns the tree or the error. Every parse error therefore still comes from pest.
//!
//! The functions follow the grammar rule by rule. Pest skips whitespace and comments between
//! the elements of a non-atomic rule, so every token reader here skips them first.

use crate::cst::{
    ComplianceBlock, ComplianceEntry, ControlDecl, ControlField, Expr, ExprKind, File, Ident, MetaField, Op,
    OpKind, PolicyDecl, PolicyItem, RequireRule, Rule, RulesBlock, Span, StringLit, WhenRule,
};
use crate::scan::valid_escape_len;
use crate::unescape::unescape;

/// Maximum recursion through groups, calls, lists and `not` before this parser gives up. The
/// nesting pre-scan already rejects input nested deeper than [`crate::MAX_NESTING`] levels, but
/// this limit keeps the parser's stack bounded without relying on that scan.
const MAX_DEPTH: usize = 128;

/// Metadata keys of `meta_key`.
const META_KEYS: [&str; 6] = ["version", "name", "description", "effective_date", "supersedes", "scope"];
/// Words that `path` does not accept as its first segment.
const RESERVED: [&str; 7] = ["and", "or", "not", "in", "contains", "true", "false"];

/// Parses a whole file (`file` in the grammar), or returns `None`.
pub(crate) fn file(text: &str) -> Option<File> {
    let mut parser = Parser { text, pos: 0, depth: 0 };
    let mut policies = Vec::new();
    parser.skip_trivia();
    while parser.pos < text.len() {
        policies.push(parser.policy_decl()?);
        parser.skip_trivia();
    }
    Some(File { policies })
}

/// Parses a standalone expression (`expression_input` in the grammar), or returns `None`.
pub(crate) fn expression(text: &str) -> Option<Expr> {
    let mut parser = Parser { text, pos: 0, depth: 0 };
    let expr = parser.expr()?;
    parser.skip_trivia();
    (parser.pos == text.len()).then_some(expr)
}

fn is_ident_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

/// `ident_char` in the grammar.
fn is_ident_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

struct Parser<'t> {
    text: &'t str,
    /// Byte offset of the next unread input.
    pos: usize,
    /// Current recursion depth, compared with [`MAX_DEPTH`].
    depth: usize,
}

impl<'t> Parser<'t> {
    fn byte_at(&self, pos: usize) -> Option<u8> {
        self.text.as_bytes().get(pos).copied()
    }

    fn peek(&self) -> Option<u8> {
        self.byte_at(self.pos)
    }

    /// Returns the offset after the whitespace and `#` comments that start at `pos`.
    fn trivia_end(&self, mut pos: usize) -> usize {
        let bytes = self.text.as_bytes();
        loop {
            match bytes.get(pos) {
                Some(&byte) if is_whitespace(byte) => pos += 1,
                Some(b'#') => {
                    while bytes.get(pos).is_some_and(|&byte| byte != b'\n') {
                        pos += 1;
                    }
                }
                _ => return pos,
            }
        }
    }

    fn skip_trivia(&mut self) {
        self.pos = self.trivia_end(self.pos);
    }

    /// Returns the end of the run of `ident_char` bytes that starts at `pos`.
    fn word_end(&self, pos: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut end = pos;
        while bytes.get(end).is_some_and(|&byte| is_ident_char(byte)) {
            end += 1;
        }
        end
    }

    /// Returns the whole word at the next token, without consuming it. A rule such as
    /// `@{ "policy" ~ !ident_char }` matches exactly when this word is `policy`.
    fn peek_word(&mut self) -> &'t str {
        self.skip_trivia();
        let end = self.word_end(self.pos);
        self.text.get(self.pos..end).unwrap_or("")
    }

    /// Consumes the keyword `word` and returns its start offset.
    fn keyword(&mut self, word: &str) -> Option<usize> {
        if self.peek_word() != word {
            return None;
        }
        let start = self.pos;
        self.pos += word.len();
        Some(start)
    }

    /// Consumes the one-byte token `byte` and returns the offset after it.
    fn punct(&mut self, byte: u8) -> Option<usize> {
        self.skip_trivia();
        if self.peek() != Some(byte) {
            return None;
        }
        self.pos += 1;
        Some(self.pos)
    }

    /// Consumes a word that is one of `words`, as `meta_key`, `control_key` and `effect` do.
    fn word_of(&mut self, words: &[&str]) -> Option<Ident> {
        let word = self.peek_word();
        if !words.contains(&word) {
            return None;
        }
        let start = self.pos;
        self.pos += word.len();
        Some(Ident { text: word.to_owned(), span: Span::new(start, self.pos) })
    }

    /// `ident`: a letter or `_`, then letters, digits and `_`.
    fn ident(&mut self) -> Option<Ident> {
        self.skip_trivia();
        let start = self.pos;
        if !is_ident_start(self.peek()?) {
            return None;
        }
        self.pos = self.word_end(start);
        Some(Ident { text: self.text.get(start..self.pos)?.to_owned(), span: Span::new(start, self.pos) })
    }

    /// `path`: dotted words whose first word is not reserved.
    fn path(&mut self) -> Option<Ident> {
        self.skip_trivia();
        let start = self.pos;
        if !is_ident_start(self.peek()?) {
            return None;
        }
        let mut end = self.word_end(start);
        if RESERVED.contains(&self.text.get(start..end)?) {
            return None;
        }
        while self.byte_at(end) == Some(b'.') && self.byte_at(end + 1).is_some_and(is_ident_start) {
            end = self.word_end(end + 1);
        }
        self.pos = end;
        Some(Ident { text: self.text.get(start..end)?.to_owned(), span: Span::new(start, end) })
    }

    /// `string`: a one-line string literal with its escapes resolved.
    fn string(&mut self) -> Option<StringLit> {
        self.skip_trivia();
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return None;
        }
        let mut pos = start + 1;
        loop {
            match self.byte_at(pos)? {
                b'"' => break,
                b'\n' => return None,
                b'\\' => pos += valid_escape_len(self.text.get(pos..)?)?,
                _ => pos += 1,
            }
        }
        let value = unescape(self.text.get(start + 1..pos)?, start + 1).ok()?;
        self.pos = pos + 1;
        Some(StringLit { value, span: Span::new(start, self.pos) })
    }

    /// `number`: `-`? digits, an optional fraction, and no word character after it.
    fn number(&mut self) -> Option<Expr> {
        self.skip_trivia();
        let start = self.pos;
        let mut end = start;
        if self.byte_at(end) == Some(b'-') {
            end += 1;
        }
        let digits_start = end;
        while self.byte_at(end).is_some_and(|byte| byte.is_ascii_digit()) {
            end += 1;
        }
        if end == digits_start {
            return None;
        }
        if self.byte_at(end) == Some(b'.') && self.byte_at(end + 1).is_some_and(|byte| byte.is_ascii_digit()) {
            end += 1;
            while self.byte_at(end).is_some_and(|byte| byte.is_ascii_digit()) {
                end += 1;
            }
        }
        if self.byte_at(end).is_some_and(is_ident_char) {
            return None;
        }
        self.pos = end;
        let kind = ExprKind::Number(self.text.get(start..end)?.to_owned());
        Some(Expr { kind, span: Span::new(start, end) })
    }

    /// `literal`: a boolean, number or string.
    fn literal(&mut self) -> Option<Expr> {
        self.skip_trivia();
        let start = self.pos;
        match self.peek()? {
            b'"' => {
                let string = self.string()?;
                Some(Expr { kind: ExprKind::String(string.value), span: string.span })
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => {
                let flag = match self.peek_word() {
                    "true" => true,
                    "false" => false,
                    _ => return None,
                };
                self.pos = self.word_end(start);
                Some(Expr { kind: ExprKind::Bool(flag), span: Span::new(start, self.pos) })
            }
        }
    }

    /// `cmp_op`. The grammar's operator is atomic, so `not in` may have whitespace between its
    /// words but no comment.
    fn cmp_op(&mut self) -> Option<Op> {
        self.skip_trivia();
        let start = self.pos;
        let bytes = self.text.as_bytes().get(start..)?;
        let (kind, len) = match bytes {
            [b'=', b'=', ..] => (OpKind::Eq, 2),
            [b'!', b'=', ..] => (OpKind::Ne, 2),
            [b'>', b'=', ..] => (OpKind::Ge, 2),
            [b'<', b'=', ..] => (OpKind::Le, 2),
            [b'>', ..] => (OpKind::Gt, 1),
            [b'<', ..] => (OpKind::Lt, 1),
            [b'n', b'o', b't', ..] => {
                let gap = bytes.get(3..)?.iter().take_while(|&&byte| is_whitespace(byte)).count();
                let in_start = start + 3 + gap;
                if gap == 0 || self.text.get(in_start..self.word_end(in_start))? != "in" {
                    return None;
                }
                (OpKind::NotIn, 3 + gap + 2)
            }
            _ => match self.peek_word() {
                "in" => (OpKind::In, 2),
                "contains" => (OpKind::Contains, "contains".len()),
                _ => return None,
            },
        };
        self.pos = start + len;
        Some(Op { kind, span: Span::new(start, self.pos) })
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// `expr`: an `or` chain, folded to the left like `build_cst::binary_chain`.
    fn expr(&mut self) -> Option<Expr> {
        let mut acc = self.and_expr()?;
        while self.keyword("or").is_some() {
            let rhs = self.and_expr()?;
            let span = acc.span.join(rhs.span);
            acc = Expr { kind: ExprKind::Or(Box::new(acc), Box::new(rhs)), span };
        }
        Some(acc)
    }

    fn and_expr(&mut self) -> Option<Expr> {
        let (mut acc, _) = self.not_expr()?;
        while self.keyword("and").is_some() {
            let (rhs, _) = self.not_expr()?;
            let span = acc.span.join(rhs.span);
            acc = Expr { kind: ExprKind::And(Box::new(acc), Box::new(rhs)), span };
        }
        Some(acc)
    }

    /// `not_expr`, with the end offset of its pest pair. A `not` node's span is that pair's span,
    /// which runs to the end of the innermost `comparison` pair.
    fn not_expr(&mut self) -> Option<(Expr, usize)> {
        let Some(start) = self.keyword("not") else {
            return self.comparison();
        };
        self.enter()?;
        let (inner, end) = self.not_expr()?;
        self.leave();
        Some((Expr { kind: ExprKind::Not(Box::new(inner)), span: Span::new(start, end) }, end))
    }

    /// `comparison`, with the end offset of its pest pair. Pest skips trivia after the left
    /// operand before it tries the operator, so without an operator the pair ends after that
    /// trivia, not at the operand.
    fn comparison(&mut self) -> Option<(Expr, usize)> {
        let lhs = self.operand()?;
        self.skip_trivia();
        let after_lhs = self.pos;
        let Some(op) = self.cmp_op() else {
            return Some((lhs, after_lhs));
        };
        let rhs = self.operand()?;
        let span = Span::new(lhs.span.start, rhs.span.end);
        let kind = ExprKind::Compare { op, lhs: Box::new(lhs), rhs: Box::new(rhs) };
        Some((Expr { kind, span }, span.end))
    }

    /// `operand`: the grammar tries `call`, `list`, `literal`, `path` and `group` in this order,
    /// so a word followed by `(` is a call even when the word is reserved.
    fn operand(&mut self) -> Option<Expr> {
        self.skip_trivia();
        let start = self.pos;
        match self.peek()? {
            b'[' => self.list(),
            b'(' => self.group(),
            b'"' | b'-' | b'0'..=b'9' => self.literal(),
            byte if is_ident_start(byte) => {
                let word_end = self.word_end(start);
                if self.byte_at(self.trivia_end(word_end)) == Some(b'(') {
                    return self.call();
                }
                match self.text.get(start..word_end)? {
                    "true" | "false" => self.literal(),
                    _ => {
                        let path = self.path()?;
                        Some(Expr { kind: ExprKind::Path(path.text), span: path.span })
                    }
                }
            }
            _ => None,
        }
    }

    fn group(&mut self) -> Option<Expr> {
        self.skip_trivia();
        let start = self.pos;
        self.punct(b'(')?;
        self.enter()?;
        let inner = self.expr()?;
        self.leave();
        let end = self.punct(b')')?;
        Some(Expr { kind: ExprKind::Group(Box::new(inner)), span: Span::new(start, end) })
    }

    /// `call`: `name(args)` with an optional trailing comma.
    fn call(&mut self) -> Option<Expr> {
        let name = self.ident()?;
        self.punct(b'(')?;
        self.enter()?;
        let mut args = Vec::new();
        let end = self.comma_list(b')', |parser| {
            args.push(parser.expr()?);
            Some(())
        })?;
        self.leave();
        let span = Span::new(name.span.start, end);
        Some(Expr { kind: ExprKind::Call { name, args }, span })
    }

    /// `list`: literals in brackets with an optional trailing comma.
    fn list(&mut self) -> Option<Expr> {
        self.skip_trivia();
        let start = self.pos;
        self.punct(b'[')?;
        self.enter()?;
        let mut items = Vec::new();
        let end = self.comma_list(b']', |parser| {
            items.push(parser.literal()?);
            Some(())
        })?;
        self.leave();
        Some(Expr { kind: ExprKind::List(items), span: Span::new(start, end) })
    }

    /// Reads `(item (, item)* ,?)? close`, the opening bracket already consumed, and returns the
    /// offset after `close`.
    fn comma_list(&mut self, close: u8, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<usize> {
        loop {
            if let Some(end) = self.punct(close) {
                return Some(end);
            }
            item(self)?;
            if self.punct(b',').is_none() {
                return self.punct(close);
            }
        }
    }

    /// `policy_decl`.
    fn policy_decl(&mut self) -> Option<PolicyDecl> {
        let start = self.keyword("policy")?;
        let name = self.ident()?;
        self.punct(b'{')?;
        let mut items = Vec::new();
        let end = loop {
            if let Some(end) = self.punct(b'}') {
                break end;
            }
            items.push(self.policy_item()?);
        };
        Some(PolicyDecl { name, items, span: Span::new(start, end) })
    }

    /// `policy_item`: a metadata field, `control`, `rules` or `compliance` block.
    fn policy_item(&mut self) -> Option<PolicyItem> {
        match self.peek_word() {
            "control" => self.control_decl().map(PolicyItem::Control),
            "rules" => self.rules_block().map(PolicyItem::Rules),
            "compliance" => self.compliance_block().map(PolicyItem::Compliance),
            _ => self.meta_field().map(PolicyItem::Meta),
        }
    }

    fn meta_field(&mut self) -> Option<MetaField> {
        let key = self.word_of(&META_KEYS)?;
        self.punct(b':')?;
        let value = self.string()?;
        let span = Span::new(key.span.start, value.span.end);
        Some(MetaField { key, value, span })
    }

    fn control_decl(&mut self) -> Option<ControlDecl> {
        let start = self.keyword("control")?;
        let name = self.ident()?;
        self.punct(b'{')?;
        let mut fields = Vec::new();
        let end = loop {
            if let Some(end) = self.punct(b'}') {
                break end;
            }
            fields.push(self.control_field()?);
        };
        Some(ControlDecl { name, fields, span: Span::new(start, end) })
    }

    fn control_field(&mut self) -> Option<ControlField> {
        let key = self.word_of(&["signals", "evidence"])?;
        self.punct(b':')?;
        self.punct(b'[')?;
        let mut paths = Vec::new();
        let end = self.comma_list(b']', |parser| {
            paths.push(parser.path()?);
            Some(())
        })?;
        let span = Span::new(key.span.start, end);
        Some(ControlField { key, paths, span })
    }

    fn rules_block(&mut self) -> Option<RulesBlock> {
        let start = self.keyword("rules")?;
        self.punct(b'{')?;
        let mut rules = Vec::new();
        let end = loop {
            if let Some(end) = self.punct(b'}') {
                break end;
            }
            let rule = match self.peek_word() {
                "require" => Rule::Require(self.require_rule()?),
                "when" => Rule::When(self.when_rule()?),
                _ => return None,
            };
            rules.push(rule);
        };
        Some(RulesBlock { rules, span: Span::new(start, end) })
    }

    fn require_rule(&mut self) -> Option<RequireRule> {
        let start = self.keyword("require")?;
        let path = self.path()?;
        let op = self.cmp_op()?;
        self.skip_trivia();
        let value = match self.peek()? {
            b'[' => self.list()?,
            _ => self.literal()?,
        };
        let span = Span::new(start, value.span.end);
        Some(RequireRule { path, op, value, span })
    }

    fn when_rule(&mut self) -> Option<WhenRule> {
        let start = self.keyword("when")?;
        let condition = self.expr()?;
        self.punct(b'{')?;
        self.keyword("enforce")?;
        let effect = self.word_of(&["BLOCK", "WARN", "COMPLIANT"])?;
        self.keyword("message")?;
        let message = self.string()?;
        let end = self.punct(b'}')?;
        Some(WhenRule { condition, effect, message, span: Span::new(start, end) })
    }

    fn compliance_block(&mut self) -> Option<ComplianceBlock> {
        let start = self.keyword("compliance")?;
        self.punct(b'{')?;
        let mut entries = Vec::new();
        let end = loop {
            if let Some(end) = self.punct(b'}') {
                break end;
            }
            entries.push(self.compliance_entry()?);
        };
        Some(ComplianceBlock { entries, span: Span::new(start, end) })
    }

    /// `compliance_entry`. As in `comparison`, pest skips trivia before it tries the optional
    /// comma, so without a comma the entry's span ends after that trivia.
    fn compliance_entry(&mut self) -> Option<ComplianceEntry> {
        let key = self.ident()?;
        self.punct(b':')?;
        let value = self.string()?;
        self.skip_trivia();
        if self.peek() == Some(b',') {
            self.pos += 1;
        }
        let span = Span::new(key.span.start, self.pos);
        Some(ComplianceEntry { key, value, span })
    }
}

#[cfg(test)]
mod tests;
