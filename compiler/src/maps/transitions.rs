//! The transition map: environment -> Jira project -> transition -> policy references.

use super::{finish, map_error, MapError, CODES};
use crate::ast::Policy;
use crate::diagnostic::Diagnostic;
use crate::located_yaml::read::{
    expect_map, expect_string_list, parse_source, push_err, require, unknown_keys,
};
use crate::located_yaml::{Entry, Node, Value};
use crate::span::{SourceId, SourceMap, Span, Spanned};
use crate::suggest;

/// The environments a transition check can name.
pub const ENVIRONMENTS: [&str; 4] = ["PRODUCTION", "STAGING", "DEV", "UNKNOWN"];

/// The project table used for every project that has no table of its own or no matching entry.
pub const DEFAULT_PROJECT: &str = "DEFAULT";

pub(super) const UNKNOWN_ENVIRONMENT: &str = "releasegate::maps::unknown_environment";
pub(super) const BAD_TRANSITION_KEY: &str = "releasegate::maps::bad_transition_key";
pub(super) const EMPTY_POLICY_LIST: &str = "releasegate::maps::empty_policy_list";
pub(super) const DUPLICATE_REFERENCE: &str = "releasegate::maps::duplicate_reference";
pub(super) const UNKNOWN_POLICY: &str = "releasegate::maps::unknown_policy";

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TransitionMap {
    pub environments: Vec<EnvironmentTable>,
}

/// The projects of one environment, such as `PRODUCTION`.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvironmentTable {
    pub name: Spanned<String>,
    pub projects: Vec<ProjectTable>,
}

/// The transitions of one Jira project key, or of `DEFAULT`.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectTable {
    pub key: Spanned<String>,
    pub entries: Vec<TransitionEntry>,
}

/// One transition key (an id such as `31`, `Source -> Target`, or a transition name) and the
/// policy references it runs.
#[derive(Clone, Debug, PartialEq)]
pub struct TransitionEntry {
    pub key: Spanned<String>,
    pub policies: Vec<String>,
    /// The span of each entry of `policies`, in the same order.
    pub policy_spans: Vec<Span>,
}

impl TransitionEntry {
    /// Returns `(source, target)` for a key of the form `Source -> Target`.
    pub fn status_pair(&self) -> Option<(&str, &str)> {
        let (source, target) = self.key.value.split_once("->")?;
        Some((source.trim(), target.trim()))
    }
}

impl TransitionMap {
    /// Parses and validates source `id`. `Ok` carries the warnings; `Err` carries every error and
    /// warning. Policy references are checked separately by [`TransitionMap::check_references`].
    pub fn parse(
        sources: &SourceMap,
        id: SourceId,
    ) -> Result<(TransitionMap, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (map, diagnostics) = TransitionMap::parse_partial(sources, id);
        finish(map, diagnostics)
    }

    /// Parses source `id` and returns every diagnostic with whatever part of the map could be
    /// read, so that `releasegate check` can still check the policy references of a map that has
    /// other errors. Entries with errors are left out of the map.
    pub fn parse_partial(
        sources: &SourceMap,
        id: SourceId,
    ) -> (Option<TransitionMap>, Vec<Diagnostic>) {
        let root = match parse_source(sources, id, CODES) {
            Ok(root) => root,
            Err(diagnostics) => return (None, diagnostics),
        };
        let mut diagnostics = Vec::new();
        let map = read_map(&root, &mut diagnostics);
        (map, diagnostics)
    }

    /// Parses a transition map from YAML text, for callers without a source map. Warnings are
    /// dropped; the error lists every error with its line and column.
    pub fn parse_str(text: &str) -> Result<TransitionMap, MapError> {
        let mut sources = SourceMap::new();
        let id = sources.add("transitions.yaml", text);
        match TransitionMap::parse(&sources, id) {
            Ok((map, _warnings)) => Ok(map),
            Err(diagnostics) => Err(error_for(&sources, id, &diagnostics)),
        }
    }

    /// Returns the policy references for a transition, or `None` when nothing matches.
    ///
    /// Looks in the `environment` table, in the `project_key` table when it has a matching entry
    /// and in `DEFAULT` otherwise. Inside a table the transition id wins over
    /// `source -> target`, which wins over the transition name. Ids match exactly; statuses and
    /// names match ignoring ASCII case and surrounding spaces. Empty arguments never match.
    pub fn lookup(
        &self,
        environment: &str,
        project_key: &str,
        transition_id: &str,
        source_status: &str,
        target_status: &str,
        transition_name: &str,
    ) -> Option<&[String]> {
        let table = self
            .environments
            .iter()
            .find(|table| table.name.value == environment)?;
        let query = Query {
            id: transition_id.trim(),
            source: source_status.trim(),
            target: target_status.trim(),
            name: transition_name.trim(),
        };
        let project = table
            .project(project_key)
            .and_then(|project| project.find(&query));
        project.or_else(|| {
            table
                .project(DEFAULT_PROJECT)
                .and_then(|project| project.find(&query))
        })
    }

