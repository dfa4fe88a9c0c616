// The shared ingestion cases (tests/fixtures/ingest_cases.json), against both backends
// and through both ingestion paths: JSON Lines text and arrays of objects.
const { test } = require('node:test')
const assert = require('node:assert/strict')

const { loadCases, backends, counts } = require('./helpers.js')

const cases = loadCases()

/** The case's lines as JS values: parsed objects, or the raw text for lines that are not JSON. */
function asItems(lines) {
  return lines.map((line) => {
    try {
      return JSON.parse(line)
    } catch {
      return line
    }
  })
}

const ingestPaths = {
  jsonl: (store, lines) => store.ingestJsonl(lines.join('\n')),
  buffer: (store, lines) => store.ingestJsonl(Buffer.from(lines.join('\n'), 'utf8')),
  array: (store, lines) => store.ingest(asItems(lines)),
}

test('the fixture file has cases', () => {
  assert.ok(cases.length >= 3)
})

for (const [backend, open] of Object.entries(backends())) {
  for (const [pathName, ingest] of Object.entries(ingestPaths)) {
    for (const c of cases) {
      test(`${backend} / ${pathName}: ${c.name}`, async () => {
        const store = await open()
        const expected = (report) => ({
          inserted: report.inserted,
          updated: report.updated,
          unchanged: report.unchanged,
          rejected: report.rejected,
        })

        const first = await ingest(store, c.lines)
        assert.deepEqual(counts(first), expected(c.first), 'first ingest')
        for (const rejection of first.rejected) {
          assert.equal(typeof rejection.message, 'string')
          assert.ok(rejection.message.length > 0)
        }

        const second = await ingest(store, c.lines)
        assert.deepEqual(counts(second), expected(c.second), 'second ingest')

        for (const [tenant, ids] of Object.entries(c.calls)) {
          const calls = await store.calls(tenant)
          assert.deepEqual(
            calls.map((call) => call.id),
            ids,
            `calls of ${tenant}`,
          )
          for (const call of calls) assert.equal(call.tenant, tenant)
        }
      })
    }
  }
}
