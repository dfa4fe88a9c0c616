// Analytics tables: a tenant's calls, utterances, journey events and metrics as columns or files.
const { test, before } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { aa, expectCode } = require('./helpers.js')

const SIM = { seed: 4, tenants: 1, days: 2, calls_per_day: 20, anomaly_days: 0 }

let store
let tenant
before(async () => {
  store = aa.Store.memory()
  assert.deepEqual((await store.ingestJsonl(await aa.simulateJsonl(SIM))).rejected, [])
  tenant = (await store.tenantIds())[0]
})

async function cardCall() {
  const card = aa.Store.memory()
  const lines = [
    {
      type: 'call', id: 'c1', tenant: 't', customer_id: 'k1', channel: 'voice', direction: 'inbound',
      started_at: '2026-03-09T10:00:00Z', ended_at: '2026-03-09T10:01:00Z', queue: 'billing',
    },
    {
      type: 'utterance', tenant: 't', call_id: 'c1', seq: 0, speaker: 'customer',
      text: 'My card is 4111 1111 1111 1111, this is awful', start_ms: 0, end_ms: 4000,
    },
  ]
  assert.deepEqual((await card.ingestJsonl(lines.map((l) => JSON.stringify(l)).join('\n'))).rejected, [])
  return card
}

test('tables have a column per field and a row per record', async () => {
  const tables = await aa.tenantTables(store, tenant)
  assert.deepEqual(Object.keys(tables), ['calls', 'utterances', 'journey_events', 'metrics', 'agents'])
  const calls = tables.calls
  // Columns keep the order of the Rust table (as in Python): fixed columns, then attributes.
  assert.deepEqual(Object.keys(calls).slice(0, 4), ['tenant', 'call_id', 'customer_id', 'agent_id'])
  assert.ok(Object.keys(calls).at(-1).startsWith('attr_'))
  assert.equal(calls.call_id.length, (await store.calls(tenant)).length)
  assert.equal(calls.utterances.reduce((a, b) => a + b, 0), tables.utterances.text.length)
  assert.ok(calls.started_at.every((t) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(t)))
  assert.ok(calls.sentiment.every((s) => s === null || (s >= -1 && s <= 1)))
  for (const table of Object.values(tables)) {
    assert.equal(new Set(Object.values(table).map((v) => v.length)).size, 1)
  }
})

test('PII is redacted unless kept, and only the tables asked for are built', async () => {
  const card = await cardCall()
  const { utterances } = await aa.tenantTables(card, 't')
  assert.deepEqual(utterances.text, ['My card is [CARD], this is awful'])
  assert.deepEqual(utterances.pii_redacted, [1])
  assert.deepEqual(utterances.sentiment_label, ['negative'])
  const kept = await aa.tenantTables(card, 't', null, null, { redact: false, tables: ['utterances'] })
  assert.deepEqual(Object.keys(kept), ['utterances'])
  assert.deepEqual(kept.utterances.text, ['My card is 4111 1111 1111 1111, this is awful'])
})

test('the same columns as Python, and a time range', async () => {
  const { calls } = await aa.tenantTables(store, tenant, null, null, { tables: ['calls'] })
  const first = calls.started_at.reduce((a, b) => (a < b ? a : b))
  const cut = new Date(Date.parse(first.slice(0, 10)) + 86_400_000)
  const later = await aa.tenantTables(store, tenant, cut, null, { tables: ['calls'] })
  const expected = calls.started_at.filter((t) => Date.parse(t) >= cut.getTime()).length
  assert.ok(expected > 0)
  assert.equal(later.calls.call_id.length, expected)
})

test('export writes csv, jsonl and parquet files', async () => {
  const card = await cardCall()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aybiza-tables-'))
  try {
    let files = await aa.exportTables(card, 't', path.join(dir, 'csv'))
    assert.deepEqual(files.map((f) => f.table), ['calls', 'utterances', 'journey_events', 'metrics', 'agents'])
    assert.deepEqual(files.map((f) => f.rows), [1, 1, 0, 0, 0])
    const [header, row] = fs.readFileSync(files[0].path, 'utf8').trim().split('\n')
    assert.ok(header.startsWith('tenant,call_id,customer_id,agent_id,'))
    assert.ok(row.startsWith('t,c1,k1,,voice,inbound,billing,2026-03-09T10:00:00.000Z,'))

    files = await aa.exportTables(card, 't', path.join(dir, 'jl'), 'jsonl', null, null, { tables: ['utterances'] })
    const line = JSON.parse(fs.readFileSync(files[0].path, 'utf8').trim())
    assert.equal(line.text, 'My card is [CARD], this is awful')

    files = await aa.exportTables(card, 't', path.join(dir, 'pq'), 'parquet')
    const bytes = fs.readFileSync(files[0].path)
    assert.equal(bytes.subarray(0, 4).toString(), 'PAR1')
    assert.equal(bytes.subarray(bytes.length - 4).toString(), 'PAR1')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('bad arguments reject with typed codes', async () => {
  const card = await cardCall()
  await expectCode(aa.exportTables(card, 't', os.tmpdir(), 'xlsx'), 'InvalidArgument', /unknown table format/)
  await expectCode(aa.tenantTables(card, 't', null, null, { tables: ['calls', 'calls'] }), 'InvalidArgument', /twice/)
  await expectCode(aa.tenantTables(card, 't', null, null, { tables: ['queues'] }), 'InvalidArgument', /queues/)
  await expectCode(aa.tenantTables(card, 't', null, null, { colour: 'red' }), 'InvalidArgument', /colour/)
})
