//! A line-based outline of block-style YAML: where each mapping key, sequence item and inline
//! value sits in the text. It only locates things; serde_yaml decides what the values are.

/// One block mapping key (`key: ...`) or block sequence item (`- ...`).
#[derive(Clone, Debug)]
pub struct OutlineEntry {
    /// The key text with quotes removed, or `None` for a sequence item.
    pub key: Option<String>,
    /// Column of the key or of the item's `-`.
    pub indent: usize,
    /// Bytes of the key including its quotes, or of the `-` of an item.
    pub key_range: (usize, usize),
    /// Bytes of the value written on the same line, comment removed; empty when the value is a
    /// nested block. Multi-line flow collections and quoted strings extend it over their lines.
    pub inline: (usize, usize),
    /// End of the last line that belongs to this entry, nested lines included.
    pub region_end: usize,
    pub children: Vec<usize>,
}

impl OutlineEntry {
    /// Bytes of the value: the inline text, or the nested block when there is none.
    pub fn value_range(&self, outline: &Outline) -> (usize, usize) {
        if self.inline.0 < self.inline.1 {
            return self.inline;
        }
        match self
            .children
            .first()
            .and_then(|first| outline.entry(*first))
        {
            Some(first) => (first.key_range.0, self.region_end),
            None => self.continuation(outline),
        }
    }

    /// Returns the bytes of a value written on the lines below its key without being a block
    /// mapping or sequence, such as a flow list on the next line, or the key when there is none.
    fn continuation(&self, outline: &Outline) -> (usize, usize) {
        let after_key = outline
            .text
            .get(self.key_range.1..self.region_end)
            .unwrap_or("");
        let value = after_key.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
        let start = self.region_end - value.len();
        match start < self.region_end && self.key.is_some() {
            true => (start, self.region_end),
            false => self.key_range,
        }
    }
}

/// All entries of one file. Entry 0 is a virtual root whose children are the top-level keys.
#[derive(Debug)]
pub struct Outline {
    entries: Vec<OutlineEntry>,
    text: String,
}

impl Outline {
    pub fn entry(&self, index: usize) -> Option<&OutlineEntry> {
        self.entries.get(index)
    }

    pub fn root(&self) -> usize {
        0
    }

    /// Returns the first child of `parent` whose key is `key`.
    pub fn child(&self, parent: usize, key: &str) -> Option<usize> {
        let parent = self.entry(parent)?;
        parent
            .children
            .iter()
            .copied()
            .find(|&child| self.entry(child).and_then(|entry| entry.key.as_deref()) == Some(key))
    }

    /// Returns the sequence items directly below `parent`, in order.
    pub fn items(&self, parent: usize) -> Vec<usize> {
        let Some(parent) = self.entry(parent) else {
            return Vec::new();
        };
        let is_item = |child: &usize| self.entry(*child).is_some_and(|entry| entry.key.is_none());
        parent.children.iter().copied().filter(is_item).collect()
    }

    /// Lists every key written twice in the same block mapping as `(second, first)` entries.
    pub fn duplicate_keys(&self) -> Vec<(usize, usize)> {
        let mut duplicates = Vec::new();
        for entry in &self.entries {
            for (position, &child) in entry.children.iter().enumerate() {
                let Some(key) = self.entry(child).and_then(|e| e.key.as_deref()) else {
                    continue;
                };
                let earlier = entry.children.iter().take(position).copied();
                let first = earlier
                    .into_iter()
                    .find(|&other| self.entry(other).and_then(|e| e.key.as_deref()) == Some(key));
                if let Some(first) = first {
                    duplicates.push((child, first));
                }
            }
        }
        duplicates
    }
}

/// Builds the outline of `text`.
pub fn outline(text: &str) -> Outline {
    let root = OutlineEntry {
        key: None,
        indent: 0,
        key_range: (0, 0),
        inline: (0, 0),
        region_end: text.len(),
        children: Vec::new(),
    };
    let mut builder = Builder {
        text,
        entries: vec![root],
        stack: Vec::new(),
    };
    let lines = line_ranges(text);
    let mut index = 0;
    while let Some(&(start, end)) = lines.get(index) {
        index += 1;
        let consumed = builder.line(start, end, lines.get(index..).unwrap_or(&[]));
        index += consumed;
    }
    Outline {
        entries: builder.entries,
        text: text.to_string(),
    }
}

/// Byte ranges of the lines of `text`, without their line breaks.
fn line_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for (offset, byte) in text.bytes().enumerate() {
        if byte == b'\n' {
            let end = if offset > start && text.as_bytes().get(offset - 1) == Some(&b'\r') {
                offset - 1
            } else {
                offset
            };
            ranges.push((start, end));
            start = offset + 1;
        }
    }
    if start < text.len() {
        ranges.push((start, text.len()));
    }
    ranges
}

