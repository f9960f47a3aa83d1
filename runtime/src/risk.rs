//! Risk metadata: classification from pull request counters and the `releasegate_risk` issue
//! property shape.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Risk levels, lowest first. Counters produce LOW, MEDIUM or HIGH; CRITICAL can only be attached
/// by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    Critical,
}

impl RiskLevel {
    pub fn parse(text: &str) -> Option<RiskLevel> {
        match text.trim().to_ascii_uppercase().as_str() {
            "LOW" => Some(RiskLevel::Low),
            "MEDIUM" => Some(RiskLevel::Medium),
            "HIGH" => Some(RiskLevel::High),
            "CRITICAL" => Some(RiskLevel::Critical),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "LOW",
            RiskLevel::Medium => "MEDIUM",
            RiskLevel::High => "HIGH",
            RiskLevel::Critical => "CRITICAL",
        }
    }

    /// Returns the score reported with a level: 25, 60, 85, and 95 for CRITICAL.
    pub fn default_score(self) -> i64 {
        match self {
            RiskLevel::Low => 25,
            RiskLevel::Medium => 60,
            RiskLevel::High => 85,
            RiskLevel::Critical => 95,
        }
    }
}

/// Pull request size counters, as GitHub reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeCounters {
    pub changed_files: u64,
    pub additions: u64,
    pub deletions: u64,
}

/// Largest accepted counter. Counters become `int` signals (64-bit signed), and two of them are
/// added for `change.total_churn`, so each must stay at or below half of `i64::MAX`.
pub const MAX_COUNTER: u64 = (i64::MAX / 2) as u64;

impl ChangeCounters {
    /// Returns the name of the first counter above [`MAX_COUNTER`], if any.
    pub fn out_of_range(self) -> Option<&'static str> {
        [
            ("changed_files", self.changed_files),
            ("additions", self.additions),
            ("deletions", self.deletions),
        ]
        .into_iter()
        .find(|(_, value)| *value > MAX_COUNTER)
        .map(|(name, _)| name)
    }

    pub fn total_churn(self) -> u64 {
        self.additions.saturating_add(self.deletions)
    }

    /// HIGH if more than 20 files changed or the churn exceeds 800 lines; MEDIUM if more than 300
    /// lines were added; LOW otherwise.
    pub fn classify(self) -> RiskLevel {
        if self.changed_files > 20 || self.total_churn() > 800 {
            RiskLevel::High
        } else if self.additions > 300 {
            RiskLevel::Medium
        } else {
            RiskLevel::Low
        }
    }
}

/// Risk metadata attached to one Jira issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RiskMetadata {
    pub level: RiskLevel,
    pub score: i64,
    pub counters: Option<ChangeCounters>,
    /// Origin of the metadata: `github`, `manual`, `jira` or `request`.
    pub source: String,
    pub repo: Option<String>,
    pub pr_number: Option<u64>,
    /// The GitHub login of the pull request's author, used for separation-of-duties checks.
    pub pr_author: Option<String>,
    pub computed_at: Option<String>,
}

impl RiskMetadata {
    /// Classifies counters into metadata with the level's score.
    pub fn from_counters(counters: ChangeCounters, source: &str) -> RiskMetadata {
        let level = counters.classify();
        RiskMetadata {
            level,
            score: level.default_score(),
            counters: Some(counters),
            source: source.to_string(),
            repo: None,
            pr_number: None,
            pr_author: None,
            computed_at: None,
        }
    }

    /// Metadata carrying only a level, for example attached by hand.
    pub fn from_level(level: RiskLevel, source: &str) -> RiskMetadata {
        RiskMetadata {
            level,
            score: level.default_score(),
            counters: None,
            source: source.to_string(),
            repo: None,
            pr_number: None,
            pr_author: None,
            computed_at: None,
        }
    }

    /// Reads the `releasegate_risk` issue property, leniently: the whole property
    /// (`{"key": ..., "value": ...}`), its value object, or a bare level string.
    ///
    /// The level comes from `risk_level`, `releasegate_risk` or `level`; without any, it is
    /// classified from the counters in `metrics`. A level key that is present (and not `null`)
    /// must hold a level, so a misspelt level is an error instead of a silent fallback.
    pub fn from_property(value: &Value, source: &str) -> Result<RiskMetadata, RiskPropertyError> {
        property_at(value, source, "")
    }

