//! A single-pass tokenizer that never builds strings: every word is reduced to
//! hashes of its lowercased form (plus squeezed and suffix-stripped variants)
//! while it is read, so lexicon look-ups and feature hashing need no allocation.

/// Starting value of the code-point FNV-1a hash used for every token.
pub(crate) const HASH_SEED: u64 = 0xcbf2_9ce4_8422_2325;
const HASH_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Extends a token hash by one (already lowercased) character.
#[inline]
pub(crate) fn hash_char(hash: u64, c: char) -> u64 {
    (hash ^ c as u64).wrapping_mul(HASH_PRIME)
}

/// Emoticons the tokenizer recognises, longest first so that the longest match wins.
const EMOTICONS: &[&str] = &[
    ">:(", ":-)", ":-(", ":-d", ":-p", ":-/", ":-|", ":-o", ";-)", ":')", ":'(", "^_^", "-_-",
    "</3", "<33", "&lt;3", ":)", "(:", "=)", ":]", ":d", "=d", ";)", ";d", ":p", ";p", "<3", "^^",
    ":*", ":(", "):", "=(", ":[", ";(", ":/", ":\\", ":|", ":o", ":@",
];

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// Letters, digits and inner apostrophes.
    Word,
    /// A text emoticon such as `:-)`.
    Emoticon,
    /// A pictographic emoji.
    Emoji,
    /// `!`
    Exclamation,
    /// `?`
    Question,
    /// `,` `;` `:` dashes and brackets: the end of a clause.
    ClauseBreak,
    /// `.` or `…`: the end of a sentence.
    SentenceEnd,
}

impl TokenKind {
    /// Whether the token carries words or symbols that a lexicon can score.
    pub(crate) fn is_lexical(self) -> bool {
        matches!(
            self,
            TokenKind::Word | TokenKind::Emoticon | TokenKind::Emoji
        )
    }
}

/// The word is written in capitals (at least two letters, none lowercase).
pub(crate) const FLAG_ALL_CAPS: u8 = 1;
/// The word repeats a letter three or more times ("soooo").
pub(crate) const FLAG_ELONGATED: u8 = 2;
/// The word ends in "n't" (a contracted negation).
pub(crate) const FLAG_CONTRACTED_NEGATION: u8 = 4;
/// The word contains at least one letter.
pub(crate) const FLAG_HAS_LETTER: u8 = 8;

/// One token, located in the text by byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Byte offset of the first character.
    pub start: u32,
    /// Byte offset one past the last character.
    pub end: u32,
    /// Hash of the lowercased token (typographic apostrophes folded to `'`).
    pub hash: u64,
    /// Hash with every run of 3+ equal letters cut to 2 ("goood" -> "good"); equals `hash` when not elongated.
    pub squeezed_two: u64,
    /// Hash with every run of 3+ equal letters cut to 1 ("sooo" -> "so"); equals `hash` when not elongated.
    pub squeezed_one: u64,
    /// Hashes of base forms for common suffixes (-s, -es, -ed, -d, -ing, -ly, -ily); 0 when absent.
    pub stems: [u64; 2],
    /// `FLAG_*` bits.
    pub flags: u8,
}

impl Token {
    fn symbol(kind: TokenKind, start: usize, end: usize, hash: u64) -> Self {
        Token {
            kind,
            start: start as u32,
            end: end as u32,
            hash,
            squeezed_two: hash,
            squeezed_one: hash,
            stems: [0, 0],
            flags: 0,
        }
    }

