//! Opening input files, transparently gunzipping `*.gz`.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use aybiza_analytics::{Error, Result, SqliteStore};

/// Opens `path` for reading (`-` is standard input); a name ending in `.gz` is decompressed.
pub fn open(path: &Path) -> Result<Box<dyn Read>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let file = File::open(path)
        .map_err(|e| Error::InvalidArgument(format!("cannot open {}: {e}", path.display())))?;
    let reader = BufReader::with_capacity(1 << 20, file);
    if path.extension().is_some_and(|e| e == "gz") {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(reader)))
    } else {
        Ok(Box::new(reader))
    }
}

/// Opens the store file at `path` for a command that reads it. A missing file is an error:
/// opening it would create an empty store, and the command would report on nothing.
pub fn existing_store(path: &Path) -> Result<SqliteStore> {
    if !path.exists() {
        return Err(Error::InvalidArgument(format!(
            "store {} does not exist",
            path.display()
        )));
    }
    SqliteStore::open(path)
}

/// Refuses an output path that names the input file itself: creating the output would empty
/// the input before it is read.
pub fn refuse_same_file(input: &Path, output: &Path) -> Result<()> {
    match (input.canonicalize(), output.canonicalize()) {
        (Ok(input), Ok(output)) if input == output => Err(Error::InvalidArgument(format!(
            "the output {} is the input file; write to another path",
            output.display()
        ))),
        _ => Ok(()),
    }
}
