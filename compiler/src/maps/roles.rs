//! The role map: which roles each Jira account or email holds, and which roles may override a
//! BLOCKED decision.

use super::{finish, map_error, MapError, CODES};
use crate::diagnostic::Diagnostic;
use crate::located_yaml::read::{
    expect_map, expect_string_list, get, parse_source, push_err, require, unknown_keys,
};
use crate::located_yaml::{Entry, Node, Value};
use crate::span::{SourceId, SourceMap, Span, Spanned};

pub(super) const UNUSED_OVERRIDE_ROLE: &str = "releasegate::maps::unused_override_role";

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RoleMap {
    pub members: Vec<Member>,
    /// Roles allowed to override a BLOCKED decision.
    pub override_roles: Vec<Spanned<String>>,
}

/// One `members:` entry: a Jira account id or an email address and its roles.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub id: Spanned<String>,
    pub roles: Vec<Spanned<String>>,
}

impl Member {
    /// Whether this entry names the account id, or the email ignoring ASCII case.
    fn is(&self, account_id: &str, email: &str) -> bool {
        let id = self.id.value.as_str();
        (!account_id.is_empty() && id == account_id)
            || (!email.is_empty() && id.eq_ignore_ascii_case(email))
    }
}

impl RoleMap {
    /// Parses and validates source `id`. `Ok` carries the warnings; `Err` carries every error and
    /// warning.
    pub fn parse(
        sources: &SourceMap,
        id: SourceId,
    ) -> Result<(RoleMap, Vec<Diagnostic>), Vec<Diagnostic>> {
        let root = parse_source(sources, id, CODES)?;
        let mut diagnostics = Vec::new();
        let map = read_map(&root, &mut diagnostics);
        let has_error = diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error);
        if let (Some(map), false) = (&map, has_error) {
            diagnostics.extend(map.unused_override_roles());
        }
        finish(map, diagnostics)
    }

    /// Parses a role map from YAML text, for callers without a source map. Warnings are dropped;
    /// the error lists every error with its line and column.
    pub fn parse_str(text: &str) -> Result<RoleMap, MapError> {
        let mut sources = SourceMap::new();
        let id = sources.add("roles.yaml", text);
        match RoleMap::parse(&sources, id) {
            Ok((map, _warnings)) => Ok(map),
            Err(diagnostics) => match sources.get(id) {
                Some(file) => Err(map_error("role map", file, &diagnostics)),
                None => Err(MapError("invalid role map".to_string())),
            },
        }
    }

    /// Returns the roles of every entry that names `account_id` or `email` (email ignoring ASCII
    /// case), without repeats, in file order. Empty arguments match nothing.
    pub fn roles_of(&self, account_id: &str, email: &str) -> Vec<String> {
        let mut roles: Vec<String> = Vec::new();
        let matching = self
            .members
            .iter()
            .filter(|member| member.is(account_id, email));
        for role in matching.flat_map(|member| &member.roles) {
            if !roles.contains(&role.value) {
                roles.push(role.value.clone());
            }
        }
        roles
    }

    /// Whether any of `roles` is an override role.
    pub fn may_override(&self, roles: &[String]) -> bool {
        roles.iter().any(|role| {
            self.override_roles
                .iter()
                .any(|allowed| &allowed.value == role)
        })
    }

    /// Warns about override roles that no member has, because no actor could use them.
    fn unused_override_roles(&self) -> Vec<Diagnostic> {
        let held = |role: &str| {
            self.members
                .iter()
                .flat_map(|m| &m.roles)
                .any(|r| r.value == role)
        };
        let unused = self.override_roles.iter().filter(|role| !held(&role.value));
        unused.map(unused_override_role).collect()
    }
}

fn unused_override_role(role: &Spanned<String>) -> Diagnostic {
    let message = format!("override role `{}` is held by no member", role.value);
    Diagnostic::warning(
        UNUSED_OVERRIDE_ROLE,
        message,
        role.span,
        "no member has this role",
    )
    .with_help("give the role to someone under `members:`, or check its spelling")
}

fn read_map(root: &Node, diagnostics: &mut Vec<Diagnostic>) -> Option<RoleMap> {
    if root.value == Value::Null {
        diagnostics.push(empty_file(root.span));
        return None;
    }
    let entries = push_err(expect_map(root, "the role map", CODES), diagnostics)?;
    diagnostics.extend(unknown_keys(
        entries,
        &["members", "override_roles"],
        "the role map",
        CODES,
    ));
    let members = push_err(
        require(entries, "members", "the role map", root.span, CODES),
        diagnostics,
    )?;
    let members = push_err(expect_map(&members.value, "`members`", CODES), diagnostics)?;
    let members = members
        .iter()
        .filter_map(|member| read_member(member, diagnostics))
        .collect();
    let override_roles = match get(entries, "override_roles") {
        Some(entry) => push_err(
            expect_string_list(&entry.value, "`override_roles`", CODES),
            diagnostics,
        )?,
        None => Vec::new(),
    };
    Some(RoleMap {
        members,
        override_roles,
    })
}

fn empty_file(span: Span) -> Diagnostic {
    Diagnostic::error(CODES.missing_key, "the role map is empty", span, "no `members:` here")
        .with_help("start the file with `members:` mapping account ids or emails to roles, then `override_roles:`")
}

fn read_member(entry: &Entry, diagnostics: &mut Vec<Diagnostic>) -> Option<Member> {
    let what = format!("the roles of `{}`", entry.key.value);
    let roles = push_err(expect_string_list(&entry.value, &what, CODES), diagnostics)?;
    Some(Member {
        id: entry.key.clone(),
        roles,
    })
}
