//! Signal types shared by the schema, the compiler and the artifact's signal table.

/// The declared type of a signal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SignalType {
    Bool,
    Int,
    Number,
    String,
    /// A string restricted to the listed values.
    Enum(Vec<String>),
    ListString,
    ListInt,
}

/// One entry of the signal table: a dotted name such as `risk.level`, its type and whether a
/// transition check must supply it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SignalDecl {
    pub name: String,
    pub ty: SignalType,
    pub required: bool,
}