    /// Whether a `FLAG_*` bit is set.
    #[inline]
    pub(crate) fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// Hash of a whole (lowercased) string, as the tokenizer would compute it for a single token.
pub(crate) fn hash_str(text: &str) -> u64 {
    text.chars()
        .flat_map(char::to_lowercase)
        .fold(HASH_SEED, |hash, c| hash_char(hash, fold_apostrophe(c)))
}

#[inline]
fn fold_apostrophe(c: char) -> char {
    if c == '\u{2019}' || c == '\u{2018}' || c == '`' {
        '\''
    } else {
        c
    }
}

#[inline]
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`')
}

#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// Emoji and pictographs, including the older dingbat and symbol blocks.
#[inline]
pub(crate) fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B50..=0x2B55 | 0x2300..=0x23FF)
}

/// Characters that only modify a neighbouring emoji (variation selectors, joiner, skin tones).
#[inline]
fn is_emoji_modifier(c: char) -> bool {
    matches!(
        c as u32,
        0xFE0E | 0xFE0F | 0x200D | 0x1F3FB..=0x1F3FF | 0x20E3
    )
}

/// [`tokenize`] saw an `@handle`.
pub(crate) const SHAPE_MENTION: u8 = 1;
/// [`tokenize`] saw a `#hashtag`.
pub(crate) const SHAPE_HASHTAG: u8 = 2;
/// [`tokenize`] saw a URL.
pub(crate) const SHAPE_URL: u8 = 4;

/// Splits `text` into tokens, appending them to `out` (which is cleared first);
/// returns the `SHAPE_*` bits of what it skipped (handles, hashtag signs, URLs).
pub(crate) fn tokenize(text: &str, out: &mut Vec<Token>) -> u8 {
    out.clear();
    let mut shape = 0u8;
    let bytes = text.as_bytes();
    let mut pos = 0usize;
    let mut prev_char: Option<char> = None;
    while pos < text.len() {
        if bytes[pos] == b' ' {
            prev_char = Some(' ');
            pos += 1;
            continue;
        }
        // `pos` always sits on a char boundary.
        let c = text[pos..].chars().next().unwrap_or(' ');
        let width = c.len_utf8();
        if c.is_whitespace() {
            prev_char = Some(c);
            pos += width;
            continue;
        }
        if let Some(len) = url_length(&bytes[pos..]) {
            shape |= SHAPE_URL;
            pos += len;
            prev_char = Some(' ');
            continue;
        }
        if let Some(len) = emoticon_at(text, pos, prev_char) {
            let hash = hash_str(&text[pos..pos + len]);
            out.push(Token::symbol(TokenKind::Emoticon, pos, pos + len, hash));
            pos += len;
            prev_char = Some(' ');
            continue;
        }
        if is_word_char(c) {
            let end = read_word(text, pos, out);
            // A word right after '@' is a user handle: it names someone and says nothing.
            if prev_char == Some('@') {
                shape |= SHAPE_MENTION;
                out.pop();
            } else if prev_char == Some('#') {
                shape |= SHAPE_HASHTAG;
            }
            let last = text[..end].chars().next_back();
            prev_char = last;
            pos = end;
            continue;
        }
        if is_emoji_modifier(c) {
            // Joins or tints the emoji before it; adds nothing of its own.
        } else if is_emoji(c) {
            out.push(Token::symbol(
                TokenKind::Emoji,
                pos,
                pos + width,
                hash_char(HASH_SEED, c),
            ));
        } else {
            let next = text[pos + width..].chars().next();
            let kind = match c {
                '!' | '¡' => Some(TokenKind::Exclamation),
                '?' | '¿' => Some(TokenKind::Question),
                '…' => Some(TokenKind::SentenceEnd),
                // A dot inside a number or abbreviation ("3.5", "U.S.") does not end a sentence.
                '.' if prev_char.is_some_and(is_word_char) && next.is_some_and(is_word_char) => {
                    None
                }
                '.' => Some(TokenKind::SentenceEnd),
                ',' | ';' | ':' | '(' | ')' | '[' | ']' | '—' | '–' => {
                    Some(TokenKind::ClauseBreak)
                }
                '-' if prev_char.is_none_or(char::is_whitespace)
                    && next.is_none_or(char::is_whitespace) =>
                {
                    Some(TokenKind::ClauseBreak)
                }
                _ => None,
            };
            if let Some(kind) = kind {
                out.push(Token::symbol(
                    kind,
                    pos,
                    pos + width,
                    hash_char(HASH_SEED, c),
                ));
            }
        }
        prev_char = Some(c);
        pos += width;
    }
    shape
}

/// Length in bytes of a URL starting at `rest`, if one starts there.
fn url_length(rest: &[u8]) -> Option<usize> {
    if !matches!(rest.first(), Some(b'h' | b'H' | b'w' | b'W')) {
        return None;
    }
    let starts = |prefix: &[u8]| {
        rest.len() >= prefix.len() && rest[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    if starts(b"http://") || starts(b"https://") || starts(b"www.") {
        Some(
            rest.iter()
                .position(|b| b.is_ascii_whitespace())
                .unwrap_or(rest.len()),
        )
    } else {
        None
    }
}

/// Length in bytes of an emoticon starting at byte `pos`, if one starts there.
fn emoticon_at(text: &str, pos: usize, prev: Option<char>) -> Option<usize> {
    let rest = &text.as_bytes()[pos..];
    let first = *rest.first()?;
    if !matches!(
        first,
        b':' | b';' | b'=' | b'<' | b'>' | b'^' | b'(' | b')' | b'-' | b'&'
    ) {
        return None;
    }
    let before_ok = match prev {
        None => true,
        Some(p) if p.is_whitespace() => true,
        // "great:)" is an emoticon; "(said):" is not.
        Some(p) => is_word_char(p) && matches!(first, b':' | b';' | b'=' | b'<' | b'&'),
    };
    if !before_ok {
        return None;
    }
    EMOTICONS.iter().find_map(|emoticon| {
        let e = emoticon.as_bytes();
        if rest.len() < e.len() || !rest[..e.len()].eq_ignore_ascii_case(e) {
            return None;
        }
        let after = text[pos + e.len()..].chars().next();
        let after_ok =
            after.is_none_or(|a| a.is_whitespace() || matches!(a, '.' | ',' | '!' | '?' | ';'));
        after_ok.then_some(e.len())
    })
}

/// Reads one word starting at `start`, pushes its token and returns the byte offset after it.
fn read_word(text: &str, start: usize, out: &mut Vec<Token>) -> usize {
    let (word, end, letters, uppercase) = match scan_ascii_word(text.as_bytes(), start) {
        Some(scanned) => scanned,
        None => scan_word(text, start),
    };
    let WordHasher {
        hash,
        tail,
        length,
        mut flags,
        ..
    } = word;
    let word_text = &text[start..end];
    let (squeezed_two, squeezed_one) = if flags & FLAG_ELONGATED != 0 {
        (squeeze(word_text, 2), squeeze(word_text, 1))
    } else {
        (hash, hash)
    };
    if letters > 0 {
        flags |= FLAG_HAS_LETTER;
    }
    if letters >= 2 && uppercase == letters {
        flags |= FLAG_ALL_CAPS;
    }
    if length >= 4 && tail[0] == 't' && tail[1] == '\'' && tail[2] == 'n' {
        flags |= FLAG_CONTRACTED_NEGATION;
    }
    let stems = if length >= 4 {
        suffix_stems(word_text, length, &tail)
    } else {
        [0, 0]
    };
    out.push(Token {
        kind: TokenKind::Word,
        start: start as u32,
        end: end as u32,
        hash,
        squeezed_two,
        squeezed_one,
        stems,
        flags,
    });
    end
}

/// Byte classes for the ASCII fast path.
const ALNUM: u8 = 1;
const ALPHA: u8 = 2;
const UPPER: u8 = 4;
const ASCII_CLASS: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_uppercase() {
            ALNUM | ALPHA | UPPER
        } else if c.is_ascii_lowercase() {
            ALNUM | ALPHA
        } else if c.is_ascii_digit() {
            ALNUM
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Reads a word made only of ASCII bytes: (hasher, end, letters, uppercase letters).
/// `None` when a non-ASCII byte belongs to the word, which the general [`scan_word`] reads.
#[inline]
fn scan_ascii_word(bytes: &[u8], start: usize) -> Option<(WordHasher, usize, usize, usize)> {
    let mut hash = HASH_SEED;
    let mut end = start;
    let mut letters = 0usize;
    let mut uppercase = 0usize;
    let mut previous = 0u8;
    let mut run = 0usize;
    let mut flags = 0u8;
    while let Some(&b) = bytes.get(end) {
        if b >= 0x80 {
            return None;
        }
        let class = ASCII_CLASS[b as usize];
        if class & ALNUM == 0 {
            // An apostrophe belongs to the word only between two word characters.
            let inner_apostrophe = b == b'\''
                && end > start
                && bytes
                    .get(end + 1)
                    .is_some_and(|&n| n >= 0x80 || ASCII_CLASS[n as usize] & ALNUM != 0);
            if !inner_apostrophe {
                break;
            }
            if bytes[end + 1] >= 0x80 {
                return None;
            }
        }
        letters += usize::from(class & ALPHA != 0);
        uppercase += usize::from(class & UPPER != 0);
        // Uppercase letters get the 0x20 bit: UPPER (4) shifted left by 3.
        let lower = b | ((class & UPPER) << 3);
        hash = (hash ^ u64::from(lower)).wrapping_mul(HASH_PRIME);
        if lower == previous {
            run += 1;
            if run == 3 && class & ALPHA != 0 {
                flags |= FLAG_ELONGATED;
            }
        } else {
            previous = lower;
            run = 1;
        }
        end += 1;
    }
    let length = end - start;
    let lower_at = |back: usize| {
        if length >= back {
            char::from(bytes[end - back].to_ascii_lowercase())
        } else {
            '\0'
        }
    };
    let tail = [lower_at(1), lower_at(2), lower_at(3)];
    let word = WordHasher {
        hash,
        tail,
        length,
        run_char: char::from(previous),
        run_length: run,
        flags,
    };
    Some((word, end, letters, uppercase))
}

/// Reads a word of any characters: (hasher, end, letters, uppercase letters).
fn scan_word(text: &str, start: usize) -> (WordHasher, usize, usize, usize) {
    let mut word = WordHasher::default();
    let mut letters = 0usize;
    let mut uppercase = 0usize;
    let mut end = start;
    let mut chars = text[start..].char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let accept = if is_word_char(c) {
            true
        } else if is_apostrophe(c) {
            // An apostrophe belongs to the word only between two word characters.
            word.length > 0 && chars.peek().is_some_and(|&(_, next)| is_word_char(next))
        } else {
            false
        };
        if !accept {
            break;
        }
        end = start + offset + c.len_utf8();
        if c.is_alphabetic() {
            letters += 1;
            uppercase += usize::from(c.is_uppercase());
        }
        for lower in c.to_lowercase() {
            word.push(fold_apostrophe(lower));
        }
    }
    (word, end, letters, uppercase)
}

/// Running hash of one word, fed its lowercased characters.
struct WordHasher {
    hash: u64,
    /// The last three characters, last first.
    tail: [char; 3],
    length: usize,
    run_char: char,
    run_length: usize,
    flags: u8,
}

impl Default for WordHasher {
    fn default() -> Self {
        WordHasher {
            hash: HASH_SEED,
            tail: ['\0'; 3],
            length: 0,
            run_char: '\0',
            run_length: 0,
            flags: 0,
        }
    }
}

impl WordHasher {
    #[inline]
    fn push(&mut self, lower: char) {
        self.tail = [lower, self.tail[0], self.tail[1]];
        self.hash = hash_char(self.hash, lower);
        if lower == self.run_char {
            self.run_length += 1;
            if self.run_length == 3 && lower.is_alphabetic() {
                self.flags |= FLAG_ELONGATED;
            }
        } else {
            self.run_char = lower;
            self.run_length = 1;
        }
        self.length += 1;
    }
}

/// The lowercased characters of a word, apostrophes folded.
fn lowered(word: &str) -> impl Iterator<Item = char> + '_ {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(fold_apostrophe)
}

/// Hash of a word with every run of equal characters cut to at most `longest`.
fn squeeze(word: &str, longest: usize) -> u64 {
    let mut hash = HASH_SEED;
    let mut last = '\0';
    let mut run = 0;
    for c in lowered(word) {
        run = if c == last { run + 1 } else { 1 };
        if run <= longest {
            hash = hash_char(hash, c);
        }
        last = c;
    }
    hash
}

/// Hash of the first `keep` lowercased characters of a word, then of `extra` if given.
fn prefix_hash(word: &str, keep: usize, extra: Option<char>) -> u64 {
    let hash = if word.is_ascii() {
        // ASCII lowercases one byte to one character.
        word.as_bytes()[..keep.min(word.len())]
            .iter()
            .fold(HASH_SEED, |hash, &b| {
                hash_char(hash, fold_apostrophe(char::from(b.to_ascii_lowercase())))
            })
    } else {
        lowered(word).take(keep).fold(HASH_SEED, hash_char)
    };
    extra.map_or(hash, |c| hash_char(hash, c))
}

/// Base-form hashes for the common English suffixes (-ing, -ily, -ed, -es, -ly, -s) of a
/// word of `length` lowercased characters whose last three are `tail` (last first); 0 = none.
fn suffix_stems(word: &str, length: usize, tail: &[char; 3]) -> [u64; 2] {
    let cut = |n: usize, extra: Option<char>| prefix_hash(word, length - n, extra);
    match (tail[2], tail[1], tail[0]) {
        ('i', 'n', 'g') => [cut(3, None), cut(3, Some('e'))],
        ('i', 'l', 'y') => [cut(3, Some('y')), cut(2, None)],
        (_, 'e', 'd') => [cut(2, None), cut(1, None)],
        (_, 'e', 's') => [cut(1, None), cut(2, None)],
        (_, 'l', 'y') => [cut(2, None), 0],
        (_, c, 's') if c != 's' && c != '\'' => [cut(1, None), 0],
        _ => [0, 0],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        tokenize(text, &mut out);
        out
    }

    fn kinds(text: &str) -> Vec<TokenKind> {
        tokens(text).iter().map(|t| t.kind).collect()
    }

    #[test]
    fn words_are_hashed_case_insensitively_with_apostrophes_folded() {
        let t = tokens("Don\u{2019}t DONT don't");
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].hash, hash_str("don't"));
        assert_eq!(t[2].hash, hash_str("don't"));
        assert_eq!(t[1].hash, hash_str("dont"));
        assert!(t[0].has(FLAG_CONTRACTED_NEGATION));
        assert!(t[1].has(FLAG_ALL_CAPS));
        assert!(!t[0].has(FLAG_ALL_CAPS));
    }

