// Type-checks __test__/types-check.ts against the generated index.d.ts.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')

test('index.d.ts types the documented API', () => {
  const tsc = require.resolve('typescript/bin/tsc')
  const result = spawnSync(
    process.execPath,
    [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', path.join(__dirname, 'types-check.ts')],
    { encoding: 'utf8' },
  )
  assert.equal(result.status, 0, `tsc failed:\n${result.stdout}${result.stderr}`)
})
