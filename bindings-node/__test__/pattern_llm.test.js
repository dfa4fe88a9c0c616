// analyzeCallPatterns: local discovery deepened per group by an LlmClient on a
// local server that speaks the Bedrock runtime Converse API (as llm.test.js).
const { test, before } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')

const { aa, expectCode } = require('./helpers.js')

process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST'
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret'
process.env.AWS_EC2_METADATA_DISABLED = 'true'
process.env.AWS_CONFIG_FILE = path.join(os.tmpdir(), 'aybiza-no-aws-config')
process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(os.tmpdir(), 'aybiza-no-aws-credentials')

const SIM = { seed: 5, tenants: 1, days: 1, calls_per_day: 120, journeys_per_day: 0, anomaly_days: 0 }
const INSIGHTS = {
  common_issues: [{ text: 'Double charges', confidence: 0.9 }],
  faqs: [],
  friction_points: [],
  resolution_patterns: [],
  automation_ideas: [],
  training_gaps: [],
  product_suggestions: [],
}

/** Answers each request with the next reply: a string (200) or [status, errorType]. */
async function bedrockServer(replies) {
  const prompts = []
  const server = http.createServer((req, res) => {
    let data = ''
    req.on('data', (chunk) => (data += chunk))
    req.on('end', () => {
      prompts.push(JSON.parse(data).messages[0].content[0].text)
      const reply = replies.shift()
      if (typeof reply === 'string') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({
          output: { message: { role: 'assistant', content: [{ text: reply }] } },
          stopReason: 'end_turn',
          usage: { inputTokens: 2000, outputTokens: 400, totalTokens: 2400 },
          metrics: { latencyMs: 5 },
        }))
      } else {
        res.writeHead(reply[0], { 'content-type': 'application/json', 'x-amzn-errortype': reply[1] })
        res.end(JSON.stringify({ message: `injected ${reply[1]}` }))
      }
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, prompts, close: () => { server.close(); server.closeAllConnections() } }
}

let store
let tenant
before(async () => {
  store = aa.Store.memory()
  assert.deepEqual((await store.ingestJsonl(await aa.simulateJsonl(SIM))).rejected, [])
  tenant = (await store.tenantIds())[0]
})

test('without a client it is local discovery', async () => {
  const analysis = await aa.analyzeCallPatterns(store, tenant)
  assert.deepEqual(analysis.groups, (await aa.discoverPatterns(store, tenant)).groups)
  assert.deepEqual(analysis.llm_failures, [])
  assert.equal(analysis.llm_usage, null)
})

test('groups are deepened and a failing group is reported', async () => {
  const server = await bedrockServer([JSON.stringify(INSIGHTS), [400, 'AccessDeniedException']])
  const llm = new aa.LlmClient({ region: 'us-east-1', endpoint_url: server.url, timeout_seconds: 5, max_attempts: 2 })
  const analysis = await aa.analyzeCallPatterns(store, tenant, null, null, { max_llm_groups: 2 }, llm)
  const deepened = analysis.groups.filter((g) => g.llm_insights !== undefined)
  assert.equal(deepened.length, 1)
  assert.deepEqual(deepened[0].llm_insights.common_issues, INSIGHTS.common_issues)
  assert.equal(deepened[0].llm_insights.usage.input_tokens, 2000)
  assert.equal(analysis.llm_failures.length, 1)
  const [failure] = analysis.llm_failures
  assert.equal(failure.kind, 'rejected')
  assert.ok(['0', '1'].includes(failure.group_id) && failure.group_id !== String(deepened[0].id))
  assert.equal(analysis.llm_usage.input_tokens, 2000)
  assert.equal(server.prompts.length, 2)
  for (const group of analysis.groups.slice(0, 2)) {
    assert.ok(server.prompts.some((p) => p.includes(`Group "${group.label}": ${group.size} calls`)))
  }
  server.close()
})

test('bad options reject', async () => {
  await expectCode(aa.analyzeCallPatterns(store, tenant, null, null, { llm: true }), 'InvalidArgument', /llm/)
})