    /// Iterates over every policy reference with its span.
    pub fn references(&self) -> impl Iterator<Item = (&str, Span)> {
        let entries = self
            .environments
            .iter()
            .flat_map(|e| &e.projects)
            .flat_map(|p| &p.entries);
        entries.flat_map(|entry| {
            entry
                .policies
                .iter()
                .map(String::as_str)
                .zip(entry.policy_spans.iter().copied())
        })
    }

    /// Reports every reference that matches no policy (see `vm::decision::policy_ref_matches`),
    /// with the nearest policy id or DSL policy name as a suggestion.
    pub fn check_references(&self, policies: &[Policy]) -> Vec<Diagnostic> {
        let names = reference_names(policies);
        let unknown = self.references().filter(|(reference, _)| {
            !policies
                .iter()
                .any(|policy| vm::decision::policy_ref_matches(reference, &policy.id.value))
        });
        unknown
            .map(|(reference, span)| unknown_policy(reference, span, &names))
            .collect()
    }
}

/// Every name a reference may use: policy ids and DSL policy names.
fn reference_names(policies: &[Policy]) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for policy in policies {
        let group = policy.group.as_ref().map(|group| group.value.as_str());
        for name in std::iter::once(policy.id.value.as_str()).chain(group) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

fn unknown_policy(reference: &str, span: Span, names: &[&str]) -> Diagnostic {
    let message = format!("transition map names unknown policy `{reference}`");
    let diagnostic = Diagnostic::error(UNKNOWN_POLICY, message, span, "no policy has this id");
    match suggest::nearest(reference, names.iter().copied()) {
        Some(nearest) => diagnostic.with_help(format!("did you mean `{nearest}`?")),
        None => diagnostic
            .with_help("use a policy_id, or the name of a DSL policy to run all of its rules"),
    }
}

fn error_for(sources: &SourceMap, id: SourceId, diagnostics: &[Diagnostic]) -> MapError {
    match sources.get(id) {
        Some(file) => map_error("transition map", file, diagnostics),
        None => MapError("invalid transition map".to_string()),
    }
}

struct Query<'a> {
    id: &'a str,
    source: &'a str,
    target: &'a str,
    name: &'a str,
}

impl EnvironmentTable {
    fn project(&self, key: &str) -> Option<&ProjectTable> {
        self.projects
            .iter()
            .find(|project| project.key.value == key)
    }
}

impl ProjectTable {
    fn find(&self, query: &Query) -> Option<&[String]> {
        let by_id =
            |entry: &&TransitionEntry| !query.id.is_empty() && entry.key.value.trim() == query.id;
        let by_statuses = |entry: &&TransitionEntry| {
            let same = |a: &str, b: &str| !b.is_empty() && a.eq_ignore_ascii_case(b);
            entry.status_pair().is_some_and(|(source, target)| {
                same(source, query.source) && same(target, query.target)
            })
        };
        let by_name = |entry: &&TransitionEntry| {
            !query.name.is_empty() && entry.key.value.trim().eq_ignore_ascii_case(query.name)
        };
        let found = self.entries.iter().find(by_id);
        let found = found.or_else(|| self.entries.iter().find(by_statuses));
        let found = found.or_else(|| self.entries.iter().find(by_name));
        found.map(|entry| entry.policies.as_slice())
    }
}

fn read_map(root: &Node, diagnostics: &mut Vec<Diagnostic>) -> Option<TransitionMap> {
    if root.value == Value::Null {
        diagnostics.push(empty_file(root.span));
        return None;
    }
    let entries = push_err(expect_map(root, "the transition map", CODES), diagnostics)?;
    diagnostics.extend(unknown_keys(
        entries,
        &["transitions"],
        "the transition map",
        CODES,
    ));
    let transitions = push_err(
        require(
            entries,
            "transitions",
            "the transition map",
            root.span,
            CODES,
        ),
        diagnostics,
    )?;
    let environments = push_err(
        expect_map(&transitions.value, "`transitions`", CODES),
        diagnostics,
    )?;
    let environments = environments
        .iter()
        .filter_map(|entry| read_environment(entry, diagnostics))
        .collect();
    Some(TransitionMap { environments })
}

fn empty_file(span: Span) -> Diagnostic {
    Diagnostic::error(CODES.missing_key, "the transition map is empty", span, "no `transitions:` here")
        .with_help("start the file with `transitions:` and map environments to projects to transitions to policy ids")
}