    /// The issue property value this metadata is stored and published as.
    pub fn to_property(&self) -> Value {
        let metrics = self.counters.map(|counters| {
            json!({
                "changed_files_count": counters.changed_files,
                "additions": counters.additions,
                "deletions": counters.deletions,
                "total_churn": counters.total_churn(),
            })
        });
        json!({
            "releasegate_risk": self.level.as_str(),
            "risk_level": self.level.as_str(),
            "risk_score": self.score,
            "source": self.source,
            "repo": self.repo,
            "pr_number": self.pr_number,
            "pr_author": self.pr_author,
            "computed_at": self.computed_at,
            "metrics": metrics,
        })
    }
}

/// The level keys of the issue property, in the order they are read.
const LEVEL_KEYS: [&str; 3] = ["risk_level", "releasegate_risk", "level"];

/// A `releasegate_risk` property value from which no risk metadata can be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RiskPropertyError {
    /// A value at `path` (empty for a bare string) that is not a risk level. `value` is its
    /// JSON text, shortened.
    InvalidLevel { path: String, value: String },
    /// An object at `path` without a level key or a complete set of counters in `metrics`.
    NoLevelOrCounters { path: String },
}

impl RiskPropertyError {
    /// Returns the dotted path of the bad value inside the property, empty for the property
    /// itself.
    pub fn path(&self) -> &str {
        match self {
            RiskPropertyError::InvalidLevel { path, .. } => path,
            RiskPropertyError::NoLevelOrCounters { path } => path,
        }
    }

    /// Describes the problem without the path.
    pub fn problem(&self) -> String {
        match self {
            RiskPropertyError::InvalidLevel { value, .. } => format!(
                "{value} is not a risk level; expected one of LOW, MEDIUM, HIGH, CRITICAL (any case)"
            ),
            RiskPropertyError::NoLevelOrCounters { .. } => format!(
                "no risk level and no metrics counters; expected one of {} set to LOW, MEDIUM, \
                 HIGH or CRITICAL, or `metrics` with changed_files_count (or changed_files), \
                 additions and deletions",
                LEVEL_KEYS.join(", ")
            ),
        }
    }
}

impl std::fmt::Display for RiskPropertyError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.path() {
            "" => formatter.write_str(&self.problem()),
            path => write!(formatter, "`{path}`: {}", self.problem()),
        }
    }
}

impl std::error::Error for RiskPropertyError {}

/// Reads the property value found at `path` (dotted, empty at the top).
fn property_at(value: &Value, source: &str, path: &str) -> Result<RiskMetadata, RiskPropertyError> {
    let object = match value {
        Value::String(_) => {
            let level = parse_level(value, path)?;
            return Ok(RiskMetadata::from_level(level, source));
        }
        Value::Object(object) => object,
        _ => {
            return Err(RiskPropertyError::NoLevelOrCounters {
                path: path.to_string(),
            })
        }
    };
    if let Some(inner) = object
        .get("value")
        .filter(|inner| inner.is_object() || inner.is_string())
    {
        return property_at(inner, source, &join_path(path, "value"));
    }
    let counters = counters_of(object.get("metrics").unwrap_or(value));
    let mut level = None;
    for key in LEVEL_KEYS {
        match object.get(key) {
            None | Some(Value::Null) => {}
            Some(found) => {
                let parsed = parse_level(found, &join_path(path, key))?;
                level = level.or(Some(parsed));
            }
        }
    }
    let level = level
        .or_else(|| counters.map(ChangeCounters::classify))
        .ok_or_else(|| RiskPropertyError::NoLevelOrCounters {
            path: path.to_string(),
        })?;
    let score = ["risk_score", "score"]
        .iter()
        .find_map(|key| object.get(*key).and_then(Value::as_i64))
        .unwrap_or_else(|| level.default_score());
    Ok(RiskMetadata {
        level,
        score,
        counters,
        source: text_field(object, "source").unwrap_or_else(|| source.to_string()),
        repo: text_field(object, "repo"),
        pr_number: object.get("pr_number").and_then(Value::as_u64),
        pr_author: text_field(object, "pr_author"),
        computed_at: text_field(object, "computed_at"),
    })
}

fn parse_level(value: &Value, path: &str) -> Result<RiskLevel, RiskPropertyError> {
    value
        .as_str()
        .and_then(RiskLevel::parse)
        .ok_or_else(|| RiskPropertyError::InvalidLevel {
            path: path.to_string(),
            value: shortened_json(value),
        })
}

fn join_path(path: &str, key: &str) -> String {
    match path {
        "" => key.to_string(),
        _ => format!("{path}.{key}"),
    }
}

