// pushPowerBi against a local server that keeps push datasets as Power BI's REST API does.
const { test, before } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')

const { aa, expectCode } = require('./helpers.js')

const SIM = { seed: 4, tenants: 1, days: 2, calls_per_day: 20, anomaly_days: 0 }

let store
let tenant
before(async () => {
  store = aa.Store.memory()
  assert.deepEqual((await store.ingestJsonl(await aa.simulateJsonl(SIM))).rejected, [])
  tenant = (await store.tenantIds())[0]
})

/** Datasets in memory; `fail` maps a table to the status its row posts get. */
async function fakePowerBi() {
  const datasets = {}
  const requests = []
  const fail = {}
  const server = http.createServer((req, res) => {
    let data = ''
    req.on('data', (chunk) => (data += chunk))
    req.on('end', () => {
      requests.push({ method: req.method, path: req.url, authorization: req.headers.authorization })
      const reply = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      if (req.headers.authorization !== 'Bearer token-1') return reply(401, { error: { code: 'TokenExpired' } })
      const body = data ? JSON.parse(data) : null
      const parts = req.url.split('?')[0].replace('/v1.0/myorg/', '').split('/')
      if (req.method === 'GET' && parts.join('/') === 'datasets') {
        const value = Object.entries(datasets).map(([id, d]) => ({ id, name: d.name, addRowsAPIEnabled: true }))
        return reply(200, { value })
      }
      if (req.method === 'POST' && parts.join('/') === 'datasets') {
        const id = `ds-${Object.keys(datasets).length + 1}`
        const tables = Object.fromEntries(body.tables.map((t) => [t.name, { columns: t.columns, rows: [] }]))
        datasets[id] = { name: body.name, tables }
        return reply(201, { id })
      }
      if (req.method === 'GET' && parts.length === 3 && parts[2] === 'tables') {
        return reply(200, { value: Object.keys(datasets[parts[1]].tables).map((name) => ({ name })) })
      }
      if (req.method === 'PUT' && parts.length === 4 && parts[2] === 'tables') {
        datasets[parts[1]].tables[parts[3]].columns = body.columns
        return reply(200, body)
      }
      if (req.method === 'DELETE' && parts.length === 5 && parts[4] === 'rows') {
        datasets[parts[1]].tables[parts[3]].rows.length = 0
        return reply(200, {})
      }
      if (req.method === 'POST' && parts.length === 5 && parts[4] === 'rows') {
        if (fail[parts[3]]) return reply(fail[parts[3]], { error: { code: 'Injected', message: 'no more rows today' } })
        datasets[parts[1]].tables[parts[3]].rows.push(...body.rows)
        return reply(200, {})
      }
      return reply(404, { error: { code: 'NotFound' } })
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}/v1.0/myorg`,
    datasets,
    requests,
    fail,
    rows: (table) => Object.values(datasets)[0].tables[table].rows,
    close: () => { server.close(); server.closeAllConnections() },
  }
}

const settings = (fake) => ({ access_token: 'token-1', api_url: fake.url, max_attempts: 1 })

test('a push creates the dataset with every row of the tenant\'s tables', async () => {
  const fake = await fakePowerBi()
  try {
    const pushed = await aa.pushPowerBi(store, tenant, 'Calls', settings(fake), null, null, null, { rows_per_request: 250 })
    const tables = await aa.tenantTables(store, tenant)
    assert.equal(pushed.created, true)
    assert.deepEqual(pushed.tables.map((t) => t.table), Object.keys(tables))
    for (const summary of pushed.tables) {
      const rows = Object.values(tables[summary.table])[0].length
      assert.ok(rows > 0)
      assert.equal(summary.rows, rows)
      assert.equal(fake.rows(summary.table).length, rows)
      assert.equal(summary.requests, Math.ceil(rows / 250))
    }
    assert.deepEqual(fake.rows('calls').map((r) => r.call_id), tables.calls.call_id)
    assert.ok(fake.requests.every((r) => r.authorization === 'Bearer token-1'))
  } finally {
    fake.close()
  }
})

test('a refused push rejects with code PowerBi and says what was already pushed', async () => {
  const fake = await fakePowerBi()
  try {
    fake.fail.metrics = 400
    const push = aa.pushPowerBi(store, tenant, 'Calls', settings(fake), null, null, { tables: ['calls', 'metrics'] })
    await expectCode(push, 'PowerBi', /HTTP 400.*no more rows today; already pushed: calls \d+ rows/)
    const error = await push.catch((e) => e)
    const calls = fake.rows('calls').length
    assert.ok(calls > 0)
    assert.deepEqual(error.pushed, [{ table: 'calls', rows: calls, requests: 1, truncated_values: 0 }])
    assert.deepEqual(fake.rows('metrics'), [])
  } finally {
    fake.close()
  }
})

test('pushing again appends, or replaces the rows and sets the schema', async () => {
  const fake = await fakePowerBi()
  try {
    const metrics = { tables: ['metrics'] }
    const first = await aa.pushPowerBi(store, tenant, 'Ops', settings(fake), null, null, metrics)
    const rows = first.tables[0].rows
    const again = await aa.pushPowerBi(store, tenant, 'Ops', settings(fake), null, null, metrics)
    assert.equal(again.created, false)
    assert.equal(again.dataset_id, first.dataset_id)
    assert.equal(fake.rows('metrics').length, 2 * rows)
    await aa.pushPowerBi(store, tenant, 'Ops', settings(fake), null, null, metrics, { mode: 'replace' })
    assert.equal(fake.rows('metrics').length, rows)
    const methods = fake.requests.map((r) => r.method)
    assert.equal(methods.filter((m) => m === 'DELETE').length, 1)
    assert.equal(methods.filter((m) => m === 'PUT').length, 1)
  } finally {
    fake.close()
  }
})

test('bad settings and options reject before any request', async () => {
  const fake = await fakePowerBi()
  try {
    const cases = [
      [{ tenant_id: 't', client_id: 'c', api_url: fake.url }, null],
      [{ ...settings(fake), token: 'x' }, null],
      [settings(fake), { rows_per_request: 0 }],
      [settings(fake), { mode: 'upsert' }],
    ]
    for (const [badSettings, badPush] of cases) {
      await expectCode(aa.pushPowerBi(store, tenant, 'Calls', badSettings, null, null, null, badPush), 'InvalidArgument')
    }
    assert.deepEqual(fake.requests, [])
  } finally {
    fake.close()
  }
})