fn read_environment(entry: &Entry, diagnostics: &mut Vec<Diagnostic>) -> Option<EnvironmentTable> {
    if !ENVIRONMENTS.contains(&entry.key.value.as_str()) {
        diagnostics.push(unknown_environment(&entry.key));
    }
    let what = format!("environment `{}`", entry.key.value);
    let projects = push_err(expect_map(&entry.value, &what, CODES), diagnostics)?;
    let projects = projects
        .iter()
        .filter_map(|project| read_project(project, diagnostics))
        .collect();
    Some(EnvironmentTable {
        name: entry.key.clone(),
        projects,
    })
}

fn unknown_environment(name: &Spanned<String>) -> Diagnostic {
    let message = format!("unknown environment `{}`", name.value);
    let diagnostic = Diagnostic::error(
        UNKNOWN_ENVIRONMENT,
        message,
        name.span,
        "not an environment",
    );
    let allowed = ENVIRONMENTS.join(", ");
    match suggest_environment(&name.value) {
        Some(nearest) => diagnostic.with_help(format!(
            "did you mean `{nearest}`? Environments are {allowed}"
        )),
        None => diagnostic.with_help(format!("environments are {allowed}")),
    }
}

/// Suggests an environment by edit distance, or by a shared prefix of at least three letters so
/// that abbreviations such as `PROD` and `STAGE` find `PRODUCTION` and `STAGING`.
fn suggest_environment(name: &str) -> Option<&'static str> {
    if let Some(nearest) = suggest::nearest(name, ENVIRONMENTS) {
        return Some(nearest);
    }
    let upper = name.to_ascii_uppercase();
    let shared = |candidate: &&str| {
        upper
            .chars()
            .zip(candidate.chars())
            .take_while(|(a, b)| a == b)
            .count()
    };
    let best = ENVIRONMENTS
        .iter()
        .max_by_key(|candidate| shared(candidate))?;
    (shared(best) >= 3).then_some(*best)
}

fn read_project(entry: &Entry, diagnostics: &mut Vec<Diagnostic>) -> Option<ProjectTable> {
    let what = format!("project `{}`", entry.key.value);
    let transitions = push_err(expect_map(&entry.value, &what, CODES), diagnostics)?;
    let entries = transitions
        .iter()
        .filter_map(|transition| read_transition(transition, diagnostics))
        .collect();
    Some(ProjectTable {
        key: entry.key.clone(),
        entries,
    })
}

fn read_transition(entry: &Entry, diagnostics: &mut Vec<Diagnostic>) -> Option<TransitionEntry> {
    check_transition_key(&entry.key, diagnostics);
    let what = format!("transition `{}`", entry.key.value);
    let references = push_err(expect_string_list(&entry.value, &what, CODES), diagnostics)?;
    if references.is_empty() {
        diagnostics.push(empty_policy_list(entry));
    }
    diagnostics.extend(duplicate_references(&references));
    let policy_spans = references.iter().map(|reference| reference.span).collect();
    let policies = references
        .into_iter()
        .map(|reference| reference.value)
        .collect();
    Some(TransitionEntry {
        key: entry.key.clone(),
        policies,
        policy_spans,
    })
}

fn check_transition_key(key: &Spanned<String>, diagnostics: &mut Vec<Diagnostic>) {
    let text = key.value.trim();
    let broken_pair = text.split_once("->").is_some_and(|(source, target)| {
        source.trim().is_empty() || target.trim().is_empty() || target.contains("->")
    });
    if text.is_empty() || broken_pair {
        let message = format!("invalid transition key `{}`", key.value);
        let diagnostic = Diagnostic::error(
            BAD_TRANSITION_KEY,
            message,
            key.span,
            "not an id, a name or `Source -> Target`",
        )
        .with_help(
            "write a transition id such as \"31\", a name, or \"Source status -> Target status\"",
        );
        diagnostics.push(diagnostic);
    }
}

fn empty_policy_list(entry: &Entry) -> Diagnostic {
    let message = format!("transition `{}` runs no policies", entry.key.value);
    Diagnostic::warning(EMPTY_POLICY_LIST, message, entry.value.span, "empty list").with_help(
        "list policy ids, or remove the entry; an unmapped transition gives NO_POLICIES_MAPPED",
    )
}

fn duplicate_references(references: &[Spanned<String>]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (position, reference) in references.iter().enumerate() {
        let earlier = references
            .iter()
            .take(position)
            .find(|other| other.value == reference.value);
        if let Some(first) = earlier {
            let message = format!(
                "policy `{}` is listed twice for this transition",
                reference.value
            );
            let diagnostic = Diagnostic::warning(
                DUPLICATE_REFERENCE,
                message,
                reference.span,
                "listed again here",
            )
            .with_help("remove the repeated entry; a policy runs once per check")
            .with_related(first.span, "first listed here");
            diagnostics.push(diagnostic);
        }
    }
    diagnostics
}
