//! Query-string parsing (`a=1&b=x%20y`).

use std::collections::BTreeMap;

/// Splits a request URL into its path and decoded query parameters; a repeated key keeps the last
/// value.
pub fn split_url(url: &str) -> (String, BTreeMap<String, String>) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params = BTreeMap::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        params.insert(percent_decode(key), percent_decode(value));
    }
    (path.to_string(), params)
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
        assert_eq!(params["repo"], "acme/x");
        assert_eq!(params["q"], "a b");
        assert_eq!(params["bad"], "%zz");
    }
}
