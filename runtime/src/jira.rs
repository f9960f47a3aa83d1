//! Optional Jira Cloud client: reads the `releasegate_risk` issue property over REST.
//!
//! Configured by `JIRA_BASE_URL`, `JIRA_EMAIL` and `JIRA_API_TOKEN`. Both `http://` and `https://`
//! base URLs work (TLS through rustls with the bundled web PKI roots).

use std::time::Duration;

use base64::Engine;

use crate::risk::{RiskMetadata, RiskPropertyError};

/// How long one property read may take, connect included.
pub const JIRA_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Clone)]
pub struct JiraConfig {
    /// For example `https://acme.atlassian.net`, without a trailing slash.
    pub base_url: String,
    pub email: Option<String>,
    pub api_token: Option<String>,
}

impl std::fmt::Debug for JiraConfig {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("JiraConfig")
            .field("base_url", &self.base_url)
            .field("email", &self.email)
            .field("api_token", &self.api_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl JiraConfig {
    /// Reads the configuration from the environment; `None` when `JIRA_BASE_URL` is unset or empty.
    pub fn from_env() -> Option<JiraConfig> {
        let base_url = std::env::var("JIRA_BASE_URL")
            .ok()
            .filter(|url| !url.is_empty())?;
        Some(JiraConfig {
            base_url: base_url.trim_end_matches('/').to_string(),
            email: std::env::var("JIRA_EMAIL")
                .ok()
                .filter(|text| !text.is_empty()),
            api_token: std::env::var("JIRA_API_TOKEN")
                .ok()
                .filter(|text| !text.is_empty()),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JiraError {
    #[error("Jira request for {issue_key} failed: {message}")]
    Transport { issue_key: String, message: String },
    #[error("Jira returned status {status} for the risk property of {issue_key}")]
    Status { issue_key: String, status: u16 },
    #[error("Jira returned an unreadable risk property for {issue_key}: {message}")]
    Body { issue_key: String, message: String },
    #[error("Jira returned an invalid risk property for {issue_key}: {error}")]
    Property {
        issue_key: String,
        error: RiskPropertyError,
    },
}

pub struct JiraClient {
    config: JiraConfig,
    agent: ureq::Agent,
}

impl JiraClient {
    pub fn new(config: JiraConfig) -> JiraClient {
        let agent = ureq::AgentBuilder::new()
            .timeout(JIRA_TIMEOUT)
            .redirects(0)
            .build();
        JiraClient { config, agent }
    }

    /// Reads the risk property of `issue_key`; `Ok(None)` when the issue has none (404). A
    /// property with an invalid level, or with neither a level nor counters, is an error.
    pub fn risk_property(&self, issue_key: &str) -> Result<Option<RiskMetadata>, JiraError> {
        let url = format!(
            "{}/rest/api/3/issue/{issue_key}/properties/releasegate_risk",
            self.config.base_url
        );
        let mut request = self.agent.get(&url).set("Accept", "application/json");
        if let Some(header) = self.authorization() {
            request = request.set("Authorization", &header);
        }
        let response = match request.call() {
            Ok(response) => response,
            Err(ureq::Error::Status(404, _)) => return Ok(None),
            Err(ureq::Error::Status(status, _)) => {
                return Err(JiraError::Status {
                    issue_key: issue_key.to_string(),
                    status,
                })
            }
            Err(error) => {
                return Err(JiraError::Transport {
                    issue_key: issue_key.to_string(),
                    message: error.to_string(),
                })
            }
        };
        let body_error = |message: String| JiraError::Body {
            issue_key: issue_key.to_string(),
            message,
        };
        let text = response
            .into_string()
            .map_err(|error| body_error(error.to_string()))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|error| body_error(error.to_string()))?;
        RiskMetadata::from_property(&value, "jira")
            .map(Some)
            .map_err(|error| JiraError::Property {
                issue_key: issue_key.to_string(),
                error,
            })
    }

    /// Basic auth from `JIRA_EMAIL:JIRA_API_TOKEN`, when both are set.
    fn authorization(&self) -> Option<String> {
        let email = self.config.email.as_ref()?;
        let token = self.config.api_token.as_ref()?;
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{email}:{token}"));
        Some(format!("Basic {encoded}"))
    }
}
