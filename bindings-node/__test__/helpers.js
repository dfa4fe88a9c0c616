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

/** The shared redaction cases of the Rust, Python and Node suites. */
const REDACTION_FIXTURES = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'redaction_cases.json')

function loadRedactionCases() {
  return JSON.parse(fs.readFileSync(REDACTION_FIXTURES, 'utf8')).cases
}

/** Asserts that `promise` rejects with an `Error` of `code` whose message matches `pattern`. */
async function expectCode(promise, code, pattern) {
  const assert = require('node:assert/strict')
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof Error, 'rejects with an Error')
    assert.equal(error.code, code)
    if (pattern) assert.match(error.message, pattern)
    return true
  })
}

/** Asserts that `fn` throws an `Error` of `code` whose message matches `pattern`. */
function expectSyncCode(fn, code, pattern) {
  const assert = require('node:assert/strict')
  assert.throws(fn, (error) => {
    assert.ok(error instanceof Error, 'throws an Error')
    assert.equal(error.code, code)
    if (pattern) assert.match(error.message, pattern)
    return true
  })
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

module.exports = {
  aa,
  loadCases,
  loadRedactionCases,
  expectCode,
  expectSyncCode,
  tempDir,
  backends,
  summarize,
  counts,
}
