// Shared helpers for the node:test suites (not a test file itself).
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const aa = require('../index.js')

/** The shared ingestion cases of the Rust, Python and Node suites, at the repository root. */
const FIXTURES = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'ingest_cases.json')

function loadCases() {
  return JSON.parse(fs.readFileSync(FIXTURES, 'utf8')).cases
}

/** A fresh directory for store files, removed when the process exits. */
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aybiza-node-'))
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Factories for each backend: a new, empty store per call. */
function backends() {
  const dir = tempDir()
  let count = 0
  return {
    memory: async () => aa.Store.memory(),
    sqlite: async () => aa.Store.open(path.join(dir, `store-${++count}.db`)),
  }
}

/** The parts of a rejection the fixtures pin down. */
function summarize(rejected) {
  return rejected.map(({ line, record_id, field }) => ({ line, record_id, field }))
}

function counts(report) {
  return { ...report.written, rejected: summarize(report.rejected) }
}

module.exports = { aa, loadCases, tempDir, backends, summarize, counts }
