//! Typed input frames: one slot per signal of the bundle, decoded from JSON in one pass.
//!
//! The input is an object whose keys are signal names, either nested (`{"risk":{"level":"HIGH"}}`)
//! or dotted (`{"risk.level":"HIGH"}`), or a mix of both. Keys that are neither a signal nor a
//! prefix of one are skipped without being decoded into a tree. `null` means missing.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::InputError;
use crate::ids::SignalId;
use crate::signal::{SignalDecl, SignalType};
use crate::value::Value;

/// The input of one evaluation: slot `i` contains signal `SignalId(i)`, `None` when missing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    slots: Vec<Option<Value>>,
}

impl Frame {
    /// Returns a frame with every one of `len` signals missing.
    pub fn empty(len: usize) -> Frame {
        Frame { slots: vec![None; len] }
    }

    pub fn get(&self, id: SignalId) -> Option<&Value> {
        self.slots.get(id.index()).and_then(Option::as_ref)
    }

    /// Sets or clears a slot; ids outside the frame are ignored.
    pub fn set(&mut self, id: SignalId, value: Option<Value>) {
        if let Some(slot) = self.slots.get_mut(id.index()) {
            *slot = value;
        }
    }

    /// Returns the present signals in signal-table order.
    pub fn present(&self) -> impl Iterator<Item = (SignalId, &Value)> {
        self.slots.iter().enumerate().filter_map(|(i, slot)| {
            let id = SignalId(u32::try_from(i).ok()?);
            slot.as_ref().map(|value| (id, value))
        })
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

/// Name lookup for frame decoding: full signal names and every dotted prefix of them.
#[derive(Clone, Debug, Default)]
pub(crate) struct SignalIndex {
    by_name: HashMap<String, SignalId>,
    prefixes: HashSet<String>,
}

impl SignalIndex {
    pub(crate) fn new(signals: &[SignalDecl]) -> SignalIndex {
        let mut index = SignalIndex::default();
        for (i, decl) in signals.iter().enumerate() {
            let id = SignalId(u32::try_from(i).unwrap_or(u32::MAX));
            index.by_name.insert(decl.name.clone(), id);
            let mut end = 0;
            while let Some(dot) = decl.name.get(end..).and_then(|rest| rest.find('.')) {
                end += dot;
                index.prefixes.insert(decl.name.get(..end).unwrap_or_default().to_string());
                end += 1;
            }
        }
        index
    }

    pub(crate) fn lookup(&self, name: &str) -> Option<SignalId> {
        self.by_name.get(name).copied()
    }
}

/// Decodes a JSON text into a frame in one pass.
pub(crate) fn decode_json(index: &SignalIndex, signals: &[SignalDecl], text: &str) -> Result<Frame, InputError> {
    let mut state = DecodeState::new(index, signals);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let result = ObjectSeed { state: &mut state, prefix_len: 0 }.deserialize(&mut deserializer);
    let result = result.and_then(|()| deserializer.end());
    state.finish(result.map_err(|e| e.to_string()))
}

/// Decodes an already parsed JSON value into a frame.
pub(crate) fn decode_value(
    index: &SignalIndex,
    signals: &[SignalDecl],
    value: &serde_json::Value,
) -> Result<Frame, InputError> {
    let mut state = DecodeState::new(index, signals);
    let result = ObjectSeed { state: &mut state, prefix_len: 0 }.deserialize(value);
    state.finish(result.map_err(|e| e.to_string()))
}

struct DecodeState<'a> {
    index: &'a SignalIndex,
    signals: &'a [SignalDecl],
    slots: Vec<Option<Value>>,
    /// The dotted name of the key being decoded, built in place so that keys cost no allocation.
    path: String,
    /// The typed error behind a serde error, so the caller gets a precise [`InputError`].
    error: Option<InputError>,
}

impl<'a> DecodeState<'a> {
    fn new(index: &'a SignalIndex, signals: &'a [SignalDecl]) -> DecodeState<'a> {
        DecodeState { index, signals, slots: vec![None; signals.len()], path: String::new(), error: None }
    }

