// LlmClient on Bedrock against a local server that speaks the Bedrock runtime
// Converse API (the real AWS SDK inside the addon signs and sends the requests).
const { test } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')

const { aa, expectCode } = require('./helpers.js')

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0'
const SONNET = 'anthropic.claude-3-7-sonnet-20250219-v1:0'

// Static test credentials through the standard AWS chain; no profile files, no instance metadata.
process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST'
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret'
process.env.AWS_EC2_METADATA_DISABLED = 'true'
process.env.AWS_CONFIG_FILE = path.join(os.tmpdir(), 'aybiza-no-aws-config')
process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(os.tmpdir(), 'aybiza-no-aws-credentials')

/** A server answering each request with the next reply: a string (200) or [status, errorType]. */
async function bedrockServer(replies) {
  const seen = []
  const server = http.createServer((req, res) => {
    let data = ''
    req.on('data', (chunk) => (data += chunk))
    req.on('end', () => {
      seen.push({ path: req.url, body: JSON.parse(data) })
      const reply = replies.length ? replies.shift() : [400, 'ValidationException']
      const headers = { 'content-type': 'application/json' }
      let status = 200
      let payload
      if (typeof reply === 'string') {
        payload = {
          output: { message: { role: 'assistant', content: [{ text: reply }] } },
          stopReason: 'end_turn',
          usage: { inputTokens: 2000, outputTokens: 400, totalTokens: 2400 },
          metrics: { latencyMs: 5 },
        }
      } else {
        status = reply[0]
        headers['x-amzn-errortype'] = reply[1]
        payload = { message: `injected ${reply[1]}` }
      }
      res.writeHead(status, headers)
      res.end(JSON.stringify(payload))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${server.address().port}`, seen, close: () => { server.close(); server.closeAllConnections() } }
}

function client(server, settings = {}) {
  return new aa.LlmClient({
    region: 'us-east-1',
    endpoint_url: server.url,
    timeout_seconds: 5,
    max_attempts: 3,
    initial_backoff_seconds: 0.001,
    max_backoff_seconds: 0.01,
    ...settings,
  })
}

test('complete redacts the prompt, routes to Haiku and books the cost', async () => {
  const server = await bedrockServer(['It was charged twice.'])
  const llm = client(server)
  assert.deepEqual(llm.costs(), {})
  const answer = await llm.complete({ system: 'You analyse calls.', user: 'card 4111 1111 1111 1111 twice' }, 't1')
  assert.equal(answer.text, 'It was charged twice.')
  assert.equal(answer.model, HAIKU)
  assert.equal(answer.json, null)
  assert.deepEqual([answer.usage.input_tokens, answer.usage.output_tokens], [2000, 400])
  assert.ok(Math.abs(answer.usage.cost_usd - 0.001) < 1e-12)
  assert.equal(server.seen[0].path, '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse')
  assert.equal(server.seen[0].body.messages[0].content[0].text, 'card [CARD] twice')
  assert.equal(llm.costs().t1.total.calls, 1)
  server.close()
})

test('throttling and 5xx are retried; a rejection rejects with code Llm', async () => {
  let server = await bedrockServer([[429, 'ThrottlingException'], [503, 'ServiceUnavailableException'], 'fine'])
  assert.equal((await client(server).complete({ system: '', user: 'u', tier: 'large' })).model, SONNET)
  assert.equal(server.seen.length, 3)
  server.close()

  server = await bedrockServer([[400, 'AccessDeniedException']])
  await expectCode(client(server).complete({ system: 's', user: 'u' }), 'Llm', /rejected by the model provider \(HTTP 400\)/)
  assert.equal(server.seen.length, 1)
  server.close()
})

test('an answer that breaks its schema twice rejects with code Llm', async () => {
  const schema = { type: 'object', required: ['score'], properties: { score: { type: 'number' } } }
  let server = await bedrockServer(['{"score": 0.5}'])
  assert.deepEqual((await client(server).complete({ system: 's', user: 'u', json_schema: schema })).json, { score: 0.5 })
  server.close()
  server = await bedrockServer(['not json', '{"grade": 1}'])
  await expectCode(client(server).complete({ system: 's', user: 'u', json_schema: schema }), 'Llm', /invalid answer after 2 attempts/)
  server.close()
})

test('deepen and summarize', async () => {
  const insights = {
    common_issues: [{ text: 'Double charges', confidence: 0.9 }],
    faqs: [],
    friction_points: [],
    resolution_patterns: [],
    automation_ideas: [],
    training_gaps: [],
    product_suggestions: [],
  }
  const summary = { key_findings: ['a', 'b', 'c'], business_impact: 'd', recommended_actions: ['e'], risk_factors: [] }
  const server = await bedrockServer([JSON.stringify(insights), JSON.stringify(summary)])
  const llm = client(server, { max_concurrency: 1 })
  const groups = [{ group_id: 'g1', label: 'billing', size: 80, top_terms: ['charged'], samples: ['Customer: hi'] }]
  const result = await llm.deepen(groups, 't', { max_samples: 2 })
  assert.deepEqual(result.failures, [])
  assert.equal(result.groups[0].model, SONNET)
  assert.deepEqual(result.groups[0].insights.common_issues, [{ text: 'Double charges', confidence: 0.9 }])
  assert.deepEqual((await llm.summarize({ calls: 1200, escalation_rate: 0.1 }, 't')).summary, summary)
  assert.equal(llm.costs().t.total.calls, 2)
  server.close()
})

test('deepen reports failed groups instead of rejecting', async () => {
  const server = await bedrockServer([[400, 'ValidationException']])
  const result = await client(server).deepen([{ group_id: 'g1', label: 'billing', size: 3 }])
  assert.deepEqual(result.groups, [])
  assert.deepEqual(result.failures.map((f) => [f.group_id, f.kind]), [['g1', 'rejected']])
  server.close()
})

test('bad settings and requests are refused', async () => {
  assert.throws(() => new aa.LlmClient({ regoin: 'us-east-1' }), /regoin/)
  const server = await bedrockServer([])
  await expectCode(client(server, { timeout_seconds: -1 }).complete({ system: 's', user: 'u' }), 'Llm', /timeout_seconds/)
  await expectCode(client(server).complete({ system: 's' }), 'InvalidArgument', /user/)
  await expectCode(client(server).deepen('not a list'), 'InvalidArgument', /groups must be an array/)
  server.close()
})
