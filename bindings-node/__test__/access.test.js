// Scoped stores: roles, tenants, masked personal data and the audit log.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { aa, expectCode } = require('./helpers.js')

const LINES = [
  {
    type: 'call', id: 'c1', tenant: 'north', customer_id: 'k1', channel: 'voice', direction: 'inbound',
    started_at: '2026-03-09T10:00:00Z', attributes: { email: 'jo@example.com' },
  },
  {
    type: 'utterance', tenant: 'north', call_id: 'c1', seq: 0, speaker: 'customer',
    text: 'my card is 4111 1111 1111 1111', start_ms: 0, end_ms: 3000,
  },
  {
    type: 'call', id: 'c2', tenant: 'south', customer_id: 'k2', channel: 'chat', direction: 'inbound',
    started_at: '2026-03-09T11:00:00Z',
  },
].map((l) => JSON.stringify(l))

async function filled() {
  const store = aa.Store.memory()
  assert.deepEqual((await store.ingestJsonl(LINES.join('\n'))).rejected, [])
  return store
}

function tempLog() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aybiza-audit-'))
  return { dir, log: path.join(dir, 'audit.jsonl') }
}

test('a viewer sees its tenant masked and every access is audited', async () => {
  const { dir, log } = tempLog()
  try {
    const viewer = (await filled()).scoped({ id: 'dana', role: 'viewer', tenants: ['north'] }, log)
    assert.deepEqual(await viewer.tenantIds(), ['north'])
    assert.equal((await viewer.transcript('north', 'c1'))[0].text, 'my card is [CARD]')
    assert.deepEqual((await viewer.calls('north'))[0].attributes, { email: '[EMAIL]' })
    await expectCode(viewer.calls('south'), 'Forbidden', /'dana' may not access tenant 'south'/)
    const tables = await aa.tenantTables(viewer, 'north', null, null, { redact: false, tables: ['utterances'] })
    assert.deepEqual(tables.utterances.text, ['my card is [CARD]'])

    const events = aa.readAuditLog(log)
    assert.deepEqual(events.slice(0, 4).map((e) => e.action), ['tenant_ids', 'transcript', 'calls', 'calls'])
    assert.deepEqual(events.slice(0, 4).map((e) => e.allowed), [true, true, true, false])
    assert.equal(events[1].call_id, 'c1')
    assert.equal(events[1].redacted, true)
    assert.equal(events[3].tenant, 'south')
    assert.ok(events.every((e) => e.principal === 'dana' && e.role === 'viewer'))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('an ingest principal writes its tenants only', async () => {
  const { dir, log } = tempLog()
  try {
    const store = await filled()
    const pipeline = store.scoped({ id: 'asr', role: 'ingest', tenants: ['north'] }, log)
    assert.equal((await pipeline.ingestJsonl(LINES[0])).written.unchanged, 1)
    await expectCode(pipeline.ingestJsonl(LINES.join('\n')), 'Forbidden', /may not write to tenant 'south'/)
    await expectCode(pipeline.calls('north'), 'Forbidden', /may not read/)
    const analyst = store.scoped({ id: 'ana', role: 'analyst', tenants: ['*'] }, log)
    assert.deepEqual(await analyst.tenantIds(), ['north', 'south'])
    assert.equal((await analyst.transcript('north', 'c1'))[0].text, 'my card is 4111 1111 1111 1111')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('bad principals and unreadable logs throw typed errors', async () => {
  const { dir, log } = tempLog()
  try {
    const store = await filled()
    const throwsCode = (fn, code, pattern) =>
      assert.throws(fn, (error) => error.code === code && (!pattern || pattern.test(error.message)))
    throwsCode(() => store.scoped({ id: 'x', role: 'owner', tenants: ['*'] }, log), 'InvalidArgument', /role/)
    throwsCode(() => store.scoped({ id: 'x', role: 'viewer', tenants: [] }, log), 'InvalidArgument', /at least one tenant/)
    throwsCode(() => store.scoped({ id: 'x', role: 'viewer', tenants: ['*'] }, path.join(dir, 'no', 'a.jsonl')), 'Io')
    throwsCode(() => aa.readAuditLog(path.join(dir, 'missing.jsonl')), 'Io')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
