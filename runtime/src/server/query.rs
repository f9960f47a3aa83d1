//! Query-string parsing (`a=1&b=x%20y`).

use std::collections::BTreeMap;

/// The decoded parameters of a query string, each with every value it was given, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    params: BTreeMap<String, Vec<String>>,
}

/// A query parameter that an endpoint rejects before reading any value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    pub param: String,
    pub message: String,
}

impl Query {
    /// Returns the value of `name`. [`Query::check_params`] rejects a repeated parameter, so
    /// callers run it first and this returns the only value.
    pub fn get(&self, name: &str) -> Option<&String> {
        self.params.get(name).and_then(|values| values.last())
    }

    /// Checks that every parameter is one of `known` and is given once. A repeated parameter is
    /// rejected because a proxy or a log reader that keeps the first value and a server that
    /// keeps the last one would disagree on what was requested.
    pub fn check_params(&self, known: &[&str]) -> Result<(), QueryError> {
        for (name, values) in &self.params {
            if !known.contains(&name.as_str()) {
                let expected = match known {
                    [] => "this endpoint takes no query parameters".to_string(),
                    _ => format!("expected one of: {}", known.join(", ")),
                };
                return Err(QueryError {
                    param: name.clone(),
                    message: format!("unknown query parameter `{name}`; {expected}"),
                });
            }
            if values.len() > 1 {
                return Err(QueryError {
                    param: name.clone(),
                    message: format!(
                        "query parameter `{name}` is given {} times; give it once",
                        values.len()
                    ),
                });
            }
        }
        Ok(())
    }
}

/// Splits a request URL into its path and decoded query parameters.
pub fn split_url(url: &str) -> (String, Query) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        params
            .entry(percent_decode(key))
            .or_default()
            .push(percent_decode(value));
    }
    (path.to_string(), Query { params })
}

/// Decodes `%XX` escapes and `+` as space; invalid escapes stay as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let escaped = (byte == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (byte, escaped) {
            (_, Some(value)) => {
                decoded.push(value);
                index += 3;
            }
            (b'+', None) => {
                decoded.push(b' ');
                index += 1;
            }
            (other, None) => {
                decoded.push(other);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_decodes() {
        let (path, params) = split_url("/audit/export?repo=acme%2Fx&format=csv&q=a+b&bad=%zz");
        assert_eq!(path, "/audit/export");
        assert_eq!(params.get("repo").map(String::as_str), Some("acme/x"));
        assert_eq!(params.get("q").map(String::as_str), Some("a b"));
        assert_eq!(params.get("bad").map(String::as_str), Some("%zz"));
    }

    #[test]
    fn check_params_rejects_repeated() {
        let (_, params) = split_url("/audit/export?repo=a&format=csv&re%70o=b");
        let error = params.check_params(&["repo", "format"]).err();
        assert_eq!(error.as_ref().map(|e| e.param.as_str()), Some("repo"));
        let message = error.map(|e| e.message).unwrap_or_default();
        assert_eq!(
            message,
            "query parameter `repo` is given 2 times; give it once"
        );
    }

    #[test]
    fn check_params_rejects_unknown() {
        let (_, params) = split_url("/audit/ledger/verify?repo=a&verbose=1");
        let error = params.check_params(&["repo"]).err();
        assert_eq!(error.as_ref().map(|e| e.param.as_str()), Some("verbose"));
        let message = error.map(|e| e.message).unwrap_or_default();
        assert_eq!(
            message,
            "unknown query parameter `verbose`; expected one of: repo"
        );
        assert_eq!(params.check_params(&["repo", "verbose"]), Ok(()));
    }
}
