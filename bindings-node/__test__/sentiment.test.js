// SentimentAnalyzer: result shape, VADER's known faults, Buffers, batches and bad input.
const { test } = require('node:test')
const assert = require('node:assert/strict')

const { aa, expectCode, expectSyncCode } = require('./helpers.js')

const EMOTIONS = ['angry', 'confused', 'frustrated', 'happy', 'satisfied']
const analyzer = new aa.SentimentAnalyzer()

test('analyze returns the documented shape and label band', () => {
  const result = analyzer.analyze("I've been on hold for an hour and I want to cancel my account!")
  assert.deepEqual(Object.keys(result).sort(), ['emotions', 'intensity', 'label', 'score', 'urgency'])
  assert.deepEqual(Object.keys(result.emotions).sort(), EMOTIONS)
  assert.equal(result.label, 'negative')
  assert.ok(result.score <= -0.05 && result.score >= -1)
  assert.ok(result.intensity >= 0 && result.intensity <= 1)
  assert.ok(result.emotions.frustrated > 0.3)
  const happy = analyzer.analyze('Thank you so much, that fixed it!')
  assert.equal(happy.label, 'positive')
  assert.ok(happy.score >= 0.05)
})

for (const text of ['no problems', 'not bad', 'No problems at all, it works.']) {
  test(`VADER's fault: "${text}" is not negative`, () => {
    assert.ok(analyzer.analyze(text).score > -0.05)
  })
}

test('a long text does not drift', () => {
  const sentence = 'The agent was polite but the refund took three calls. '
  const one = analyzer.analyze(sentence).score
  const many = analyzer.analyze(sentence.repeat(200)).score
  assert.ok(Math.abs(many - one) < 0.3)
})

test('Buffers and Uint8Arrays of UTF-8 give the string result', () => {
  const text = 'Très bien, merci 😀'
  assert.deepEqual(analyzer.analyze(Buffer.from(text, 'utf8')), analyzer.analyze(text))
  assert.deepEqual(analyzer.analyze(new TextEncoder().encode(text)), analyzer.analyze(text))
})

test('invalid UTF-8 is an InvalidArgument error, not a crash', async () => {
  expectSyncCode(() => analyzer.analyze(Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe])), 'InvalidArgument', /not valid UTF-8.*offset 3/)
  await expectCode(analyzer.analyzeBatch(['fine', Buffer.from([0xc3, 0x28])]), 'InvalidArgument', /texts\[1\].*UTF-8/)
})

test('a lone surrogate is scored as U+FFFD; other typed arrays are refused', () => {
  assert.deepEqual(analyzer.analyze('\ud800 great service'), analyzer.analyze('\ufffd great service'))
  expectSyncCode(() => analyzer.analyze(new Float32Array(3)), 'InvalidArgument', /Buffer or a Uint8Array, got object/)
})

test('empty and whitespace-only text are InvalidArgument errors', () => {
  expectSyncCode(() => analyzer.analyze(''), 'InvalidArgument', /empty/)
  expectSyncCode(() => analyzer.analyze(' \n\t'), 'InvalidArgument', /empty/)
  expectSyncCode(() => analyzer.analyze(Buffer.alloc(0)), 'InvalidArgument', /empty/)
})

test('the length limit is configurable, counts UTF-8 bytes and is enforced', () => {
  const small = new aa.SentimentAnalyzer({ maxTextBytes: 10 })
  assert.equal(small.maxTextBytes, 10)
  small.analyze('ten bytes!')
  expectSyncCode(() => small.analyze('eleven byte'), 'InvalidArgument', /over the limit of 10/)
  expectSyncCode(() => small.analyze('😀😀😀😀'), 'InvalidArgument', /16 bytes/)
  assert.equal(new aa.SentimentAnalyzer().maxTextBytes, 16 * 1024)
  assert.equal(new aa.SentimentAnalyzer(null).maxTextBytes, 16 * 1024)
  expectSyncCode(() => new aa.SentimentAnalyzer({ maxTextBytes: 0 }), 'InvalidArgument', /positive integer/)
  expectSyncCode(() => new aa.SentimentAnalyzer({ maxTextBytes: 1.5 }), 'InvalidArgument', /positive integer/)
  expectSyncCode(() => new aa.SentimentAnalyzer({ maxTextBytes: '10' }), 'InvalidArgument', /must be a number/)
  expectSyncCode(() => new aa.SentimentAnalyzer(5), 'InvalidArgument', /options must be an object/)
})

test('values of other types are InvalidArgument errors', async () => {
  expectSyncCode(() => analyzer.analyze(42), 'InvalidArgument', /text must be a string, a Buffer or a Uint8Array, got number/)
  expectSyncCode(() => analyzer.analyze(undefined), 'InvalidArgument', /got undefined/)
  await expectCode(analyzer.analyzeBatch('one text'), 'InvalidArgument', /texts must be an array/)
  await expectCode(analyzer.analyzeBatch(['fine', null]), 'InvalidArgument', /texts\[1\] must be .* got null/)
})

const TEXTS = ['thanks, that fixed it', 'still not working, this is ridiculous', 'my order number is 12345']

test('analyzeBatch matches analyze, in order', async () => {
  const expected = TEXTS.map((t) => analyzer.analyze(t))
  assert.deepEqual(await analyzer.analyzeBatch(TEXTS), expected)
  assert.deepEqual(await analyzer.analyzeBatch(TEXTS.map((t) => Buffer.from(t))), expected)
  assert.deepEqual(await analyzer.analyzeBatch([]), [])
})

test('analyzeBatch names the index of an empty text', async () => {
  await expectCode(analyzer.analyzeBatch(['a fine text', 'another', '']), 'InvalidArgument', /texts\[2\]: text is empty/)
})
