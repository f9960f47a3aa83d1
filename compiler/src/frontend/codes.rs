//! Stable diagnostic codes of the front ends. Tests and CI scripts match on these strings, so
//! they never change once released.

pub const PARSE_SYNTAX: &str = "releasegate::parse::syntax";
pub const PARSE_UNTERMINATED_STRING: &str = "releasegate::parse::unterminated_string";
pub const PARSE_UNKNOWN_OPERATOR: &str = "releasegate::parse::unknown_operator";
pub const PARSE_UNKNOWN_KEYWORD: &str = "releasegate::parse::unknown_keyword";
pub const PARSE_UNEXPECTED_EOF: &str = "releasegate::parse::unexpected_eof";
pub const PARSE_UNKNOWN_FUNCTION: &str = "releasegate::parse::unknown_function";
pub const PARSE_INVALID_NUMBER: &str = "releasegate::parse::invalid_number";
pub const PARSE_TOO_DEEP: &str = "releasegate::parse::nesting_too_deep";
pub const YAML_SYNTAX: &str = "releasegate::yaml::syntax";
pub const JSON_SYNTAX: &str = "releasegate::json::syntax";
pub const POLICY_UNKNOWN_KEY: &str = "releasegate::policy::unknown_key";
pub const POLICY_DUPLICATE_KEY: &str = "releasegate::policy::duplicate_key";
pub const POLICY_MISSING_KEY: &str = "releasegate::policy::missing_key";
pub const POLICY_WRONG_TYPE: &str = "releasegate::policy::wrong_type";
pub const POLICY_INVALID_VALUE: &str = "releasegate::policy::invalid_value";
pub const POLICY_NO_CONDITION: &str = "releasegate::policy::no_condition";
pub const POLICY_EMPTY_FILE: &str = "releasegate::policy::empty_file";
pub const IO_NOT_UTF8: &str = "releasegate::io::not_utf8";
pub const IO_READ_FAILED: &str = "releasegate::io::read_failed";

/// Every code above, for documentation and for tests that check each one is reachable.
pub const ALL: [&str; 19] = [
    PARSE_SYNTAX,
    PARSE_UNTERMINATED_STRING,
    PARSE_UNKNOWN_OPERATOR,
    PARSE_UNKNOWN_KEYWORD,
    PARSE_UNEXPECTED_EOF,
    PARSE_UNKNOWN_FUNCTION,
    PARSE_INVALID_NUMBER,
    YAML_SYNTAX,
    JSON_SYNTAX,
    POLICY_UNKNOWN_KEY,
    POLICY_DUPLICATE_KEY,
    POLICY_MISSING_KEY,
    POLICY_WRONG_TYPE,
    POLICY_INVALID_VALUE,
    POLICY_NO_CONDITION,
    POLICY_EMPTY_FILE,
    IO_NOT_UTF8,
    IO_READ_FAILED,
    PARSE_TOO_DEEP,
];