    fn finish(self, result: Result<(), String>) -> Result<Frame, InputError> {
        match (result, self.error) {
            (Ok(()), _) => Ok(Frame { slots: self.slots }),
            (Err(_), Some(error)) => Err(error),
            (Err(message), None) => Err(InputError::Json(message)),
        }
    }

    fn fail<E: de::Error>(&mut self, error: InputError) -> E {
        let message = error.to_string();
        self.error = Some(error);
        E::custom(message)
    }

    fn store<E: de::Error>(&mut self, id: SignalId, value: Value) -> Result<(), E> {
        match self.slots.get_mut(id.index()) {
            Some(slot @ None) => {
                *slot = Some(value);
                Ok(())
            }
            Some(Some(_)) => {
                let signal = self.signals.get(id.index()).map(|d| d.name.clone()).unwrap_or_default();
                Err(self.fail(InputError::Duplicate { signal }))
            }
            None => Ok(()),
        }
    }
}

/// Visits an object whose keys are signal names relative to the first `prefix_len` bytes of
/// the state's path (empty at the top, `risk.` inside `{"risk": {...}}`).
struct ObjectSeed<'s, 'a> {
    state: &'s mut DecodeState<'a>,
    prefix_len: usize,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of signals")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        let prefix_len = self.prefix_len;
        while map.next_key_seed(KeySeed { path: &mut self.state.path, prefix_len })?.is_some() {
            if let Some(id) = self.state.index.lookup(&self.state.path) {
                let decl = self.state.signals.get(id.index());
                let value = map.next_value_seed(SlotSeed { state: self.state, decl })?;
                if let Some(value) = value {
                    self.state.store(id, value)?;
                }
            } else if self.state.index.prefixes.contains(self.state.path.as_str()) {
                self.state.path.push('.');
                let prefix_len = self.state.path.len();
                map.next_value_seed(ObjectSeed { state: self.state, prefix_len })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    // A null group (`"risk": null`) leaves its signals unset, but the input itself must be an
    // object.
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        match self.prefix_len {
            0 => Err(self.not_object("null")),
            _ => Ok(()),
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(self.not_object("a bool"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(self.not_object("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(self.not_object("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(self.not_object("a number"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(self.not_object("a string"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.not_object("an array"))
    }
}

impl ObjectSeed<'_, '_> {
    fn not_object<E: de::Error>(self, found: &str) -> E {
        let prefix = self.state.path.get(..self.prefix_len).unwrap_or_default();
        let path = match prefix.strip_suffix('.') {
            Some(path) => path.to_string(),
            None => "input".to_string(),
        };
        self.state.fail(InputError::NotAnObject { path, found: found.to_string() })
    }
}

/// Reads an object key and writes the full dotted name into the path, after the prefix.
struct KeySeed<'s> {
    path: &'s mut String,
    prefix_len: usize,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a signal name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<(), E> {
        self.path.truncate(self.prefix_len);
        self.path.push_str(key);
        Ok(())
    }
}

/// Decodes one signal's value according to its declared type.
struct SlotSeed<'s, 'a> {
    state: &'s mut DecodeState<'a>,
    decl: Option<&'a SignalDecl>,
}

impl<'de> DeserializeSeed<'de> for SlotSeed<'_, '_> {
    type Value = Option<Value>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Option<Value>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

fn expected(ty: &SignalType) -> String {
    match ty {
        SignalType::Bool => "a bool".into(),
        SignalType::Int => "an integer".into(),
        SignalType::Number => "a number".into(),
        SignalType::String => "a string".into(),
        SignalType::Enum(values) => format!("one of {}", values.join(", ")),
        SignalType::ListString => "a list of strings".into(),
        SignalType::ListInt => "a list of integers".into(),
    }
}

impl SlotSeed<'_, '_> {
    fn ty(&self) -> &SignalType {
        self.decl.map_or(&SignalType::Bool, |d| &d.ty)
    }

    fn wrong<E: de::Error>(self, found: String) -> E {
        let signal = self.decl.map(|d| d.name.clone()).unwrap_or_default();
        let expected = expected(self.ty());
        self.state.fail(InputError::WrongType { signal, expected, found })
    }

    fn number<E: de::Error>(self, number: Number) -> Result<Option<Value>, E> {
        match (self.ty(), number.as_int()) {
            (SignalType::Number, _) => Ok(Some(Value::Number(number.as_f64()))),
            (SignalType::Int, Some(int)) => Ok(Some(Value::Int(int))),
            _ => Err(self.wrong(format!("the number {}", number))),
        }
    }
}

impl<'de> Visitor<'de> for SlotSeed<'_, '_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&expected(self.ty()))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Option<Value>, E> {
        match self.ty() {
            SignalType::Bool => Ok(Some(Value::Bool(value))),
            _ => Err(self.wrong(format!("the bool {value}"))),
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Option<Value>, E> {
        self.number(Number::Int(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Option<Value>, E> {
        match i64::try_from(value) {
            Ok(int) => self.number(Number::Int(int)),
            Err(_) => self.number(Number::Float(value as f64)),
        }
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Option<Value>, E> {
        self.number(Number::Float(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Option<Value>, E> {
        match self.ty() {
            SignalType::String => Ok(Some(Value::String(value.to_string()))),
            SignalType::Enum(values) if values.iter().any(|v| v == value) => {
                Ok(Some(Value::String(value.to_string())))
            }
            SignalType::Enum(values) => {
                let signal = self.decl.map(|d| d.name.clone()).unwrap_or_default();
                let allowed = values.join(", ");
                Err(self.state.fail(InputError::NotInEnum { signal, value: value.to_string(), allowed }))
            }
            _ => Err(self.wrong(format!("the string {value:?}"))),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<Value>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<Value>, E> {
        Ok(None)
    }

    fn visit_map<M: MapAccess<'de>>(self, _: M) -> Result<Option<Value>, M::Error> {
        Err(self.wrong("an object".into()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Value>, A::Error> {
        let mut strings = Vec::new();
        let mut ints = Vec::new();
        while let Some(element) = seq.next_element::<Element>()? {
            match (self.ty(), element) {
                (SignalType::ListString, Element::String(s)) => strings.push(s),
                (SignalType::ListInt, Element::Number(n)) if n.as_int().is_some() => {
                    ints.push(n.as_int().unwrap_or_default());
                }
                (_, element) => return Err(self.wrong(format!("a list holding {}", element.describe()))),
            }
        }
        match self.ty() {
            SignalType::ListString => Ok(Some(Value::ListString(strings))),
            SignalType::ListInt => Ok(Some(Value::ListInt(ints))),
            _ => Err(self.wrong("a list".into())),
        }
    }
}

#[derive(Clone, Copy)]
enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    /// Returns the integer value, also for a decimal with no fractional part such as `3.0`.
    fn as_int(self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(i),
            Number::Float(f) if f.fract() == 0.0 && (-9.2e18..=9.2e18).contains(&f) => Some(f as i64),
            Number::Float(_) => None,
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}

/// One element of a list signal; anything but a string or a number is kept only by kind.
enum Element {
    String(String),
    Number(Number),
    Other(&'static str),
}

impl Element {
    fn describe(&self) -> String {
        match self {
            Element::String(s) => format!("the string {s:?}"),
            Element::Number(n) => format!("the number {n}"),
            Element::Other(kind) => (*kind).to_string(),
        }
    }
}

impl<'de> de::Deserialize<'de> for Element {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Element, D::Error> {
        deserializer.deserialize_any(ElementVisitor)
    }
}

struct ElementVisitor;

impl<'de> Visitor<'de> for ElementVisitor {
    type Value = Element;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list element")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Element, E> {
        Ok(Element::Other("a bool"))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Element, E> {
        Ok(Element::Number(Number::Int(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Element, E> {
        Ok(Element::Number(i64::try_from(value).map_or(Number::Float(value as f64), Number::Int)))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Element, E> {
        Ok(Element::Number(Number::Float(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Element, E> {
        Ok(Element::String(value.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Element, E> {
        Ok(Element::Other("null"))
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Element, M::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Element::Other("an object"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Element, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Element::Other("an array"))
    }
}
