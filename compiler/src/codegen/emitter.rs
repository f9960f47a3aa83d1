//! Per-policy code emitter state. The node kinds are emitted in `emit_logic` (conditions),
//! `emit_compare` (comparisons and calls) and `emit_value` (operands).

use vm::ids::{CodePos, ControlIdx};
use vm::instr::Instr;
use vm::program::Control;

use super::constants::ConstantPool;
use super::labels::{Label, LabelRegistry};
use super::signals::SignalTable;
use crate::ast::Expr;
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// Code and controls of one compiled condition.
pub(crate) struct EmittedCode {
    pub(crate) code: Vec<Instr>,
    pub(crate) controls: Vec<Control>,
}

pub(crate) struct Emitter<'a> {
    pub(crate) signals: &'a SignalTable,
    pub(crate) pool: &'a mut ConstantPool,
    pub(crate) code: Vec<Instr>,
    pub(crate) controls: Vec<Control>,
    pub(crate) labels: LabelRegistry,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> Emitter<'a> {
    pub(crate) fn new(signals: &'a SignalTable, pool: &'a mut ConstantPool) -> Emitter<'a> {
        Emitter {
            signals,
            pool,
            code: Vec::new(),
            controls: Vec::new(),
            labels: LabelRegistry::default(),
            diagnostics: Vec::new(),
        }
    }

    /// Compiles a policy condition into code that leaves one truth and returns it.
    pub(crate) fn emit_policy(mut self, condition: &Expr) -> Result<EmittedCode, Vec<Diagnostic>> {
        self.condition(condition);
        self.emit(Instr::Return);

        let mut code = self.code;
        let unbound = self.labels.patch(&mut code);
        if let Some(label) = unbound.first() {
            let message = format!("internal error: jump label {} was never bound", label.0);
            self.diagnostics.push(Diagnostic::error(CODE_INTERNAL, message, condition.span, "in this condition"));
        }
        match self.diagnostics.is_empty() {
            true => Ok(EmittedCode { code, controls: self.controls }),
            false => Err(self.diagnostics),
        }
    }

    pub(crate) fn emit(&mut self, instr: Instr) {
        self.code.push(instr);
    }

    pub(crate) fn emit_jump(&mut self, make: fn(CodePos) -> Instr, label: Label) {
        self.labels.refer(self.code.len(), label);
        self.emit(make(CodePos(u32::MAX)));
    }

    pub(crate) fn bind(&mut self, label: Label) {
        let pos = CodePos(u32::try_from(self.code.len()).unwrap_or(u32::MAX));
        self.labels.bind(label, pos);
    }

    pub(crate) fn add_control(&mut self, control: Control) -> ControlIdx {
        self.controls.push(control);
        ControlIdx(u32::try_from(self.controls.len() - 1).unwrap_or(u32::MAX))
    }

    pub(crate) fn error(&mut self, code: &'static str, message: String, span: Span, label: &str) {
        self.diagnostics.push(Diagnostic::error(code, message, span, label));
    }
}

pub(crate) const CODE_INTERNAL: &str = "releasegate::codegen::internal";
pub(crate) const CODE_UNKNOWN_SIGNAL: &str = "releasegate::codegen::unknown_signal";
pub(crate) const CODE_NOT_A_CONDITION: &str = "releasegate::codegen::not_a_condition";
pub(crate) const CODE_BAD_LIST: &str = "releasegate::codegen::invalid_list";
pub(crate) const CODE_BAD_CALL: &str = "releasegate::codegen::invalid_call";
pub(crate) const CODE_DUPLICATE_POLICY: &str = "releasegate::codegen::duplicate_policy";
