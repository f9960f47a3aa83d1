//! The 16-row truth table over the rule's four comparisons. Each row sits on the boundary of
//! every comparison (`approvals.count` 1 or 2, `change.changed_files` 51 or 50), so an engine
//! that got `<` or `>` wrong disagrees on some row.

/// One row: the four comparison results and the JSON input that produces them.
#[derive(Clone, Debug)]
pub struct Row {
    pub risk_high: bool,
    pub few_approvals: bool,
    pub many_files: bool,
    pub production: bool,
    pub input: String,
}

impl Row {
    /// Builds the row whose comparisons have the given results.
    pub fn new(risk_high: bool, few_approvals: bool, many_files: bool, production: bool) -> Row {
        let level = if risk_high { "HIGH" } else { "MEDIUM" };
        let approvals = if few_approvals { 1 } else { 2 };
        let files = if many_files { 51 } else { 50 };
        let environment = if production { "production" } else { "staging" };
        let input = format!(
            r#"{{"risk":{{"level":"{level}"}},"approvals":{{"count":{approvals}}},"change":{{"changed_files":{files}}},"environment":"{environment}"}}"#
        );
        Row { risk_high, few_approvals, many_files, production, input }
    }

    /// The decision the rule must reach on this row: true means BLOCK.
    pub fn expected(&self) -> bool {
        (self.risk_high && self.few_approvals) || (self.many_files && self.production)
    }
}

/// Returns all 16 combinations, in binary order of (risk, approvals, files, environment).
pub fn rows() -> Vec<Row> {
    (0u8..16)
        .map(|bits| Row::new(bits & 8 != 0, bits & 4 != 0, bits & 2 != 0, bits & 1 != 0))
        .collect()
}