    #[test]
    fn the_ascii_fast_path_agrees_with_the_general_path() {
        for word in [
            "Don't",
            "HELLO",
            "goooood",
            "x",
            "a1b2",
            "it's",
            "rock'n'roll",
            "ABC'",
            "'quote",
            "Works!",
            "USA.",
        ] {
            let bytes = word.as_bytes();
            let (fast, fast_end, fast_letters, fast_upper) = scan_ascii_word(bytes, 0).unwrap();
            let (slow, slow_end, slow_letters, slow_upper) = scan_word(word, 0);
            assert_eq!(fast.hash, slow.hash, "{word}");
            assert_eq!(fast.tail, slow.tail, "{word}");
            assert_eq!(
                (fast.length, fast.flags),
                (slow.length, slow.flags),
                "{word}"
            );
            assert_eq!(
                (fast_end, fast_letters, fast_upper),
                (slow_end, slow_letters, slow_upper),
                "{word}"
            );
        }
        assert!(scan_ascii_word("café".as_bytes(), 0).is_none());
        assert!(scan_ascii_word("don'é".as_bytes(), 0).is_none());
    }

    #[test]
    fn elongated_words_have_squeezed_hashes() {
        let t = tokens("goooood sooooo");
        assert!(t[0].has(FLAG_ELONGATED));
        assert_eq!(t[0].squeezed_two, hash_str("good"));
        assert_eq!(t[1].squeezed_one, hash_str("so"));
        let plain = tokens("good");
        assert_eq!(plain[0].squeezed_one, plain[0].hash);
    }

