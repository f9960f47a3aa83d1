//! The bundle's signal table: every schema signal, sorted by name.

use vm::ids::SignalId;
use vm::signal::SignalDecl;

#[derive(Clone, Debug)]
pub(crate) struct SignalTable {
    decls: Vec<SignalDecl>,
}

impl SignalTable {
    pub(crate) fn new(decls: &[SignalDecl]) -> SignalTable {
        let mut decls = decls.to_vec();
        decls.sort_by(|a, b| a.name.cmp(&b.name));
        decls.dedup_by(|a, b| a.name == b.name);
        SignalTable { decls }
    }

    pub(crate) fn lookup(&self, name: &str) -> Option<SignalId> {
        let position = self.decls.binary_search_by(|d| d.name.as_str().cmp(name)).ok()?;
        u32::try_from(position).ok().map(SignalId)
    }

    pub(crate) fn into_vec(self) -> Vec<SignalDecl> {
        self.decls
    }
}
