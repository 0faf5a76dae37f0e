//! Spectral's `given` paths, written for jsonpath-plus, as RFC 9535 queries. What maps onto
//! RFC 9535 is translated: dot and bracket names (`$.paths./users`, `[get,put]`), wildcards,
//! descendants, indices, slices and filters that compare paths and literals with `==`, `===`,
//! `!=`, `!==`, `<`, `<=`, `>`, `>=`, `&&`, `||`, `!` and JavaScript's truthiness. The rest
//! is refused at its characters: `^` (a parent), `~` (a property name), script expressions
//! and filter scripts beyond comparisons (method calls, `@property`, arithmetic).

use std::ops::Range;

/// Why a path cannot be translated: the bytes of the path it is about, and what to do.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub at: Range<usize>,
    pub message: String,
}

/// A whole `given` (`$...`) as an RFC 9535 query.
pub fn translate(path: &str) -> Result<String, Refusal> {
    let mut reader = Reader::new(path, 0);
    reader.skip_spaces();
    if !reader.eat("$") {
        return Err(reader.refuse(
            reader.pos..reader.next_end(),
            "a `given` path starts with `$` (the document) or `#` and an alias's name",
        ));
    }
    let mut out = String::from("$");
    reader.segments(&mut out)?;
    Ok(out)
}

/// The segments after an alias's name (`#PathItem.get` → `.get`), at `offset` in the
/// `given`, as RFC 9535 segments.
pub fn translate_segments(rest: &str, offset: usize) -> Result<String, Refusal> {
    let mut reader = Reader::new(rest, offset);
    let mut out = String::new();
    reader.segments(&mut out)?;
    Ok(out)
}

/// A name as RFC 9535 writes it after a dot, or `None` when it needs brackets.
fn is_shorthand(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || !c.is_ascii())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii())
}

/// A text as an RFC 9535 string literal.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn member(out: &mut String, name: &str) {
    if is_shorthand(name) {
        out.push('.');
        out.push_str(name);
    } else {
        out.push('[');
        out.push_str(&quoted(name));
        out.push(']');
    }
}

/// An operand of a filter: a singular query, the length of one (`@.tags.length`), or a
/// literal.
enum Operand {
    Query(String),
    Length(String),
    Literal(Literal),
}

enum Literal {
    /// Written as RFC 9535 writes it.
    Value(String),
    Null,
    Undefined,
}

impl Operand {
    fn rfc(&self) -> String {
        match self {
            Operand::Query(q) => q.clone(),
            Operand::Length(q) => format!("length({q})"),
            Operand::Literal(Literal::Value(v)) => v.clone(),
            Operand::Literal(Literal::Null) => "null".into(),
            Operand::Literal(Literal::Undefined) => "undefined".into(),
        }
    }
}