    #[test]
    fn suffix_stems_reach_base_forms() {
        let t = tokens("loving hated works happily sadly");
        assert!(t[0].stems.contains(&hash_str("love")));
        assert!(t[1].stems.contains(&hash_str("hate")));
        assert!(t[2].stems.contains(&hash_str("work")));
        assert!(t[3].stems.contains(&hash_str("happy")));
        assert!(t[4].stems.contains(&hash_str("sad")));
    }

    #[test]
    fn punctuation_emoticons_and_emoji_are_tokens() {
        use TokenKind::*;
        assert_eq!(
            kinds("great :) 😀!! ok?"),
            vec![
                Word,
                Emoticon,
                Emoji,
                Exclamation,
                Exclamation,
                Word,
                Question
            ]
        );
        assert_eq!(
            kinds("nice:D, bad."),
            vec![Word, Emoticon, ClauseBreak, Word, SentenceEnd]
        );
        assert_eq!(
            kinds("costs 3.5 in the U.S today"),
            vec![Word, Word, Word, Word, Word, Word, Word, Word]
        );
        assert_eq!(kinds("👍🏽 ❤️"), vec![Emoji, Emoji]);
    }

    #[test]
    fn urls_and_handles_are_skipped() {
        let t = tokens("@united thanks http://t.co/abc www.x.com");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].hash, hash_str("thanks"));
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "Très bien, NOT bad";
        for t in tokens(text) {
            assert!(
                text.is_char_boundary(t.start as usize) && text.is_char_boundary(t.end as usize)
            );
        }
    }
}
