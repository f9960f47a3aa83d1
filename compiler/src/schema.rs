//! The signal schema (`policies/signals.yaml`): every signal a policy may read, with its type.
//!
//! ```yaml
//! signals:
//!   risk.level:
//!     type: enum            # bool | int | number | string | enum | list<string> | list<int>
//!     values: [LOW, MEDIUM, HIGH, CRITICAL]   # required for enum, rejected otherwise
//!     required: true        # default false
//!     description: "Risk level computed from PR counters"
//! ```

use vm::signal::{SignalDecl, SignalType};

use crate::diagnostic::Diagnostic;
use crate::located_yaml::read::{
    expect_map, expect_string, expect_string_list, get, parse_source, push_err, require,
    unknown_keys, wrong_type, Codes,
};
use crate::located_yaml::{Entry, Node, Value};
use crate::span::{SourceId, SourceMap, Span, Spanned};
use crate::suggest;

const CODES: Codes = Codes {
    syntax: "releasegate::schema::yaml_syntax",
    duplicate_key: "releasegate::schema::duplicate_key",
    unknown_key: "releasegate::schema::unknown_key",
    missing_key: "releasegate::schema::missing_key",
    wrong_type: "releasegate::schema::wrong_type",
};
const UNKNOWN_TYPE: &str = "releasegate::schema::unknown_type";
const ENUM_WITHOUT_VALUES: &str = "releasegate::schema::enum_without_values";
const VALUES_WITHOUT_ENUM: &str = "releasegate::schema::values_without_enum";
const DUPLICATE_ENUM_VALUE: &str = "releasegate::schema::duplicate_enum_value";
const INVALID_SIGNAL_NAME: &str = "releasegate::schema::invalid_signal_name";

/// Every diagnostic code the schema loader can report.
pub const CODES_ALL: [&str; 10] = [
    CODES.syntax,
    CODES.duplicate_key,
    CODES.unknown_key,
    CODES.missing_key,
    CODES.wrong_type,
    UNKNOWN_TYPE,
    ENUM_WITHOUT_VALUES,
    VALUES_WITHOUT_ENUM,
    DUPLICATE_ENUM_VALUE,
    INVALID_SIGNAL_NAME,
];

/// The type names of the schema format, in the order the docs list them.
pub const TYPE_NAMES: [&str; 7] = [
    "bool",
    "int",
    "number",
    "string",
    "enum",
    "list<string>",
    "list<int>",
];

const SIGNAL_KEYS: [&str; 4] = ["type", "values", "required", "description"];

/// Common names for the schema types that users write from other languages.
const TYPE_ALIASES: [(&str, &str); 10] = [
    ("integer", "int"),
    ("boolean", "bool"),
    ("float", "number"),
    ("double", "number"),
    ("decimal", "number"),
    ("str", "string"),
    ("text", "string"),
    ("list", "list<string>"),
    ("list<str>", "list<string>"),
    ("list<integer>", "list<int>"),
];

/// A loaded signal schema, in file order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    signals: Vec<SchemaSignal>,
}

/// One declared signal.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaSignal {
    pub decl: SignalDecl,
    /// The signal's name in the schema file.
    pub span: Span,
    pub description: Option<String>,
}

impl Schema {
    /// Loads source `id`, reporting every problem in the file at once.
    pub fn parse(sources: &SourceMap, id: SourceId) -> Result<Schema, Vec<Diagnostic>> {
        let root = parse_source(sources, id, CODES)?;
        let mut diagnostics = Vec::new();
        let schema = read_schema(&root, &mut diagnostics);
        match schema {
            Some(schema) if diagnostics.is_empty() => Ok(schema),
            _ => Err(diagnostics),
        }
    }

    /// Builds a schema from declarations, for tests and generated inputs. Spans are empty.
    pub fn from_decls(decls: impl IntoIterator<Item = SignalDecl>) -> Schema {
        let signals = decls.into_iter().map(|decl| SchemaSignal {
            decl,
            span: Span::default(),
            description: None,
        });
        Schema {
            signals: signals.collect(),
        }
    }

