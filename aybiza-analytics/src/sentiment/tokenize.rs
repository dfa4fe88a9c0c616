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
        let (c, width) = if bytes[pos] < 0x80 {
            (char::from(bytes[pos]), 1)
        } else {
            let c = text[pos..].chars().next().unwrap_or(' ');
            (c, c.len_utf8())
        };
        // Words first, the usual case: URLs start with a letter, emoticons never do.
        if is_word_char(c) {
            if let Some(len) = url_length(&bytes[pos..]) {
                shape |= SHAPE_URL;
                pos += len;
                prev_char = Some(' ');
                continue;
            }
            let end = read_word(text, pos, out);
            // A word right after '@' is a user handle: it names someone and says nothing.
            if prev_char == Some('@') {
                shape |= SHAPE_MENTION;
                out.pop();
            } else if prev_char == Some('#') {
                shape |= SHAPE_HASHTAG;
            }
            prev_char = match bytes[end - 1] {
                b if b < 0x80 => Some(char::from(b)),
                _ => text[..end].chars().next_back(),
            };
            pos = end;
            continue;
        }
        if c.is_whitespace() {
            prev_char = Some(c);
            pos += width;
            continue;
        }
        if let Some(len) = emoticon_at(text, pos, prev_char) {
            let hash = hash_str(&text[pos..pos + len]);
            out.push(Token::symbol(TokenKind::Emoticon, pos, pos + len, hash));
            pos += len;
            prev_char = Some(' ');
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
#[inline]
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

/// Which (first byte, lowercased second byte) pairs begin an emoticon: one bit per pair.
const EMOTICON_PAIRS: [u64; 1024] = {
    let mut bits = [0u64; 1024];
    let mut i = 0;
    while i < EMOTICONS.len() {
        let e = EMOTICONS[i].as_bytes();
        let pair = (e[0] as usize) << 8 | e[1].to_ascii_lowercase() as usize;
        bits[pair >> 6] |= 1 << (pair & 63);
        i += 1;
    }
    bits
};

/// Whether an emoticon can start with these two bytes (a cheap filter before the list).
#[inline]
fn starts_an_emoticon(first: u8, second: u8) -> bool {
    let pair = (first as usize) << 8 | second.to_ascii_lowercase() as usize;
    EMOTICON_PAIRS[pair >> 6] & (1 << (pair & 63)) != 0
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
    if !before_ok
        || !rest
            .get(1)
            .is_some_and(|&second| starts_an_emoticon(first, second))
    {
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
    let token = match read_ascii_word(text.as_bytes(), start) {
        Some(token) => token,
        None => read_any_word(text, start),
    };
    out.push(token);
    token.end as usize
}

/// Byte classes for the ASCII fast path.
const ALNUM: u8 = 1;
const ALPHA: u8 = 2;
const UPPER: u8 = 4;
const LOWER: u8 = 8;
const NON_ASCII: u8 = 16;
const BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if !c.is_ascii() {
            NON_ASCII
        } else if c.is_ascii_uppercase() {
            ALNUM | ALPHA | UPPER
        } else if c.is_ascii_lowercase() {
            ALNUM | ALPHA | LOWER
        } else if c.is_ascii_digit() {
            ALNUM
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Reads a word made only of ASCII bytes into its token, in one pass that only hashes
/// and classifies; the rarer facts (all capitals, suffix stems) are worked out after.
/// `None` when a non-ASCII byte belongs to the word, which [`read_any_word`] reads.
#[inline]
fn read_ascii_word(bytes: &[u8], start: usize) -> Option<Token> {
    let mut hash = HASH_SEED;
    let mut end = start;
    // The union of the classes of the word's bytes.
    let mut seen = 0u8;
    let mut elongated = false;
    let (mut last, mut before_last) = (0u8, 0u8);
    // The hash before the last one, two and three bytes (for suffix stems).
    let mut prefixes = [HASH_SEED; 3];
    while let Some(&b) = bytes.get(end) {
        let class = BYTE_CLASS[b as usize];
        if class & ALNUM == 0 {
            if class & NON_ASCII != 0 {
                return None;
            }
            // An apostrophe belongs to the word only between two word characters.
            if b != b'\'' || end == start {
                break;
            }
            match bytes.get(end + 1).map(|&n| BYTE_CLASS[n as usize]) {
                Some(next) if next & NON_ASCII != 0 => return None,
                Some(next) if next & ALNUM != 0 => {}
                _ => break,
            }
        }
        // Uppercase letters get the 0x20 bit: UPPER (4) shifted left by 3.
        let lower = b | ((class & UPPER) << 3);
        prefixes = [hash, prefixes[0], prefixes[1]];
        hash = (hash ^ u64::from(lower)).wrapping_mul(HASH_PRIME);
        seen |= class;
        // Non-short-circuit `&`: no branch per byte.
        elongated |= (class & ALPHA != 0) & (lower == last) & (lower == before_last);
        (before_last, last) = (last, lower);
        end += 1;
    }
    let word = &bytes[start..end];
    let length = word.len();
    let lower_at = |back: usize| {
        if length >= back {
            char::from(word[length - back].to_ascii_lowercase())
        } else {
            '\0'
        }
    };
    let tail = [lower_at(1), lower_at(2), lower_at(3)];
    let mut flags = if elongated { FLAG_ELONGATED } else { 0 };
    if seen & ALPHA != 0 {
        flags |= FLAG_HAS_LETTER;
    }
    // All capitals: no lowercase letter and at least two letters.
    if seen & (UPPER | LOWER) == UPPER
        && word.iter().filter(|b| b.is_ascii_uppercase()).count() >= 2
    {
        flags |= FLAG_ALL_CAPS;
    }
    let squeezed = if elongated {
        // ASCII words are valid UTF-8 on their own.
        let text = std::str::from_utf8(word).unwrap_or_default();
        (squeeze(text, 2), squeeze(text, 1))
    } else {
        (hash, hash)
    };
    Some(finish_word(
        start..end,
        hash,
        squeezed,
        length,
        tail,
        flags,
        |n| prefixes[n - 1],
    ))
}

/// The token of a word from what its scan found (`length` characters, the last three
/// `tail`, last first): adds the contracted-negation flag and the suffix stems;
/// `without_last(n)` is the hash of the word without its last `n` characters (only asked
/// for words of at least four characters).
#[inline]
fn finish_word(
    span: std::ops::Range<usize>,
    hash: u64,
    (squeezed_two, squeezed_one): (u64, u64),
    length: usize,
    tail: [char; 3],
    mut flags: u8,
    without_last: impl Fn(usize) -> u64,
) -> Token {
    let mut stems = [0, 0];
    if length >= 4 {
        if tail == ['t', '\'', 'n'] {
            flags |= FLAG_CONTRACTED_NEGATION;
        }
        stems = suffix_stems(&tail, without_last);
    }
    Token {
        kind: TokenKind::Word,
        start: span.start as u32,
        end: span.end as u32,
        hash,
        squeezed_two,
        squeezed_one,
        stems,
        flags,
    }
}

/// Reads a word of any characters into its token.
fn read_any_word(text: &str, start: usize) -> Token {
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
    let mut flags = word.flags;
    if letters > 0 {
        flags |= FLAG_HAS_LETTER;
    }
    if letters >= 2 && uppercase == letters {
        flags |= FLAG_ALL_CAPS;
    }
    let squeezed = if flags & FLAG_ELONGATED != 0 {
        let text = &text[start..end];
        (squeeze(text, 2), squeeze(text, 1))
    } else {
        (word.hash, word.hash)
    };
    finish_word(
        start..end,
        word.hash,
        squeezed,
        word.length,
        word.tail,
        flags,
        |n| word.prefixes[n - 1],
    )
}

/// Running hash of one word, fed its lowercased characters.
struct WordHasher {
    hash: u64,
    /// The hash before the last one, two and three characters (for suffix stems).
    prefixes: [u64; 3],
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
            prefixes: [HASH_SEED; 3],
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
        self.prefixes = [self.hash, self.prefixes[0], self.prefixes[1]];
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

/// Base-form hashes for the common English suffixes (-ing, -ily, -ed, -es, -ly, -s) of a
/// word of at least four lowercased characters whose last three are `tail` (last first),
/// given `cut(n)`, the hash of the word without its last `n` characters; 0 = none.
fn suffix_stems(tail: &[char; 3], cut: impl Fn(usize) -> u64) -> [u64; 2] {
    match (tail[2], tail[1], tail[0]) {
        ('i', 'n', 'g') => [cut(3), hash_char(cut(3), 'e')],
        ('i', 'l', 'y') => [hash_char(cut(3), 'y'), cut(2)],
        (_, 'e', 'd') => [cut(2), cut(1)],
        (_, 'e', 's') => [cut(1), cut(2)],
        (_, 'l', 'y') => [cut(2), 0],
        (_, c, 's') if c != 's' && c != '\'' => [cut(1), 0],
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
            "I",
            "OK2",
            "loving",
            "happily",
            "wanted",
            "boxes",
            "Hates",
            "SOOOO",
            "111",
            "aaa1",
        ] {
            let fast = read_ascii_word(word.as_bytes(), 0);
            let slow = read_any_word(word, 0);
            assert_eq!(fast, Some(slow), "{word}");
        }
        assert!(read_ascii_word("café".as_bytes(), 0).is_none());
        assert!(read_ascii_word("don'é".as_bytes(), 0).is_none());
    }

    proptest::proptest! {
        /// Any ASCII word (letters of both cases, digits, apostrophes, letters repeated three
        /// times, the suffixes that have stems) gets the same token from the fast path as
        /// from the general one: hashes, stems and flags.
        #[test]
        fn the_ascii_fast_path_agrees_on_any_word(
            word in "[A-Za-z0-9][A-Za-z0-9']{0,8}(ooo|OOO|ing|ily|ed|es|ly|s|n't|'s)?"
        ) {
            let fast = read_ascii_word(word.as_bytes(), 0);
            proptest::prop_assert_eq!(fast, Some(read_any_word(&word, 0)));
        }
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
