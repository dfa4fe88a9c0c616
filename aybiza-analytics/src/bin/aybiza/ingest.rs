//! `aybiza ingest`: JSON Lines into a store file.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::model::ingest::{IngestLimits, RecordError, parse_line};
use aybiza_analytics::store::WriteCounts;
use aybiza_analytics::{Error, Result};
use indicatif::{ProgressBar, ProgressStyle};

/// Exit status when some lines were rejected (the valid ones are stored).
const EXIT_SOME_REJECTED: u8 = 3;

/// Arguments of `aybiza ingest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store file (SQLite); created if missing.
    #[arg(long)]
    store: PathBuf,
    /// JSON Lines input; `-` reads standard input.
    #[arg(long, default_value = "-")]
    input: PathBuf,
    /// Records written per transaction (1 to 1,000,000).
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    batch_size: u32,
    /// Largest utterance text accepted, in bytes.
    #[arg(long, default_value_t = IngestLimits::default().max_text_bytes)]
    max_text_bytes: usize,
    /// Write every rejected line's error here, as JSON Lines.
    #[arg(long)]
    rejects: Option<PathBuf>,
    #[command(flatten)]
    access: crate::input::AccessArgs,
}

/// Streams the input in batches, so inputs larger than memory are fine.
/// Exits 0 when every line was stored, 3 when some were rejected.
pub async fn run(args: Args) -> Result<ExitCode> {
    let stores = crate::input::Stores::new(&args.access)?;
    let store = stores.open(&args.store)?;
    let limits = IngestLimits {
        max_text_bytes: args.max_text_bytes,
        ..IngestLimits::default()
    };
    let (reader, length): (Box<dyn Read>, Option<u64>) = if args.input.as_os_str() == "-" {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        let file = File::open(&args.input).map_err(|e| {
            Error::InvalidArgument(format!("cannot open {}: {e}", args.input.display()))
        })?;
        let length = file.metadata().ok().map(|m| m.len());
        (Box::new(file), length)
    };
    let progress = match length {
        Some(bytes) => ProgressBar::new(bytes).with_style(
            ProgressStyle::with_template("{spinner} ingest [{bar:30}] {bytes}/{total_bytes} {msg}")
                .expect("static template")
                .progress_chars("=> "),
        ),
        None => ProgressBar::new_spinner(),
    };
    let mut rejects = args
        .rejects
        .as_ref()
        .map(|path| File::create(path).map(std::io::BufWriter::new))
        .transpose()?;

    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    let mut line_number = 0;
    let mut batch = Vec::with_capacity(args.batch_size as usize);
    let mut written = WriteCounts::default();
    let mut rejected = 0usize;
    loop {
        line.clear();
        let read = read_line_bounded(&mut reader, &mut line, limits.max_line_bytes)?;
        if read > 0 {
            line_number += 1;
            progress.inc(read as u64);
            let raw = line.strip_suffix(b"\n").unwrap_or(&line);
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            if !raw.iter().all(u8::is_ascii_whitespace) {
                match parse_line(raw, line_number, &limits) {
                    Ok(record) => batch.push(record),
                    Err(error) => {
                        rejected += 1;
                        report_rejected(&error, rejected, rejects.as_mut())?;
                    }
                }
            }
        }
        if batch.len() >= args.batch_size as usize || (read == 0 && !batch.is_empty()) {
            written.add(store.put(std::mem::take(&mut batch)).await?);
            progress.set_message(format!(
                "{} stored",
                written.inserted + written.updated + written.unchanged
            ));
        }
        if read == 0 {
            break;
        }
    }
    progress.finish_and_clear();
    if let Some(file) = rejects.as_mut() {
        file.flush()?;
    }
    println!(
        "{}: {} inserted, {} updated, {} unchanged, {} rejected",
        args.store.display(),
        written.inserted,
        written.updated,
        written.unchanged,
        rejected
    );
    Ok(if rejected == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_SOME_REJECTED)
    })
}

/// Prints the first few rejections to stderr and every one to the rejects file.
fn report_rejected(
    error: &RecordError,
    count: usize,
    rejects: Option<&mut impl Write>,
) -> Result<()> {
    const SHOWN: usize = 10;
    if count <= SHOWN {
        eprintln!("rejected {error}");
    } else if count == SHOWN + 1 {
        eprintln!("(further rejections not shown; use --rejects FILE to keep them all)");
    }
    if let Some(out) = rejects {
        serde_json::to_writer(&mut *out, error)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Reads one line (through its `\n`) but keeps at most `limit + 1` of its bytes in `line`,
/// enough for [`parse_line`] to refuse it as too long without holding all of it; returns the
/// bytes consumed (0 at the end of the input).
fn read_line_bounded(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<usize> {
    let mut consumed = 0;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(consumed);
        }
        let end = available.iter().position(|&b| b == b'\n').map(|i| i + 1);
        let chunk = &available[..end.unwrap_or(available.len())];
        let room = (limit + 1).saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let taken = chunk.len();
        reader.consume(taken);
        consumed += taken;
        if end.is_some() {
            return Ok(consumed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::read_line_bounded;

    #[test]
    fn a_long_line_is_consumed_whole_but_kept_only_past_the_limit() {
        let input = format!("short\n{}\nlast", "x".repeat(100));
        let mut reader = std::io::BufReader::with_capacity(16, input.as_bytes());
        let mut line = Vec::new();
        let mut read = |line: &mut Vec<u8>| {
            line.clear();
            read_line_bounded(&mut reader, line, 10).unwrap()
        };
        assert_eq!((read(&mut line), line.as_slice()), (6, &b"short\n"[..]));
        assert_eq!((read(&mut line), line.len()), (101, 11));
        assert_eq!((read(&mut line), line.as_slice()), (4, &b"last"[..]));
        assert_eq!(read(&mut line), 0);
    }
}
