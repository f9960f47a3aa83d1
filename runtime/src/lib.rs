//! ReleaseGate runtime: transition checks, the hash-chained ledger, overrides, export and HTTP.