struct Builder<'a> {
    text: &'a str,
    entries: Vec<OutlineEntry>,
    /// Open entries, outermost first, as indexes into `entries`.
    stack: Vec<usize>,
}

impl Builder<'_> {
    /// Reads one line and returns how many of the following lines it consumed (block scalars,
    /// multi-line flow collections and quoted strings).
    fn line(&mut self, start: usize, end: usize, rest: &[(usize, usize)]) -> usize {
        let line = self.text.get(start..end).unwrap_or("");
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') || is_document_marker(content) {
            return 0;
        }
        self.extend_open(end);
        let parsed = parse_line(content, start + indent);
        match parsed {
            Some(parsed) => self.push_line(indent, parsed, rest),
            None => 0,
        }
    }

    fn extend_open(&mut self, end: usize) {
        for &open in &self.stack {
            if let Some(entry) = self.entries.get_mut(open) {
                entry.region_end = end;
            }
        }
    }

    fn push_line(&mut self, indent: usize, parsed: ParsedLine, rest: &[(usize, usize)]) -> usize {
        let is_item = parsed.key.is_none();
        self.close(indent, is_item);
        let parent = self.stack.last().copied().unwrap_or(0);
        let (inline, consumed, region_end) = self.inline_value(indent, parsed.inline, rest);
        let index = self.add(parent, indent, &parsed, inline, region_end);
        self.stack.push(index);
        if let Some(nested) = parsed.nested {
            let nested_indent = nested.key_range.0 - (parsed.key_range.0 - indent);
            let (inline, _, region_end) = self.inline_value(nested_indent, nested.inline, &[]);
            let child = self.add(index, nested_indent, &nested, inline, region_end);
            self.stack.push(child);
        }
        consumed
    }

    fn add(
        &mut self,
        parent: usize,
        indent: usize,
        parsed: &ParsedLine,
        inline: (usize, usize),
        region_end: usize,
    ) -> usize {
        let index = self.entries.len();
        self.entries.push(OutlineEntry {
            key: parsed.key.clone(),
            indent,
            key_range: parsed.key_range,
            inline,
            region_end: region_end.max(inline.1).max(parsed.key_range.1),
            children: Vec::new(),
        });
        if let Some(parent) = self.entries.get_mut(parent) {
            parent.children.push(index);
        }
        index
    }

    /// Pops the entries that a line at `indent` closes. A sequence item may sit at the same
    /// column as the key that owns the sequence, so it does not close a key without inline value.
    fn close(&mut self, indent: usize, is_item: bool) {
        while let Some(&top) = self.stack.last() {
            let Some(entry) = self.entries.get(top) else {
                break;
            };
            let owns_item = is_item && entry.key.is_some() && entry.inline.0 == entry.inline.1;
            let closes = entry.indent > indent || (entry.indent == indent && !owns_item);
            if !closes {
                break;
            }
            self.stack.pop();
        }
    }

    /// Returns the inline value range, the number of following lines it spans and the end of
    /// the last such line.
    fn inline_value(
        &self,
        indent: usize,
        inline: (usize, usize),
        rest: &[(usize, usize)],
    ) -> ((usize, usize), usize, usize) {
        let text = self.text.get(inline.0..inline.1).unwrap_or("");
        if text.starts_with('|') || text.starts_with('>') {
            let consumed = self.block_scalar_lines(indent, rest);
            let end = last_end(rest, consumed).unwrap_or(inline.1);
            return (inline, consumed, end);
        }
        let mut state = Balance::default();
        state.scan(text);
        if state.is_closed() {
            return (inline, 0, inline.1);
        }
        let mut consumed = 0;
        for &(start, end) in rest {
            consumed += 1;
            state.scan(self.text.get(start..end).unwrap_or(""));
            if state.is_closed() {
                break;
            }
        }
        let end = last_end(rest, consumed).unwrap_or(inline.1);
        ((inline.0, end), consumed, end)
    }

    fn block_scalar_lines(&self, indent: usize, rest: &[(usize, usize)]) -> usize {
        let mut consumed = 0;
        for (count, &(start, end)) in rest.iter().enumerate() {
            let line = self.text.get(start..end).unwrap_or("");
            let content = line.trim_start_matches(' ');
            if content.is_empty() {
                continue;
            }
            if line.len() - content.len() <= indent {
                break;
            }
            consumed = count + 1;
        }
        consumed
    }
}

fn last_end(rest: &[(usize, usize)], consumed: usize) -> Option<usize> {
    let last = consumed.checked_sub(1)?;
    rest.get(last).map(|&(_, end)| end)
}

fn is_document_marker(content: &str) -> bool {
    content == "---" || content == "..." || content.starts_with("--- ") || content.starts_with("%")
}

/// Open brackets and quotes while scanning a flow value that may continue on later lines.
#[derive(Default)]
struct Balance {
    depth: i32,
    double: bool,
    single: bool,
    escaped: bool,
}