    pub fn signals(&self) -> &[SchemaSignal] {
        &self.signals
    }

    pub fn lookup(&self, name: &str) -> Option<&SchemaSignal> {
        self.signals.iter().find(|signal| signal.decl.name == name)
    }

    /// Iterates over the signal names in file order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.signals.iter().map(|signal| signal.decl.name.as_str())
    }
}

/// Returns the schema type name of `ty`, as written in the schema file.
pub fn type_name(ty: &SignalType) -> &'static str {
    match ty {
        SignalType::Bool => "bool",
        SignalType::Int => "int",
        SignalType::Number => "number",
        SignalType::String => "string",
        SignalType::Enum(_) => "enum",
        SignalType::ListString => "list<string>",
        SignalType::ListInt => "list<int>",
    }
}

fn read_schema(root: &Node, diagnostics: &mut Vec<Diagnostic>) -> Option<Schema> {
    if root.value == Value::Null {
        diagnostics.push(empty_file(root.span));
        return None;
    }
    let entries = push_err(expect_map(root, "the signal schema", CODES), diagnostics)?;
    diagnostics.extend(unknown_keys(
        entries,
        &["signals"],
        "the signal schema",
        CODES,
    ));
    let signals = push_err(
        require(entries, "signals", "the signal schema", root.span, CODES),
        diagnostics,
    )?;
    let signals = push_err(expect_map(&signals.value, "`signals`", CODES), diagnostics)?;
    let signals = signals
        .iter()
        .filter_map(|entry| read_signal(entry, diagnostics))
        .collect();
    Some(Schema { signals })
}

fn empty_file(span: Span) -> Diagnostic {
    Diagnostic::error(
        CODES.missing_key,
        "the signal schema is empty",
        span,
        "no `signals:` here",
    )
    .with_help("start the file with `signals:` and declare each signal with its `type`")
}

fn read_signal(entry: &Entry, diagnostics: &mut Vec<Diagnostic>) -> Option<SchemaSignal> {
    let name = &entry.key;
    if !is_signal_name(&name.value) {
        diagnostics.push(invalid_name(name));
    }
    let what = format!("signal `{}`", name.value);
    let fields = push_err(expect_map(&entry.value, &what, CODES), diagnostics)?;
    diagnostics.extend(unknown_keys(fields, &SIGNAL_KEYS, &what, CODES));
    let ty = read_type(fields, &what, name.span, diagnostics)?;
    let required = read_required(fields, diagnostics);
    let description = read_description(fields, diagnostics);
    let decl = SignalDecl {
        name: name.value.clone(),
        ty,
        required,
    };
    Some(SchemaSignal {
        decl,
        span: name.span,
        description,
    })
}

