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
    /// (`{"key": ..., "value": {...}}`), its value object, or a bare level string.
    ///
    /// The level comes from `risk_level`, `releasegate_risk` or `level`; without any, it is
    /// classified from the counters in `metrics`. Returns `None` when neither is usable.
    pub fn from_property(value: &Value, source: &str) -> Option<RiskMetadata> {
        if let Value::String(text) = value {
            return RiskLevel::parse(text).map(|level| RiskMetadata::from_level(level, source));
        }
        let object = value.as_object()?;
        if let Some(inner) = object.get("value").filter(|inner| inner.is_object()) {
            return RiskMetadata::from_property(inner, source);
        }
        let counters = counters_of(object.get("metrics").unwrap_or(value));
        let level = ["risk_level", "releasegate_risk", "level"]
            .iter()
            .find_map(|key| {
                object
                    .get(*key)
                    .and_then(Value::as_str)
                    .and_then(RiskLevel::parse)
            })
            .or_else(|| counters.map(ChangeCounters::classify))?;
        let score = ["risk_score", "score"]
            .iter()
            .find_map(|key| object.get(*key).and_then(Value::as_i64))
            .unwrap_or_else(|| level.default_score());
        Some(RiskMetadata {
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
        assert!(RiskMetadata::from_property(&json!({"x": 1}), "request").is_none());
    }
}
