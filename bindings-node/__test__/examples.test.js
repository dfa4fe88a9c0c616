// The Node examples in examples/ print what their expected.txt holds, as the Rust
// (examples/tests/outputs.rs) and Python (bindings-python/tests/test_examples.py) versions do.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const { tempDir } = require('./helpers.js')

const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples')
const EXAMPLES = fs
  .readdirSync(EXAMPLES_DIR)
  .filter((name) => fs.existsSync(path.join(EXAMPLES_DIR, name, 'expected.txt')))
  .sort()

/** A `node_modules` in which `require('aybiza-analytics')` resolves to this package, as it would once installed. */
function modulesDir() {
  const modules = path.join(tempDir(), 'node_modules')
  fs.mkdirSync(modules)
  fs.symlinkSync(path.join(__dirname, '..'), path.join(modules, 'aybiza-analytics'), 'dir')
  return modules
}

test('the examples are found', () => {
  assert.deepEqual(EXAMPLES, ['call_outcomes', 'forecast_staffing', 'journeys', 'live_call', 'store_insights'])
})

for (const name of EXAMPLES) {
  test(`example ${name} prints what Rust and Python print`, () => {
    const folder = path.join(EXAMPLES_DIR, name)
    const run = spawnSync(process.execPath, [path.join(folder, `${name}.js`)], {
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: modulesDir() },
    })
    assert.equal(run.status, 0, run.stderr)
    assert.equal(run.stdout, fs.readFileSync(path.join(folder, 'expected.txt'), 'utf8'))
  })
}