/// Returns whether `name` is a dotted path of identifiers such as `risk.level`.
pub fn is_signal_name(name: &str) -> bool {
    let is_segment = |segment: &str| {
        let mut chars = segment.chars();
        let first = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        first && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    name.split('.').all(is_segment)
}

fn invalid_name(name: &Spanned<String>) -> Diagnostic {
    let message = format!("invalid signal name `{}`", name.value);
    Diagnostic::error(INVALID_SIGNAL_NAME, message, name.span, "not a dotted name")
        .with_help("write letters, digits and `_` in segments joined by `.`, such as `risk.level`; a segment may not start with a digit")
}

fn read_type(
    fields: &[Entry],
    what: &str,
    span: Span,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<SignalType> {
    let type_entry = push_err(require(fields, "type", what, span, CODES), diagnostics)?;
    let type_name = push_err(
        expect_string(&type_entry.value, "`type`", CODES),
        diagnostics,
    )?;
    let values = get(fields, "values");
    let ty = match type_name.value.as_str() {
        "bool" => SignalType::Bool,
        "int" => SignalType::Int,
        "number" => SignalType::Number,
        "string" => SignalType::String,
        "list<string>" => SignalType::ListString,
        "list<int>" => SignalType::ListInt,
        "enum" => return read_enum(values, &type_name, what, diagnostics).map(SignalType::Enum),
        _ => {
            diagnostics.push(unknown_type(&type_name));
            return None;
        }
    };
    if let Some(values) = values {
        diagnostics.push(values_without_enum(values, &type_name));
    }
    Some(ty)
}

fn unknown_type(name: &Spanned<String>) -> Diagnostic {
    let message = format!("unknown signal type `{}`", name.value);
    let diagnostic = Diagnostic::error(UNKNOWN_TYPE, message, name.span, "not a signal type");
    let alias = TYPE_ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(&name.value))
        .map(|(_, ty)| *ty);
    let types = TYPE_NAMES.join(", ");
    match alias.or_else(|| suggest::nearest(&name.value, TYPE_NAMES)) {
        Some(nearest) => {
            diagnostic.with_help(format!("did you mean `{nearest}`? Types are {types}"))
        }
        None => diagnostic.with_help(format!("types are {types}")),
    }
}

fn values_without_enum(values: &Entry, type_name: &Spanned<String>) -> Diagnostic {
    let message = format!(
        "`values` is only allowed for `type: enum`, but this signal is `{}`",
        type_name.value
    );
    Diagnostic::error(
        VALUES_WITHOUT_ENUM,
        message,
        values.key.span,
        "`values` on a non-enum signal",
    )
    .with_help("change the type to `enum`, or remove `values`")
    .with_related(type_name.span, "declared type")
}

fn read_enum(
    values: Option<&Entry>,
    type_name: &Spanned<String>,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<String>> {
    let Some(values) = values else {
        diagnostics.push(enum_without_values(type_name.span, what));
        return None;
    };
    let list = push_err(
        expect_string_list(&values.value, "`values`", CODES),
        diagnostics,
    )?;
    if list.is_empty() {
        diagnostics.push(enum_without_values(values.value.span, what));
        return None;
    }
    diagnostics.extend(duplicate_values(&list));
    Some(list.into_iter().map(|value| value.value).collect())
}

fn enum_without_values(span: Span, what: &str) -> Diagnostic {
    let message = format!("{what} is an enum without values");
    Diagnostic::error(
        ENUM_WITHOUT_VALUES,
        message,
        span,
        "an enum needs its list of values",
    )
    .with_help("add `values: [A, B, ...]` listing every allowed value")
}

fn duplicate_values(values: &[Spanned<String>]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (position, value) in values.iter().enumerate() {
        let first = values
            .iter()
            .take(position)
            .find(|other| other.value == value.value);
        if let Some(first) = first {
            let message = format!("enum value `{}` is listed twice", value.value);
            let diagnostic = Diagnostic::error(
                DUPLICATE_ENUM_VALUE,
                message,
                value.span,
                "listed again here",
            )
            .with_help("remove the repeated value")
            .with_related(first.span, "first listed here");
            diagnostics.push(diagnostic);
        }
    }
    diagnostics
}

fn read_required(fields: &[Entry], diagnostics: &mut Vec<Diagnostic>) -> bool {
    let Some(entry) = get(fields, "required") else {
        return false;
    };
    match entry.value.as_bool() {
        Some(required) => required,
        None => {
            diagnostics.push(wrong_type(
                &entry.value,
                "`required`",
                "`true` or `false`",
                CODES,
            ));
            false
        }
    }
}

fn read_description(fields: &[Entry], diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let entry = get(fields, "description")?;
    match &entry.value.value {
        Value::String(text) => Some(text.clone()),
        _ => {
            diagnostics.push(wrong_type(&entry.value, "`description`", "a string", CODES));
            None
        }
    }
}

#[cfg(test)]
mod tests;