impl Balance {
    fn scan(&mut self, text: &str) {
        for c in text.chars() {
            self.step(c);
        }
    }

    fn step(&mut self, c: char) {
        if self.double {
            match c {
                _ if self.escaped => self.escaped = false,
                '\\' => self.escaped = true,
                '"' => self.double = false,
                _ => {}
            }
            return;
        }
        if self.single {
            self.single = c != '\'';
            return;
        }
        match c {
            '"' => self.double = true,
            '\'' => self.single = true,
            '[' | '{' => self.depth += 1,
            ']' | '}' => self.depth -= 1,
            _ => {}
        }
    }

    fn is_closed(&self) -> bool {
        self.depth <= 0 && !self.double && !self.single
    }
}

/// A key line or an item line, with absolute byte ranges.
#[derive(Debug)]
struct ParsedLine {
    key: Option<String>,
    key_range: (usize, usize),
    inline: (usize, usize),
    /// For `- key: value`, the key inside the item.
    nested: Option<Box<ParsedLine>>,
}

/// Parses the content of a line that starts at byte `offset` (indentation removed).
fn parse_line(content: &str, offset: usize) -> Option<ParsedLine> {
    if content == "-" || content.starts_with("- ") {
        return Some(parse_item(content, offset));
    }
    parse_key(content, offset)
}

fn parse_item(content: &str, offset: usize) -> ParsedLine {
    let after_dash = content.get(1..).unwrap_or("");
    let value = after_dash.trim_start_matches(' ');
    let value_offset = offset + 1 + (after_dash.len() - value.len());
    let nested = match value.starts_with("- ") {
        true => None,
        false => parse_key(value, value_offset).map(Box::new),
    };
    let inline = trim_value(value, value_offset);
    ParsedLine {
        key: None,
        key_range: (offset, offset + 1),
        inline,
        nested,
    }
}

fn parse_key(content: &str, offset: usize) -> Option<ParsedLine> {
    let (key, key_len) = match content.chars().next()? {
        '"' => double_quoted(content)?,
        '\'' => single_quoted(content)?,
        '[' | '{' | '#' | '&' | '*' | '!' | '|' | '>' | '%' | '@' | '`' | '?' => return None,
        _ => plain_key(content)?,
    };
    let after_key = content.get(key_len..)?;
    let after_spaces = after_key.trim_start_matches(' ');
    let rest = after_spaces.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
        return None;
    }
    let value_start = content.len() - rest.len();
    let value = rest.trim_start_matches([' ', '\t']);
    let inline = trim_value(value, offset + value_start + (rest.len() - value.len()));
    Some(ParsedLine {
        key: Some(key),
        key_range: (offset, offset + key_len),
        inline,
        nested: None,
    })
}

/// Returns the key of a plain (unquoted) key and its length in bytes.
fn plain_key(content: &str) -> Option<(String, usize)> {
    let mut previous = ' ';
    for (position, c) in content.char_indices() {
        if c == '#' && previous == ' ' {
            return None;
        }
        let next = content
            .get(position + 1..)
            .and_then(|rest| rest.chars().next());
        if c == ':' && matches!(next, None | Some(' ' | '\t')) {
            let key = content.get(..position)?.trim_end();
            return Some((key.to_string(), key.len()));
        }
        previous = c;
    }
    None
}

fn double_quoted(content: &str) -> Option<(String, usize)> {
    let mut key = String::new();
    let mut escaped = false;
    for (position, c) in content.char_indices().skip(1) {
        match c {
            _ if escaped => {
                key.push(c);
                escaped = false;
            }
            '\\' => escaped = true,
            '"' => return Some((key, position + 1)),
            _ => key.push(c),
        }
    }
    None
}

fn single_quoted(content: &str) -> Option<(String, usize)> {
    let inner = content.get(1..)?;
    let mut key = String::new();
    let mut chars = inner.char_indices().peekable();
    while let Some((position, c)) = chars.next() {
        if c != '\'' {
            key.push(c);
            continue;
        }
        if chars.peek().map(|&(_, n)| n) == Some('\'') {
            key.push('\'');
            chars.next();
            continue;
        }
        return Some((key, position + 2));
    }
    None
}

/// Returns the byte range of `value` (starting at `offset`) without a trailing comment or spaces.
fn trim_value(value: &str, offset: usize) -> (usize, usize) {
    let mut state = Balance::default();
    let mut previous = ' ';
    let mut end = value.len();
    for (position, c) in value.char_indices() {
        let quoted = state.double || state.single;
        if c == '#' && !quoted && (previous == ' ' || previous == '\t') {
            end = position;
            break;
        }
        state.step(c);
        previous = c;
    }
    let trimmed = value.get(..end).unwrap_or("").trim_end();
    (offset, offset + trimmed.len())
}
