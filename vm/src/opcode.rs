//! Opcode numbers of the bytecode. The numbers are part of the artifact format: changing one
//! needs a new format version, and the golden-bytes test pins them.

/// One byte per instruction kind; the operands that follow are listed per variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Opcode {
    /// `u32` signal id: push the signal's value, or `missing`.
    LoadSignal = 0x01,
    /// `u32` constant index: push the constant.
    PushConst = 0x02,
    /// `u32` control index: pop two values, push `lhs == rhs` as a truth.
    Eq = 0x10,
    Ne = 0x11,
    Gt = 0x12,
    Ge = 0x13,
    Lt = 0x14,
    Le = 0x15,
    In = 0x16,
    NotIn = 0x17,
    Contains = 0x18,
    /// `u32` signal id, `u32` control index: push whether the signal is present (never unknown).
    Exists = 0x20,
    /// No operand: pop a value, push its length (`missing` stays `missing`).
    Len = 0x21,
    /// `u32` control index: pop a bool value, push it as a truth (`missing` becomes unknown).
    Test = 0x30,
    /// No operand: pop a truth, push its negation (`not unknown = unknown`).
    Not = 0x31,
    /// No operand: pop two truths, push their three-valued conjunction.
    And = 0x32,
    /// No operand: pop two truths, push their three-valued disjunction.
    Or = 0x33,
    /// `u32` code position: jump when the top truth is false, leaving it on the stack.
    JumpIfFalse = 0x40,
    /// `u32` code position: jump when the top truth is true, leaving it on the stack.
    JumpIfTrue = 0x41,
    /// No operand: pop the condition's truth and end the policy.
    Return = 0x50,
}

impl Opcode {
    /// Every opcode, in numeric order.
    pub const ALL: [Opcode; 20] = [
        Opcode::LoadSignal,
        Opcode::PushConst,
        Opcode::Eq,
        Opcode::Ne,
        Opcode::Gt,
        Opcode::Ge,
        Opcode::Lt,
        Opcode::Le,
        Opcode::In,
        Opcode::NotIn,
        Opcode::Contains,
        Opcode::Exists,
        Opcode::Len,
        Opcode::Test,
        Opcode::Not,
        Opcode::And,
        Opcode::Or,
        Opcode::JumpIfFalse,
        Opcode::JumpIfTrue,
        Opcode::Return,
    ];

    /// Decodes an opcode byte; `None` for an unassigned number.
    pub fn from_byte(byte: u8) -> Option<Opcode> {
        Opcode::ALL.iter().copied().find(|op| *op as u8 == byte)
    }

    /// Lower-case mnemonic used by the disassembler.
    pub fn mnemonic(self) -> &'static str {
        match self {
            Opcode::LoadSignal => "load_signal",
            Opcode::PushConst => "push_const",
            Opcode::Eq => "eq",
            Opcode::Ne => "ne",
            Opcode::Gt => "gt",
            Opcode::Ge => "ge",
            Opcode::Lt => "lt",
            Opcode::Le => "le",
            Opcode::In => "in",
            Opcode::NotIn => "not_in",
            Opcode::Contains => "contains",
            Opcode::Exists => "exists",
            Opcode::Len => "len",
            Opcode::Test => "test",
            Opcode::Not => "not",
            Opcode::And => "and",
            Opcode::Or => "or",
            Opcode::JumpIfFalse => "jump_if_false",
            Opcode::JumpIfTrue => "jump_if_true",
            Opcode::Return => "return",
        }
    }
}