/// JavaScript's truthiness of a query's value, as RFC 9535 says it: there, and none of
/// `false`, `null`, `""` and `0` (a list or mapping is truthy, even empty).
fn truthy(query: &str) -> String {
    format!("({query} && {query} != false && {query} != null && {query} != '' && {query} != 0)")
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
    /// Where `text` starts in the `given`, for refusals.
    offset: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, offset: usize) -> Reader<'a> {
        Reader {
            text,
            pos: 0,
            offset,
        }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn eat(&mut self, token: &str) -> bool {
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// The end of the character at the reader (or the end of the text).
    fn next_end(&self) -> usize {
        self.pos + self.peek().map_or(0, char::len_utf8)
    }

    fn refuse(&self, at: Range<usize>, message: impl Into<String>) -> Refusal {
        Refusal {
            at: at.start + self.offset..at.end + self.offset,
            message: message.into(),
        }
    }

    /// A filter that does not end where it should: at the end of the path (or a `]`), its
    /// `(` is not closed; at anything else, the script goes beyond what translates.
    fn unclosed(&self, opened: usize, message: &str) -> Refusal {
        match self.peek() {
            None | Some(']') => self.refuse(opened..self.next_end(), message),
            Some(c) => self.refuse(self.pos..self.next_end(), beyond(&c.to_string())),
        }
    }

    fn segments(&mut self, out: &mut String) -> Result<(), Refusal> {
        while let Some(c) = self.peek() {
            let start = self.pos;
            match c {
                '.' if self.eat("..") => {
                    out.push_str("..");
                    match self.peek() {
                        Some('[') => {
                            self.pos += 1;
                            self.bracket(out, start)?;
                        }
                        Some('*') => {
                            self.pos += 1;
                            out.push('*');
                        }
                        _ => {
                            let name = self.dot_name(start)?;
                            // `..name` and `..['name']`: the same selector after `..`.
                            if is_shorthand(name) {
                                out.push_str(name);
                            } else {
                                out.push('[');
                                out.push_str(&quoted(name));
                                out.push(']');
                            }
                        }
                    }
                }
                '.' => {
                    self.pos += 1;
                    match self.peek() {
                        Some('*') => {
                            self.pos += 1;
                            out.push_str(".*");
                        }
                        Some('[') => {
                            self.pos += 1;
                            self.bracket(out, start)?;
                        }
                        _ => {
                            let name = self.dot_name(start)?;
                            member(out, name);
                        }
                    }
                }
                '[' => {
                    self.pos += 1;
                    self.bracket(out, start)?;
                }
                '^' => {
                    return Err(self.refuse(
                        start..start + 1,
                        "`^` (the parent of a value) has no RFC 9535 equivalent: query the parent and name the value with `field`",
                    ))
                }
                '~' => {
                    return Err(self.refuse(
                        start..start + 1,
                        "`~` (a property's name) has no RFC 9535 equivalent: query the mapping and check its keys with `field: \"@key\"`",
                    ))
                }
                ' ' | '\t' => self.pos += 1,
                _ => {
                    return Err(self.refuse(
                        start..self.next_end(),
                        format!("unexpected `{c}`: a segment starts with `.`, `..` or `[`"),
                    ))
                }
            }
        }
        Ok(())
    }

    /// A name after `.` or `..`: up to the next `.`, `[`, `^` or `~`, as jsonpath-plus
    /// reads it (`$.paths./users`).
    fn dot_name(&mut self, segment: usize) -> Result<&'a str, Refusal> {
        let rest = self.rest();
        let len = rest.find(['.', '[', '^', '~']).unwrap_or(rest.len());
        let name = &rest[..len];
        if name.trim().is_empty() {
            return Err(self.refuse(
                segment..self.next_end(),
                "a name, `*` or `[` must follow `.`",
            ));
        }
        self.pos += len;
        Ok(name.trim_end())
    }

    /// After `[`: a wildcard, a filter, or names, indices and slices; up to its `]`.
    fn bracket(&mut self, out: &mut String, start: usize) -> Result<(), Refusal> {
        self.skip_spaces();
        if self.peek().is_none() {
            return Err(self.refuse(start..self.pos, "this `[` is not closed with `]`"));
        }
        if self.eat("*") {
            out.push_str("[*]");
        } else if self.eat("?") {
            self.skip_spaces();
            let filter_start = self.pos;
            let parenthesised = self.eat("(");
            let expression = self.or()?;
            self.skip_spaces();
            if parenthesised && !self.eat(")") {
                return Err(self.unclosed(filter_start, "this filter's `(` is not closed"));
            }
            if !parenthesised && !self.rest().starts_with(']') {
                return Err(self.unclosed(filter_start, "this filter is not closed with `]`"));
            }
            out.push_str("[?");
            out.push_str(&expression);
            out.push(']');
        } else if self.peek() == Some('(') {
            let end = self
                .rest()
                .find(']')
                .map_or(self.text.len(), |i| self.pos + i);
            return Err(self.refuse(
                self.pos..end,
                "a script expression (`[(...)]`) has no RFC 9535 equivalent: name the index or key",
            ));
        } else {
            let mut items = Vec::new();
            loop {
                self.skip_spaces();
                items.push(self.selector()?);
                self.skip_spaces();
                if !self.eat(",") {
                    break;
                }
            }
            out.push('[');
            out.push_str(&items.join(","));
            out.push(']');
        }
        self.skip_spaces();
        if !self.eat("]") {
            return Err(self.refuse(start..self.next_end(), "this `[` is not closed with `]`"));
        }
        Ok(())
    }

    /// One selector of a bracket: a quoted name, an index, a slice, `*`, or a bare name
    /// (`[get,put]`), which RFC 9535 writes quoted.
    fn selector(&mut self) -> Result<String, Refusal> {
        let start = self.pos;
        match self.peek() {
            Some('\'' | '"') => Ok(quoted(&self.string()?)),
            Some('*') => {
                self.pos += 1;
                Ok("*".into())
            }
            _ => {
                let rest = self.rest();
                let len = rest.find([',', ']']).unwrap_or(rest.len());
                let written = rest[..len].trim();
                self.pos += len;
                let number = |part: &str| {
                    let digits = part.strip_prefix('-').unwrap_or(part);
                    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
                };
                let slice = written.contains(':')
                    && written.split(':').count() <= 3
                    && written
                        .split(':')
                        .all(|p| p.trim().is_empty() || number(p.trim()));
                if number(written) || slice {
                    Ok(written.replace(' ', ""))
                } else if written.is_empty() {
                    Err(self.refuse(
                        start..self.next_end(),
                        "an empty selector: write a name, an index, a slice, `*` or a filter `?(...)`",
                    ))
                } else if written.contains(['(', ')', '@', '?', '[']) {
                    Err(self.refuse(
                        start..start + len,
                        format!("`{written}` is not a name, an index or a slice"),
                    ))
                } else {
                    Ok(quoted(written))
                }
            }
        }
    }

    /// A JavaScript string literal, quotes and escapes read.
    fn string(&mut self) -> Result<String, Refusal> {
        let start = self.pos;
        let Some(quote) = self.peek() else {
            return Err(self.refuse(start..start, "a string was expected"));
        };
        self.pos += 1;
        let mut value = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.refuse(start..self.pos, "this string is not closed"));
            };
            self.pos += c.len_utf8();
            match c {
                c if c == quote => return Ok(value),
                '\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.refuse(start..self.pos, "this string is not closed"));
                    };
                    self.pos += e.len_utf8();
                    match e {
                        'n' => value.push('\n'),
                        't' => value.push('\t'),
                        'r' => value.push('\r'),
                        'b' => value.push('\u{8}'),
                        'f' => value.push('\u{c}'),
                        'v' => value.push('\u{b}'),
                        '0' => value.push('\0'),
                        'u' | 'x' => {
                            let len = if e == 'u' { 4 } else { 2 };
                            let hex = self.rest().get(..len).unwrap_or("");
                            let code = u32::from_str_radix(hex, 16)
                                .ok()
                                .filter(|_| hex.len() == len)
                                .and_then(char::from_u32)
                                .ok_or_else(|| {
                                    self.refuse(
                                        self.pos - 2..self.pos + hex.len(),
                                        format!("`\\{e}` needs {len} hexadecimal digits"),
                                    )
                                })?;
                            self.pos += len;
                            value.push(code);
                        }
                        other => value.push(other),
                    }
                }
                c => value.push(c),
            }
        }
    }

    fn or(&mut self) -> Result<String, Refusal> {
        let mut left = self.and()?;
        loop {
            self.skip_spaces();
            if !self.eat("||") {
                return Ok(left);
            }
            let right = self.and()?;
            left = format!("{left} || {right}");
        }
    }

    fn and(&mut self) -> Result<String, Refusal> {
        let mut left = self.unary()?;
        loop {
            self.skip_spaces();
            if !self.eat("&&") {
                return Ok(left);
            }
            let right = self.unary()?;
            left = format!("{left} && {right}");
        }
    }

    fn unary(&mut self) -> Result<String, Refusal> {
        self.skip_spaces();
        if self.rest().starts_with('!') && !self.rest().starts_with("!=") {
            self.pos += 1;
            let inner = self.unary()?;
            return Ok(format!("!({inner})"));
        }
        if self.eat("(") {
            let open = self.pos - 1;
            let inner = self.or()?;
            self.skip_spaces();
            if !self.eat(")") {
                return Err(self.unclosed(open, "this `(` is not closed"));
            }
            return Ok(format!("({inner})"));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<String, Refusal> {
        let start = self.pos;
        let left = self.operand()?;
        self.skip_spaces();
        let operators = ["===", "!==", "==", "!=", "<=", ">=", "<", ">"];
        let Some(op) = operators.into_iter().find(|op| self.rest().starts_with(op)) else {
            return match left {
                Operand::Query(q) => Ok(truthy(&q)),
                Operand::Length(q) => Ok(format!("length({q}) > 0")),
                Operand::Literal(_) => Err(self.refuse(
                    start..self.pos,
                    "a literal alone is not a test: compare a path with it",
                )),
            };
        };
        self.pos += op.len();
        let right = self.operand()?;
        let strict = op.len() == 3;
        let equal = match op {
            "===" | "==" => Some(true),
            "!==" | "!=" => Some(false),
            _ => None,
        };
        // `undefined`, and `null` compared loosely, say whether a value is there.
        let (query, literal) = match (&left, &right) {
            (Operand::Query(q), Operand::Literal(l)) | (Operand::Literal(l), Operand::Query(q)) => {
                (Some(q.as_str()), Some(l))
            }
            (_, Operand::Literal(l)) | (Operand::Literal(l), _) => (None, Some(l)),
            _ => (None, None),
        };
        match (literal, query, equal) {
            (Some(Literal::Undefined), Some(q), Some(true)) if strict => Ok(format!("!{q}")),
            (Some(Literal::Undefined), Some(q), Some(false)) if strict => Ok(q.to_string()),
            (Some(Literal::Undefined | Literal::Null), Some(q), Some(true))
                if !strict || matches!(literal, Some(Literal::Undefined)) =>
            {
                Ok(format!("({q} == null || !{q})"))
            }
            (Some(Literal::Undefined | Literal::Null), Some(q), Some(false))
                if !strict || matches!(literal, Some(Literal::Undefined)) =>
            {
                Ok(format!("({q} != null && {q})"))
            }
            (Some(Literal::Undefined), _, _) => Err(self.refuse(
                start..self.pos,
                "`undefined` is compared with a path by `===`, `!==`, `==` or `!=`",
            )),
            _ => {
                let op = match op {
                    "===" => "==",
                    "!==" => "!=",
                    other => other,
                };
                Ok(format!("{} {op} {}", left.rfc(), right.rfc()))
            }
        }
    }

    fn operand(&mut self) -> Result<Operand, Refusal> {
        self.skip_spaces();
        let start = self.pos;
        match self.peek() {
            Some('@') | Some('$') => self.query(),
            Some('\'' | '"') => Ok(Operand::Literal(Literal::Value(quoted(&self.string()?)))),
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let rest = self.rest();
                let len = rest
                    .find(|c: char| !(c.is_ascii_digit() || "-+.eE".contains(c)))
                    .unwrap_or(rest.len());
                let written = &rest[..len];
                self.pos += len;
                if serde_json::from_str::<serde_json::Number>(written).is_ok() {
                    Ok(Operand::Literal(Literal::Value(written.to_string())))
                } else {
                    Err(self.refuse(start..self.pos, format!("`{written}` is not a number")))
                }
            }
            _ => {
                let rest = self.rest();
                let len = rest
                    .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .unwrap_or(rest.len());
                let word = &rest[..len];
                let literal = match word {
                    "true" | "false" => Literal::Value(word.to_string()),
                    "null" => Literal::Null,
                    "undefined" => Literal::Undefined,
                    _ => {
                        let end = if len == 0 {
                            self.next_end()
                        } else {
                            start + len
                        };
                        return Err(self.refuse(start..end, beyond(&self.text[start..end])));
                    }
                };
                self.pos += len;
                Ok(Operand::Literal(literal))
            }
        }
    }

    /// `@`, `@.a.b`, `@['a'][0]`, `@root.a` (or `$.a`), and `.length` at the end.
    fn query(&mut self) -> Result<Operand, Refusal> {
        let start = self.pos;
        let mut out = String::new();
        if self.eat("@root") || self.eat("$") {
            out.push('$');
        } else {
            self.pos += 1;
            if self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                let rest = self.rest();
                let len = rest
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(rest.len());
                return Err(self.refuse(
                    start..self.pos + len,
                    format!(
                        "`@{}` has no RFC 9535 equivalent: a filter compares the value's own fields (`@.type`) with literals",
                        &rest[..len]
                    ),
                ));
            }
            out.push('@');
        }
        loop {
            let at = self.pos;
            if self.eat(".") {
                let rest = self.rest();
                let len = rest
                    .find(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '$')
                    .unwrap_or(rest.len());
                let name = &rest[..len];
                if name.is_empty() {
                    return Err(self.refuse(at..self.next_end(), "a name must follow `.`"));
                }
                self.pos += len;
                let after = self.rest().trim_start();
                if after.starts_with('(') {
                    return Err(self.refuse(at + 1..self.pos, beyond(&format!(".{name}(...)"))));
                }
                if name == "length" && !after.starts_with(['.', '[']) {
                    return Ok(Operand::Length(out));
                }
                member(&mut out, name);
            } else if self.eat("[") {
                self.skip_spaces();
                let selector = match self.peek() {
                    Some('\'' | '"') => format!("[{}]", quoted(&self.string()?)),
                    _ => {
                        let rest = self.rest();
                        let len = rest
                            .find(|c: char| !c.is_ascii_digit())
                            .unwrap_or(rest.len());
                        if len == 0 {
                            return Err(self.refuse(
                                at..self.next_end(),
                                "`[` in a filter's path holds a quoted name or an index",
                            ));
                        }
                        self.pos += len;
                        format!("[{}]", &rest[..len])
                    }
                };
                self.skip_spaces();
                if !self.eat("]") {
                    return Err(self.refuse(at..self.next_end(), "this `[` is not closed"));
                }
                out.push_str(&selector);
            } else {
                return Ok(Operand::Query(out));
            }
        }
    }
}

