// The Redactor: the shared cases of tests/fixtures/redaction_cases.json, UTF-16 conversion,
// batches, and argument errors.
const { test } = require('node:test')
const assert = require('node:assert/strict')

const { aa, loadRedactionCases, expectCode } = require('./helpers.js')

const cases = loadRedactionCases()
const ALL_KINDS = ['card', 'ssn', 'phone', 'email', 'iban', 'dob', 'spoken_digits']

/** The entity without the fixture's `value`: the Rust serde shape. */
const shape = ({ kind, start, end, char_start, char_end }) => ({ kind, start, end, char_start, char_end })

/** The README's conversion of code-point offsets into UTF-16 offsets, for entities sorted by offset. */
function utf16Spans(text, entities) {
  const spans = []
  let units = 0
  let points = 0
  const advanceTo = (target) => {
    while (points < target) {
      units += text.codePointAt(units) > 0xffff ? 2 : 1
      points += 1
    }
    return units
  }
  for (const e of entities) spans.push([advanceTo(e.char_start), advanceTo(e.char_end)])
  return spans
}

test('the fixture file has cases, one with a character outside the BMP', () => {
  assert.ok(cases.length >= 8)
  assert.ok(cases.some((c) => Array.from(c.text).length !== c.text.length))
})

for (const c of cases) {
  test(`shared case: ${c.name}`, () => {
    const redactor = new aa.Redactor(c.kinds)
    const expected = c.entities.map(shape)
    assert.deepEqual(redactor.redact(c.text), { text: c.redacted, entities: expected })
    assert.deepEqual(redactor.find(c.text), expected)
    const bytes = Buffer.from(c.text, 'utf8')
    const spans = utf16Spans(c.text, expected)
    c.entities.forEach((e, i) => {
      assert.equal(bytes.subarray(e.start, e.end).toString('utf8'), e.value, 'byte offsets')
      assert.equal(Array.from(c.text).slice(e.char_start, e.char_end).join(''), e.value, 'code-point offsets')
      assert.equal(c.text.slice(...spans[i]), e.value, 'converted UTF-16 offsets')
    })
  })
}

test('after an emoji, char offsets count code points, not UTF-16 units', () => {
  const text = '😀 card 4111 1111 1111 1111'
  const [entity] = new aa.Redactor().find(text)
  assert.deepEqual(entity, { kind: 'card', start: 10, end: 29, char_start: 7, char_end: 26 })
  assert.notEqual(text.slice(entity.char_start, entity.char_end), '4111 1111 1111 1111')
  assert.equal(text.slice(...utf16Spans(text, [entity])[0]), '4111 1111 1111 1111')
})

test('redactBatch matches redact, in order', async () => {
  const redactor = new aa.Redactor()
  const texts = [...cases.map((c) => c.text), '', 'nothing here']
  const pending = redactor.redactBatch(texts)
  assert.ok(pending instanceof Promise)
  assert.deepEqual(await pending, texts.map((t) => redactor.redact(t)))
  assert.deepEqual(await redactor.redactBatch([]), [])
})

test('kinds', () => {
  assert.deepEqual(new aa.Redactor().kinds, ALL_KINDS)
  assert.deepEqual(new aa.Redactor(null).kinds, ALL_KINDS)
  assert.deepEqual(new aa.Redactor(['email', 'card', 'email']).kinds, ['card', 'email'])
  assert.deepEqual(new aa.Redactor([]).kinds, [])
})

test('invalid arguments carry code InvalidArgument', async () => {
  const expectThrow = (fn, pattern) =>
    assert.throws(fn, (error) => error instanceof Error && error.code === 'InvalidArgument' && pattern.test(error.message))
  expectThrow(() => new aa.Redactor(['card', 'credit_card']), /unknown PII kind "credit_card"; the kinds are card, ssn/)
  expectThrow(() => new aa.Redactor(['Card']), /unknown PII kind/)
  expectThrow(() => new aa.Redactor('card'), /kinds must be an array of strings, got string/)
  expectThrow(() => new aa.Redactor([1]), /kinds\[0\] must be a string, got number/)
  const redactor = new aa.Redactor()
  expectThrow(() => redactor.find(Buffer.from('4111 1111 1111 1111')), /text must be a string, got object/)
  expectThrow(() => redactor.redact(), /text must be a string, got undefined/)
  await expectCode(redactor.redactBatch('4111 1111 1111 1111'), 'InvalidArgument', /texts must be an array of strings/)
  await expectCode(redactor.redactBatch(['ok', null]), 'InvalidArgument', /texts\[1\] must be a string, got null/)
})
