// The Store class: result shapes, persistence, time ranges, argument errors,
// and values JSON cannot carry.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')

const { aa, loadCases, tempDir, backends, summarize } = require('./helpers.js')

const everyType = loadCases()[0].lines.map((line) => JSON.parse(line))
const withoutType = ({ type, ...rest }) => rest
const byType = (type) => everyType.filter((r) => r.type === type).map(withoutType)

function call(id, startedAt, extra = {}) {
  return {
    type: 'call',
    id,
    tenant: 'acme',
    customer_id: `cust-${id}`,
    channel: 'voice',
    direction: 'inbound',
    started_at: startedAt,
    ...extra,
  }
}

async function expectCode(promise, code, pattern) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof Error, 'rejects with an Error')
    assert.equal(error.code, code)
    if (pattern) assert.match(error.message, pattern)
    return true
  })
}

for (const [backend, open] of Object.entries(backends())) {
  test(`${backend}: queries return the records in the Rust serde shape`, async () => {
    const store = await open()
    await store.ingest(everyType)
    assert.deepEqual(await store.tenantIds(), ['acme'])
    assert.deepEqual(await store.tenant('acme'), byType('tenant')[0])
    assert.equal(await store.tenant('globex'), null)
    assert.deepEqual(await store.calls('acme'), byType('call'))
    assert.deepEqual(await store.utterances('acme'), byType('utterance'))
    assert.deepEqual(await store.transcript('acme', 'c1'), byType('utterance'))
    assert.deepEqual(await store.transcript('acme', 'unknown'), [])
    assert.deepEqual(await store.journeyEvents('acme'), byType('journey_event'))
    assert.deepEqual(await store.metrics('acme'), byType('metric'))
    assert.deepEqual(await store.calls('globex'), [])
  })

  test(`${backend}: utterances without a call record have their own query`, async () => {
    const store = await open()
    await store.ingest(everyType)
    assert.deepEqual(await store.utterancesWithoutCall('acme'), [])
    const live = byType('utterance').map((u, seq) => ({ type: 'utterance', ...u, call_id: 'live', seq }))
    await store.ingest(live)
    const orphans = await store.utterancesWithoutCall('acme')
    assert.deepEqual(orphans, live.map(withoutType))
    assert.ok(!(await store.utterances('acme')).some((u) => u.call_id === 'live'))
    await expectCode(store.utterancesWithoutCall(42), 'InvalidArgument', /tenant/)
  })

  test(`${backend}: the ingest report has the Rust serde keys`, async () => {
    const store = await open()
    const report = await store.ingestJsonl('{"type":"call","id":"x"}\n')
    assert.deepEqual(Object.keys(report).sort(), ['rejected', 'written'])
    assert.deepEqual(Object.keys(report.written).sort(), ['inserted', 'unchanged', 'updated'])
    assert.deepEqual(Object.keys(report.rejected[0]).sort(), ['field', 'line', 'message', 'record_id'])
    assert.deepEqual(summarize(report.rejected), [{ line: 1, record_id: 'x', field: 'tenant' }])
  })

  test(`${backend}: a changed record with a known key is updated`, async () => {
    const store = await open()
    await store.ingest([call('c1', '2026-03-02T14:00:00Z')])
    const report = await store.ingest([call('c1', '2026-03-02T14:00:00Z', { outcome: 'resolved' })])
    assert.deepEqual(report.written, { inserted: 0, updated: 1, unchanged: 0 })
    assert.equal((await store.calls('acme'))[0].outcome, 'resolved')
  })

  test(`${backend}: time ranges are half-open and take Dates or strings`, async () => {
    const store = await open()
    await store.ingest([
      call('c14', '2026-03-02T14:00:00Z'),
      call('c15', '2026-03-02T15:00:00Z'),
      call('c16', '2026-03-02T16:00:00Z'),
      { type: 'metric', tenant: 'acme', metric: 'queue_depth', timestamp: '2026-03-02T14:30:00Z', value: 3 },
      { type: 'metric', tenant: 'acme', metric: 'queue_depth', timestamp: '2026-03-02T15:30:00Z', value: 5 },
      {
        type: 'journey_event',
        id: 'e1',
        tenant: 'acme',
        customer_id: 'cust-c15',
        channel: 'web',
        action: 'visit_pricing',
        timestamp: '2026-03-02T15:10:00Z',
      },
    ])
    const ids = (calls) => calls.map((c) => c.id)
    const at = (hour) => new Date(Date.UTC(2026, 2, 2, hour))

    assert.deepEqual(ids(await store.calls('acme', at(15), at(16))), ['c15'])
    assert.deepEqual(ids(await store.calls('acme', '2026-03-02T15:00:00Z', '2026-03-02T16:00:00Z')), ['c15'])
    assert.deepEqual(ids(await store.calls('acme', '2026-03-02T16:00:00+01:00')), ['c15', 'c16'])
    assert.deepEqual(ids(await store.calls('acme', at(15))), ['c15', 'c16'])
    assert.deepEqual(ids(await store.calls('acme', null, at(15))), ['c14'])
    assert.deepEqual(ids(await store.calls('acme', undefined, '2026-03-02T15:00:00.001Z')), ['c14', 'c15'])
    assert.deepEqual(ids(await store.calls('acme', null, null)), ['c14', 'c15', 'c16'])
    assert.deepEqual(ids(await store.calls('acme', at(15), at(15))), [])

    const metrics = await store.metrics('acme', at(15), '2026-03-02T16:00:00Z')
    assert.deepEqual(metrics.map((m) => m.value), [5])
    assert.deepEqual((await store.journeyEvents('acme', at(15), at(16))).map((e) => e.id), ['e1'])
    assert.deepEqual(await store.journeyEvents('acme', at(16)), [])
  })

  test(`${backend}: bad arguments reject with code InvalidArgument`, async () => {
    const store = await open()
    const pending = store.calls('acme', '2026-03-03T00:00:00Z', '2026-03-02T00:00:00Z')
    assert.ok(pending instanceof Promise, 'bad arguments reject rather than throw')
    await expectCode(pending, 'InvalidArgument', /ends .* before it starts/)
    await expectCode(store.calls('acme', new Date('2026-03-03'), new Date('2026-03-02')), 'InvalidArgument')
    await expectCode(store.metrics('acme', '2026-13-45'), 'InvalidArgument', /start: "2026-13-45" is not an ISO-8601 date/)
    await expectCode(store.utterances('acme', null, 'yesterday'), 'InvalidArgument', /end: "yesterday" is not an ISO-8601 date/)
    await expectCode(store.journeyEvents('acme', new Date('not a date')), 'InvalidArgument', /invalid Date/)
    await expectCode(store.calls('acme', 1709380800000), 'InvalidArgument', /got number/)
    await expectCode(store.calls(42), 'InvalidArgument', /tenant must be a string/)
    await expectCode(store.transcript('acme'), 'InvalidArgument', /callId must be a string, got undefined/)
    await expectCode(store.tenant(null), 'InvalidArgument', /id must be a string/)
    await expectCode(store.ingest({ type: 'call' }), 'InvalidArgument', /records must be an array/)
    await expectCode(store.ingestJsonl(12), 'InvalidArgument', /input must be a string/)
    await expectCode(store.ingestJsonl(new Float64Array(2)), 'InvalidArgument', /input must be a string/)
  })

  test(`${backend}: NaN and infinities reject only their record, naming the field`, async () => {
    const store = await open()
    const report = await store.ingest([
      call('good', '2026-03-02T14:00:00Z'),
      call('nan', '2026-03-02T14:00:00Z', { satisfaction: NaN }),
      {
        type: 'utterance',
        tenant: 'acme',
        call_id: 'good',
        seq: 0,
        speaker: 'customer',
        text: 'hello',
        start_ms: 0,
        end_ms: 900,
        voice: { energy: Infinity },
      },
      { type: 'metric', tenant: 'acme', metric: 'latency', timestamp: '2026-03-02T14:00:00Z', value: -Infinity },
      call('also-good', new Date('2026-03-02T15:00:00Z')),
    ])
    assert.deepEqual(report.written, { inserted: 2, updated: 0, unchanged: 0 })
    assert.deepEqual(summarize(report.rejected), [
      { line: 2, record_id: 'nan', field: 'satisfaction' },
      { line: 3, record_id: 'good#0', field: 'voice.energy' },
      { line: 4, record_id: 'latency', field: 'value' },
    ])
    assert.match(report.rejected[0].message, /finite number, got NaN/)
    assert.match(report.rejected[1].message, /got Infinity/)
    assert.match(report.rejected[2].message, /got -Infinity/)
    const calls = await store.calls('acme')
    assert.deepEqual(calls.map((c) => c.id), ['good', 'also-good'])
    assert.equal(calls[1].started_at, '2026-03-02T15:00:00Z', 'a Date is stored as its instant')
  })

  test(`${backend}: items JSON cannot carry are rejected by position`, async () => {
    const store = await open()
    const cyclic = call('cyclic', '2026-03-02T14:00:00Z')
    cyclic.attributes = { self: cyclic }
    const report = await store.ingest([
      42,
      'text',
      null,
      call('fn', '2026-03-02T14:00:00Z', { queue: () => 'billing' }),
      call('sym', '2026-03-02T14:00:00Z', { tags: ['ok', Symbol('no')] }),
      call('bad-date', new Date('nope')),
      cyclic,
      call('big', '2026-03-02T14:00:00Z', { agent_id: undefined, satisfaction: 3n }),
    ])
    assert.deepEqual(summarize(report.rejected), [
      { line: 1, record_id: null, field: null },
      { line: 2, record_id: null, field: null },
      { line: 3, record_id: null, field: null },
      { line: 4, record_id: 'fn', field: 'queue' },
      { line: 5, record_id: 'sym', field: 'tags[1]' },
      { line: 6, record_id: 'bad-date', field: 'started_at' },
      { line: 7, record_id: 'cyclic', field: report.rejected[6].field },
    ])
    assert.match(report.rejected[6].field, /^attributes\.self\.attributes\.self/)
    assert.match(report.rejected[6].message, /levels deep/)
    assert.deepEqual(report.written, { inserted: 1, updated: 0, unchanged: 0 })
    const [big] = await store.calls('acme')
    assert.equal(big.id, 'big')
    assert.equal(big.satisfaction, 3)
    assert.equal('agent_id' in big, false, 'undefined properties are left out')
  })

  test(`${backend}: a Buffer line that is not UTF-8 rejects only that line`, async () => {
    const store = await open()
    const lines = [
      Buffer.from(JSON.stringify(call('before', '2026-03-02T14:00:00Z'))),
      Buffer.concat([
        Buffer.from('{"type":"call","id":"broken","tenant":"acme","customer_id":"'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('","channel":"voice","direction":"inbound","started_at":"2026-03-02T14:00:00Z"}'),
      ]),
      Buffer.from(JSON.stringify(call('after', '2026-03-02T15:00:00Z'))),
    ]
    const input = Buffer.concat([lines[0], Buffer.from('\n'), lines[1], Buffer.from('\r\n'), lines[2]])
    const report = await store.ingestJsonl(input)
    assert.deepEqual(report.written, { inserted: 2, updated: 0, unchanged: 0 })
    assert.deepEqual(summarize(report.rejected), [{ line: 2, record_id: null, field: null }])
    assert.match(report.rejected[0].message, /UTF-8/)
    assert.deepEqual((await store.calls('acme')).map((c) => c.id), ['before', 'after'])

    const asUint8Array = new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
    const again = await store.ingestJsonl(asUint8Array)
    assert.deepEqual(again.written, { inserted: 0, updated: 0, unchanged: 2 })
  })
}

test('a file store keeps its records across reopening', async () => {
  const file = path.join(tempDir(), 'persist.db')
  const first = await aa.Store.open(file)
  const report = await first.ingest(everyType)
  assert.equal(report.written.inserted, everyType.length)

  const reopened = await aa.Store.open(file)
  assert.deepEqual(await reopened.tenantIds(), ['acme'])
  assert.deepEqual(await reopened.calls('acme'), byType('call'))
  assert.deepEqual(await reopened.transcript('acme', 'c1'), byType('utterance'))
  const again = await reopened.ingest(everyType)
  assert.deepEqual(again.written, { inserted: 0, updated: 0, unchanged: everyType.length })
})

test('memory stores are independent of each other', async () => {
  const one = aa.Store.memory()
  const two = aa.Store.memory()
  await one.ingest(everyType)
  assert.deepEqual(await two.tenantIds(), [])
})

test('opening a store where no file can be made rejects with code Storage', async () => {
  const missing = path.join(tempDir(), 'no', 'such', 'dir', 'x.db')
  await expectCode(aa.Store.open(missing), 'Storage', /unable to open/)
  await expectCode(aa.Store.open(7), 'InvalidArgument', /path must be a string/)
})

test('the Store class has no public constructor', () => {
  assert.throws(() => new aa.Store())
})

test('parseJsonl validates without storing', () => {
  const lines = loadCases()[1].lines
  const parsed = aa.parseJsonl(lines.join('\n'))
  assert.deepEqual(
    parsed.records.map((r) => [r.type, r.id ?? `${r.call_id}#${r.seq}`]),
    [
      ['call', 'c1'],
      ['call', 'c10'],
    ],
  )
  assert.equal(parsed.records[0].type, 'call')
  assert.equal(parsed.rejected.length, 8)
  assert.deepEqual(summarize(parsed.rejected)[0], { line: 2, record_id: null, field: 'id' })

  const all = aa.parseJsonl(Buffer.from(loadCases()[0].lines.join('\n')))
  assert.deepEqual(all.records, everyType)
  assert.deepEqual(all.rejected, [])

  const broken = Buffer.concat([Buffer.from('{"type":"tenant","id":"a","name":"'), Buffer.from([0xc3]), Buffer.from('"}\n')])
  assert.deepEqual(summarize(aa.parseJsonl(broken).rejected), [{ line: 1, record_id: null, field: null }])
})

test('parseJsonl throws synchronously with code InvalidArgument on a bad input type', () => {
  assert.throws(
    () => aa.parseJsonl({ text: 'x' }),
    (error) => error instanceof Error && error.code === 'InvalidArgument' && /input must be a string/.test(error.message),
  )
})