/// What to say of a filter script that is more than comparisons.
fn beyond(what: &str) -> String {
    format!("`{what}`: a filter script beyond comparisons of paths and literals (`==`, `!=`, `<`, `&&`, `||`, `!`) has no RFC 9535 equivalent")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use serde_json_path::JsonPath;

    fn rfc(path: &str) -> String {
        let translated = translate(path).unwrap_or_else(|e| panic!("{path}: {e:?}"));
        JsonPath::parse(&translated).unwrap_or_else(|e| panic!("{path} → {translated}: {e}"));
        translated
    }

    fn refused(path: &str) -> (String, String) {
        let refusal = translate(path).expect_err(path);
        (path[refusal.at.clone()].to_string(), refusal.message)
    }

    #[test]
    fn paths_that_map_onto_rfc_9535_are_translated() {
        for (written, expected) in [
            ("$", "$"),
            ("$.info.contact", "$.info.contact"),
            ("$.paths[*]", "$.paths[*]"),
            ("$.paths.*", "$.paths.*"),
            ("$..description", "$..description"),
            ("$..[?(@.type)]", "$..[?(@.type && @.type != false && @.type != null && @.type != '' && @.type != 0)]"),
            ("$.paths./users.get", "$.paths['/users'].get"),
            ("$.responses.200", "$.responses['200']"),
            ("$.x-y", "$['x-y']"),
            ("$.paths[*][get,put]", "$.paths[*]['get','put']"),
            ("$['a b'][\"c\"]", "$['a b']['c']"),
            ("$.items[0,-1]", "$.items[0,-1]"),
            ("$.items[1:3]", "$.items[1:3]"),
            ("$.components[?(@.type == 'BODY')].text", "$.components[?@.type == 'BODY'].text"),
            ("$.components[?(@.type === \"BODY\")]", "$.components[?@.type == 'BODY']"),
            ("$[?(@.a !== 1 && (@.b < 2 || @.c >= 3))]", "$[?@.a != 1 && (@.b < 2 || @.c >= 3)]"),
            ("$[?(@.tags.length > 3)]", "$[?length(@.tags) > 3]"),
            ("$[?(@['x-y'][0] == true)]", "$[?@['x-y'][0] == true]"),
            ("$[?(@.a === undefined)]", "$[?!@.a]"),
            ("$[?(@.a !== undefined)]", "$[?@.a]"),
            ("$[?(@.a == null)]", "$[?(@.a == null || !@.a)]"),
            ("$[?(@.a === null)]", "$[?@.a == null]"),
            ("$[?(!@.deprecated)]", "$[?!((@.deprecated && @.deprecated != false && @.deprecated != null && @.deprecated != '' && @.deprecated != 0))]"),
            ("$[?(@root.kind == @.kind)]", "$[?$.kind == @.kind]"),
        ] {
            assert_eq!(rfc(written), expected, "{written}");
        }
    }

    #[test]
    fn translated_filters_keep_javascript_truthiness() {
        let data = json!([
            {"n": "string", "v": "x"}, {"n": "empty", "v": ""}, {"n": "zero", "v": 0},
            {"n": "false", "v": false}, {"n": "null", "v": null}, {"n": "list", "v": []},
            {"n": "missing"}
        ]);
        let names = |path: &str| -> Vec<String> {
            JsonPath::parse(&rfc(path))
                .unwrap()
                .query(&data)
                .all()
                .into_iter()
                .map(|v| v.as_str().unwrap_or("").to_string())
                .collect()
        };
        assert_eq!(names("$[?(@.v)].n"), ["string", "list"]);
        assert_eq!(
            names("$[?(!@.v)].n"),
            ["empty", "zero", "false", "null", "missing"]
        );
        // Loosely, `null` is also what is not there; strictly it is only `null`.
        assert_eq!(names("$[?(@.v == null)].n"), ["null", "missing"]);
        assert_eq!(names("$[?(@.v === null)].n"), ["null"]);
        assert_eq!(names("$[?(@.v === undefined)].n"), ["missing"]);
        assert_eq!(
            names("$[?(@.v != null)].n"),
            ["string", "empty", "zero", "false", "list"]
        );
    }

    #[test]
    fn what_has_no_rfc_9535_equivalent_is_refused_at_its_characters() {
        for (written, at, says) in [
            ("$.paths^", "^", "`^` (the parent of a value)"),
            ("$.paths.*~", "~", "`~` (a property's name)"),
            (
                "$.items[(@.length-1)]",
                "(@.length-1)",
                "a script expression",
            ),
            (
                "$[?(@.name.match(/^x/))]",
                "match",
                "`.match(...)`: a filter script beyond comparisons",
            ),
            (
                "$[?(@property === 'get')]",
                "@property",
                "`@property` has no RFC 9535 equivalent",
            ),
            (
                "$[?(@.a + 1 > 2)]",
                "+",
                "`+`: a filter script beyond comparisons",
            ),
            (
                "$[?(typeof @.a === 'string')]",
                "typeof",
                "`typeof`: a filter script",
            ),
            ("$[?(@.a == 1]", "]", "this filter's `(` is not closed"),
            ("paths", "p", "a `given` path starts with `$`"),
            ("$.paths[", "[", "this `[` is not closed"),
        ] {
            let (found, message) = refused(written);
            assert!(message.starts_with(says), "{written}: {message}");
            assert!(
                found.starts_with(at) || found.contains(at),
                "{written}: `{found}` is not `{at}`"
            );
        }
    }

    #[test]
    fn segments_after_an_alias_are_translated_with_their_offset() {
        assert_eq!(
            translate_segments(".get.responses", 9).unwrap(),
            ".get.responses"
        );
        let refusal = translate_segments(".get^", 9).unwrap_err();
        assert_eq!(refusal.at, 13..14);
    }
}
