// Compiled (never run) by types.test.js: the published types accept the documented uses
// and refuse wrong ones (each @ts-expect-error must be an error, or tsc fails).
import { Store, parseJsonl, type Call, type DataRecord, type IngestReport, type RecordError } from '../index'

export async function documentedUses(): Promise<number> {
  const store: Store = await Store.open('calls.db')
  const memory: Store = Store.memory()
  const report: IngestReport = await store.ingest([
    { type: 'tenant', id: 'acme', name: 'Acme' },
    { type: 'call', id: 'c1', tenant: 'acme', customer_id: 'u1', channel: 'voice', direction: 'inbound', started_at: new Date() },
    { type: 'utterance', tenant: 'acme', call_id: 'c1', seq: 0, speaker: 'bot', text: 'hi', start_ms: 0, end_ms: 900, voice: { energy: 0.4 } },
    { type: 'journey_event', id: 'e1', tenant: 'acme', customer_id: 'u1', channel: 'web', action: 'visit', timestamp: '2026-03-02T14:00:00Z' },
    { type: 'metric', tenant: 'acme', metric: 'queue_depth', timestamp: new Date(), value: 3 },
  ])
  const fromText: IngestReport = await memory.ingestJsonl(new Uint8Array([123, 125]))
  const rejected: RecordError[] = [...report.rejected, ...fromText.rejected]
  const calls: Call[] = await store.calls('acme', new Date(), '2026-03-03T00:00:00Z')
  const open: Call[] = await store.calls('acme', null, undefined)
  const tenantName: string | undefined = (await store.tenant('acme'))?.name
  const ids: string[] = await store.tenantIds()
  const words = (await store.transcript('acme', 'c1')).map((u) => u.text)
  const records: DataRecord[] = parseJsonl('').records
  const journeys = await store.journeyEvents('acme')
  const metrics = await store.metrics('acme')
  const utterances = await store.utterances('acme')
  return rejected.length + calls.length + open.length + (tenantName ?? '').length + ids.length + words.length +
    records.length + journeys.length + metrics.length + utterances.length
}

export async function refusedUses(store: Store): Promise<void> {
  // @ts-expect-error a time bound is a Date, a string or null
  await store.calls('acme', 1709380800000)
  // @ts-expect-error a call needs its required fields
  await store.ingest([{ type: 'call', id: 'c1' }])
  // @ts-expect-error unknown record type
  await store.ingest([{ type: 'fax', id: 'f1' }])
  // @ts-expect-error stores are made by Store.open or Store.memory, not from a path
  new Store('calls.db')
}