/// Longest JSON text of a bad value that an error message repeats, in characters.
const MAX_QUOTED_CHARS: usize = 64;

/// Returns the JSON text of `value`, cut to [`MAX_QUOTED_CHARS`] characters with `…`, so that
/// an error or a log line stays short when the value is large.
pub(crate) fn shortened_json(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text,
    }
}

fn text_field(object: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Reads counters from a `metrics` object; `changed_files_count` and `changed_files` are both
/// accepted.
fn counters_of(value: &Value) -> Option<ChangeCounters> {
    let object = value.as_object()?;
    let changed_files = ["changed_files_count", "changed_files"]
        .iter()
        .find_map(|key| object.get(*key).and_then(Value::as_u64))?;
    Some(ChangeCounters {
        changed_files,
        additions: object.get("additions").and_then(Value::as_u64)?,
        deletions: object.get("deletions").and_then(Value::as_u64)?,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn counters(changed_files: u64, additions: u64, deletions: u64) -> ChangeCounters {
        ChangeCounters {
            changed_files,
            additions,
            deletions,
        }
    }

    #[test]
    fn classify_thresholds() {
        assert_eq!(counters(21, 0, 0).classify(), RiskLevel::High);
        assert_eq!(counters(20, 400, 401).classify(), RiskLevel::High);
        assert_eq!(counters(20, 400, 400).classify(), RiskLevel::Medium);
        assert_eq!(counters(20, 301, 0).classify(), RiskLevel::Medium);
        assert_eq!(counters(20, 300, 500).classify(), RiskLevel::Low);
    }

    #[test]
    fn reads_issue_property_shape() {
        let property = json!({"key": "releasegate_risk", "value": {
            "risk_level": "HIGH", "risk_score": 85, "repo": "acme/x", "pr_number": 912,
            "metrics": {"changed_files_count": 27, "additions": 1184, "deletions": 203, "total_churn": 1387}}});
        let risk = RiskMetadata::from_property(&property, "jira").unwrap();
        assert_eq!(risk.level, RiskLevel::High);
        assert_eq!(risk.score, 85);
        assert_eq!(risk.counters.unwrap().total_churn(), 1387);
        assert_eq!(risk.pr_number, Some(912));
    }

    #[test]
    fn classifies_property_without_level() {
        let value = json!({"metrics": {"changed_files": 2, "additions": 310, "deletions": 1}});
        let risk = RiskMetadata::from_property(&value, "request").unwrap();
        assert_eq!(risk.level, RiskLevel::Medium);
        assert_eq!(risk.score, 60);
        let error = RiskMetadata::from_property(&json!({"x": 1}), "request").unwrap_err();
        assert_eq!(
            error,
            RiskPropertyError::NoLevelOrCounters {
                path: String::new()
            }
        );
    }

    #[test]
    fn invalid_level_names_value() {
        // (property value, path of the bad value, its JSON text).
        let cases = [
            (json!("EXTREME"), "", r#""EXTREME""#),
            (
                json!({"risk_level": "EXTREME"}),
                "risk_level",
                r#""EXTREME""#,
            ),
            (
                json!({"value": {"risk_level": "EXTREME"}}),
                "value.risk_level",
                r#""EXTREME""#,
            ),
            (
                json!({"key": "releasegate_risk", "value": "severe"}),
                "value",
                r#""severe""#,
            ),
            (json!({"risk_level": "HIGH", "level": 3}), "level", "3"),
        ];
        for (value, path, text) in cases {
            let error = RiskMetadata::from_property(&value, "request").unwrap_err();
            assert_eq!(error.path(), path, "{value}");
            let message = error.to_string();
            assert!(
                message.contains(&format!("{text} is not a risk level")),
                "{message}"
            );
            assert!(message.contains("LOW, MEDIUM, HIGH, CRITICAL"), "{message}");
        }
    }

    #[test]
    fn long_invalid_level_is_shortened() {
        let value = json!("X".repeat(500));
        let message = RiskMetadata::from_property(&value, "request")
            .unwrap_err()
            .to_string();
        assert!(
            message.contains(&format!("\"{}…", "X".repeat(63))),
            "{message}"
        );
        assert!(message.len() < 200, "{message}");
    }

    #[test]
    fn null_level_key_is_absent() {
        let value = json!({"risk_level": null, "releasegate_risk": "high"});
        let risk = RiskMetadata::from_property(&value, "request").unwrap();
        assert_eq!(risk.level, RiskLevel::High);
    }
}
