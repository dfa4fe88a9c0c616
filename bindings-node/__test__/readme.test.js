// The README's Node tour runs as written, as a CommonJS file, and prints what its comments say.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const { aa, tempDir } = require('./helpers.js')

const TONES = ['apologetic_understanding', 'patient_explanatory', 'friendly_efficient', 'professional_neutral']

/** The first fenced `language` block under the README's `### heading`. */
function readmeBlock(heading, language) {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8')
  const section = text.slice(text.indexOf(`\n### ${heading}\n`))
  const start = section.indexOf('```' + language + '\n') + language.length + 4
  return section.slice(start, section.indexOf('```\n', start))
}

test('the Node tour runs as written', async () => {
  const dir = tempDir()
  const sample = await aa.simulateJsonl({ seed: 3, tenants: 1, days: 3, calls_per_day: 20, anomaly_days: 1 })
  fs.writeFileSync(path.join(dir, 'calls.jsonl'), sample)
  // `require('aybiza-analytics')` resolves to this package, as it would once installed.
  fs.mkdirSync(path.join(dir, 'node_modules'))
  fs.symlinkSync(path.join(__dirname, '..'), path.join(dir, 'node_modules', 'aybiza-analytics'), 'dir')
  fs.writeFileSync(path.join(dir, 'tour.js'), readmeBlock('Node', 'js'))

  const printed = execFileSync(process.execPath, ['tour.js'], { cwd: dir, encoding: 'utf8' })
  const [ingested, redacted, label, live] = printed.trimEnd().split('\n')
  assert.equal(ingested, `${sample.trimEnd().split('\n').length} []`)
  assert.equal(redacted, 'card [CARD]')
  assert.equal(label, 'negative')
  const [risk, tone] = live.split(' ')
  assert.ok(Number(risk) >= 0 && Number(risk) <= 1, live)
  assert.ok(TONES.includes(tone), live)
  for (const file of ['calls.db', 'out/report.html', 'out/report.json']) {
    assert.ok(fs.statSync(path.join(dir, file)).isFile(), file)
  }
})
