//! A loaded, verified bundle: the entry point for the runtime and the CLI.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::artifact::hash::to_hex;
use crate::artifact::read_artifact;
use crate::decision::policy_ref_matches;
use crate::error::{InputError, LoadError};
use crate::fuse::{fuse, Op};
use crate::frame::{decode_json, decode_value, Frame, SignalIndex};
use crate::ids::{PolicyIdx, SignalId};
use crate::interp::{evaluate_policy, EvalOptions, Scratch};
use crate::labels::PolicyLabels;
use crate::outcome::PolicyResult;
use crate::policy_info::PolicyInfo;
use crate::program::Program;
use crate::signal::SignalDecl;

#[derive(Clone, Debug)]
pub struct Bundle {
    program: Program,
    infos: Vec<PolicyInfo>,
    labels: Vec<Arc<PolicyLabels>>,
    /// Each policy's code in the interpreter's fused form.
    fused: Vec<Vec<Op>>,
    bundle_hash: String,
    artifact_sha256: String,
    format_version: u16,
    index: SignalIndex,
}

impl Bundle {
    /// Parses and verifies artifact bytes: magic, format version, artifact hash, every index
    /// and jump, the stack discipline of every policy, and each policy and bundle hash.
    pub fn from_bytes(bytes: &[u8]) -> Result<Bundle, LoadError> {
        let loaded = read_artifact(bytes)?;
        let infos = loaded
            .program
            .policies
            .iter()
            .zip(&loaded.policy_hashes)
            .map(|(policy, hash)| PolicyInfo::new(policy, to_hex(hash)))
            .collect::<Vec<_>>();
        let labels =
            loaded.program.policies.iter().zip(&infos).map(|(policy, info)| Arc::new(PolicyLabels::new(policy, &info.policy_hash))).collect();
        let fused = loaded.program.policies.iter().map(|policy| fuse(&policy.code)).collect();
        Ok(Bundle {
            labels,
            fused,
            index: SignalIndex::new(&loaded.program.signals),
            program: loaded.program,
            infos,
            bundle_hash: to_hex(&loaded.bundle_hash),
            artifact_sha256: to_hex(&loaded.artifact_sha256),
            format_version: loaded.format_version,
        })
    }

    /// Hex SHA-256 over the sorted `(policy_id, version, policy_hash)` list.
    pub fn bundle_hash(&self) -> &str {
        &self.bundle_hash
    }

    /// Hex SHA-256 of the artifact bytes (the value stored in its header).
    pub fn artifact_sha256(&self) -> &str {
        &self.artifact_sha256
    }

    pub fn format_version(&self) -> u16 {
        self.format_version
    }

    pub fn compiler_version(&self) -> &str {
        &self.program.compiler_version
    }

    /// Returns the policy table, sorted by id; `PolicyIdx(i)` is position `i`.
    pub fn policies(&self) -> &[PolicyInfo] {
        &self.infos
    }

    /// Returns the signal table, sorted by name; `SignalId(i)` is position `i`.
    pub fn signals(&self) -> &[SignalDecl] {
        &self.program.signals
    }

    pub fn program(&self) -> &Program {
        &self.program
    }

    pub fn signal_id(&self, name: &str) -> Option<SignalId> {
        self.index.lookup(name)
    }

    pub fn policy_index(&self, id: &str) -> Option<PolicyIdx> {
        let position = self.infos.binary_search_by(|info| info.id.as_str().cmp(id)).ok()?;
        u32::try_from(position).ok().map(PolicyIdx)
    }

    /// Returns every policy a transition-map reference names: the exact id, or all rules
    /// `NAME.R1..Rn` of a DSL policy `NAME`. Empty when nothing matches.
    pub fn resolve_ref(&self, reference: &str) -> Vec<PolicyIdx> {
        self.all_policies()
            .into_iter()
            .filter(|idx| self.infos.get(idx.index()).is_some_and(|info| policy_ref_matches(reference, &info.id)))
            .collect()
    }

    /// Returns every policy of the bundle, in table order.
    pub fn all_policies(&self) -> Vec<PolicyIdx> {
        (0..self.infos.len()).filter_map(|i| u32::try_from(i).ok().map(PolicyIdx)).collect()
    }

    /// Decodes a JSON input text in one pass into typed signal slots.
    pub fn frame_from_json(&self, text: &str) -> Result<Frame, InputError> {
        decode_json(&self.index, &self.program.signals, text)
    }

    /// Decodes an already parsed JSON value into typed signal slots.
    pub fn frame_from_value(&self, value: &serde_json::Value) -> Result<Frame, InputError> {
        decode_value(&self.index, &self.program.signals, value)
    }

    /// Returns the present signals of a frame as `name -> JSON value`, sorted by name.
    pub fn snapshot(&self, frame: &Frame) -> BTreeMap<String, serde_json::Value> {
        frame
            .present()
            .filter_map(|(id, value)| {
                let decl = self.program.signals.get(id.index())?;
                Some((decl.name.clone(), value.to_json()))
            })
            .collect()
    }

    /// Evaluates the given policies in the given order; an index outside the table is skipped.
    /// Disabled policies give DISABLED without running.
    pub fn evaluate(&self, frame: &Frame, policies: &[PolicyIdx], options: &EvalOptions) -> Vec<PolicyResult> {
        let mut results = Vec::with_capacity(policies.len());
        let mut scratch = Scratch::default();
        for idx in policies {
            let i = idx.index();
            let (Some(policy), Some(ops), Some(labels)) =
                (self.program.policies.get(i), self.fused.get(i), self.labels.get(i))
            else {
                continue;
            };
            results.push(evaluate_policy(&self.program, policy, ops, labels, frame, options, &mut scratch));
        }
        results
    }
}
