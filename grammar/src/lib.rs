//! pest grammar for the ReleaseGate policy DSL and its expression language.
