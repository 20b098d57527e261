// No dead space left behind: after a split, merge or realign, the DEFAULT and every other partition
// take at most 1.2× the space a freshly written copy of their rows takes, with autovacuum off on
// them (as on many warehouse tables) and nothing vacuumed. Sizes are compared, never timings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { TestDb } from '../../support/db.js';
import { addPartition, call, installedDb, q, totals } from './fixture.js';

const MAX_RATIO = 1.2;

interface Footprint {
  name: string;
  bytes: number;
  fresh: number;
}

/** Each partition's size next to that of a freshly written copy of its rows. */
async function footprints(c: pg.ClientBase, schema: string, table: string): Promise<Footprint[]> {
  const parts = await c.query<{ name: string; bytes: string }>(
    `SELECT c.relname AS name, pg_relation_size(c.oid) AS bytes
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = (quote_ident($1) || '.' || quote_ident($2))::regclass ORDER BY 1`,
    [schema, table],
  );
  const out: Footprint[] = [];
  for (const p of parts.rows) {
    // INSERT … SELECT, not CREATE TABLE AS: a bulk load may extend a table by many pages at once
    // and leave some of them empty at its end, which would flatter the table compared.
    await c.query(`CREATE TEMP TABLE gppart_fresh_copy (LIKE ${q(schema)}.${q(p.name)})`);
    await c.query(`INSERT INTO gppart_fresh_copy SELECT * FROM ${q(schema)}.${q(p.name)}`);
    const fresh = await c.query<{ bytes: string }>(`SELECT pg_relation_size('gppart_fresh_copy') AS bytes`);
    await c.query('DROP TABLE gppart_fresh_copy');
    out.push({ name: p.name, bytes: Number(p.bytes), fresh: Number(fresh.rows[0]!.bytes) });
  }
  return out;
}

function overweight(parts: Footprint[]): Footprint[] {
  return parts.filter((p) => p.bytes > MAX_RATIO * p.fresh);
}

describe('no bloat left behind', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await installedDb('no_bloat');
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** `schema.events`: monthly partitions for 2023 (if asked), a DEFAULT with autovacuum off, 40 rows a day over [from, to). */
  async function events(schema: string, from: string, to: string, monthly2023 = false): Promise<void> {
    const c = db.client;
    await c.query(`CREATE SCHEMA ${q(schema)}`);
    await c.query(
      `CREATE TABLE ${q(schema)}.events (id bigserial, k date NOT NULL, v int NOT NULL, payload text NOT NULL) PARTITION BY RANGE (k)`,
    );
    await c.query(`CREATE INDEX ON ${q(schema)}.events (k)`);
    await c.query(`CREATE TABLE ${q(schema)}.events_default PARTITION OF ${q(schema)}.events DEFAULT
                   WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false)`);
    if (monthly2023) {
      for (let m = 0; m < 12; m++) {
        const a = new Date(Date.UTC(2023, m, 1)).toISOString().slice(0, 10);
        const b = new Date(Date.UTC(2023, m + 1, 1)).toISOString().slice(0, 10);
        await addPartition(c, schema, 'events', `events_${a.slice(0, 7).replace('-', '_')}`, a, b);
        await c.query(`ALTER TABLE ${q(schema)}.${q(`events_${a.slice(0, 7).replace('-', '_')}`)} SET (autovacuum_enabled = false)`);
      }
    }
    await c.query(
      `INSERT INTO ${q(schema)}.events (k, v, payload)
       SELECT d::date, n, repeat('p', 60) FROM generate_series($1::date, $2::date - 1, interval '1 day') d, generate_series(1, 40) n`,
      [from, to],
    );
  }

  function months(from: string, count: number): { starts: string[]; ends: string[]; names: string[] } {
    const starts: string[] = [], ends: string[] = [], names: string[] = [];
    const [y, m] = from.split('-').map(Number) as [number, number];
    for (let i = 0; i < count; i++) {
      const a = new Date(Date.UTC(y, m - 1 + i, 1)).toISOString().slice(0, 10);
      const b = new Date(Date.UTC(y, m + i, 1)).toISOString().slice(0, 10);
      starts.push(a);
      ends.push(b);
      names.push(`events_${a.slice(0, 7).replace('-', '_')}`);
    }
    return { starts, ends, names };
  }

  it('a split that empties the DEFAULT leaves it empty on disk, not at its old size', async () => {
    const c = db.client;
    await events('b1', '2024-01-01', '2025-01-01');
    const before = await totals(c, 'b1.events');
    const oldSize = Number((await c.query(`SELECT pg_relation_size('b1.events_default') AS n`)).rows[0].n);
    expect(oldSize).toBeGreaterThan(1_000_000);
    const m = months('2024-01', 12);

    expect(await call(c, 'split_default', ['b1', 'events', m.starts, m.ends, m.names, m.names.map(() => null), null])).toBe(before.rows);

    expect(await totals(c, 'b1.events')).toEqual(before);
    const parts = await footprints(c, 'b1', 'events');
    expect(parts).toHaveLength(13);
    expect(parts.find((p) => p.name === 'events_default')).toEqual({ name: 'events_default', bytes: 0, fresh: 0 });
    expect(overweight(parts)).toEqual([]);
    // The DEFAULT is still the one the DBA configured: autovacuum stays off on it.
    const opts = await c.query(`SELECT c.reloptions, t.reloptions AS toast FROM pg_class c JOIN pg_class t ON t.oid = c.reltoastrelid WHERE c.oid = 'b1.events_default'::regclass`);
    expect(opts.rows[0]).toEqual({ reloptions: ['autovacuum_enabled=false'], toast: ['autovacuum_enabled=false'] });
  });

  it('a split that takes most of the DEFAULT, or only a little of it, leaves it within 1.2× of its rows', async () => {
    const c = db.client;
    await events('b2', '2024-01-01', '2025-01-01');
    const before = await totals(c, 'b2.events');
    const most = months('2024-01', 8);
    await call(c, 'split_default', ['b2', 'events', most.starts, most.ends, most.names, most.names.map(() => null), null]);
    expect(overweight(await footprints(c, 'b2', 'events'))).toEqual([]);
    // Then one month of the four left: ~25% of the DEFAULT.
    const one = months('2024-09', 1);
    await call(c, 'split_default', ['b2', 'events', one.starts, one.ends, one.names, [null], null]);
    expect(overweight(await footprints(c, 'b2', 'events'))).toEqual([]);

    await events('b3', '2023-01-01', '2025-01-01');
    // A tenth of the DEFAULT: these rows leave by DELETE, and the dead space stays under the bound.
    const tenth = months('2024-04', 2);
    await call(c, 'split_default', ['b3', 'events', tenth.starts, tenth.ends, tenth.names, [null, null], null]);
    expect(overweight(await footprints(c, 'b3', 'events'))).toEqual([]);
    expect(await totals(c, 'b2.events')).toEqual(before);
  });

  it('a merge and a realign that send rows to the DEFAULT, or take rows from it, leave every partition within 1.2×', async () => {
    const c = db.client;
    await events('b4', '2022-07-01', '2024-07-01', true);
    const before = await totals(c, 'b4.events');
    // Quarters out of the monthly partitions; a quarter that straddles the table's DEFAULT rows
    // takes them along (the DEFAULT is a source), and rows outside go back to the DEFAULT.
    await call(c, 'merge_partitions', [
      'b4', 'events', ['b4', 'b4', 'b4'], ['events_2023_01', 'events_2023_02', 'events_2023_03'],
      ['2023-01-01'], ['2023-04-01'], ['events_2023q1'], [null], null,
    ]);
    expect(overweight(await footprints(c, 'b4', 'events'))).toEqual([]);
    await call(c, 'merge_partitions', [
      'b4', 'events', ['b4', 'b4'], ['events_2023_11', 'events_2023_12'],
      ['2023-11-15'], ['2023-12-15'], ['events_2023_11_15'], [null], null,
    ]);
    expect(overweight(await footprints(c, 'b4', 'events'))).toEqual([]);
    await call(c, 'merge_partitions', [
      'b4', 'events', ['b4', 'b4', 'b4'], ['events_2023_10', 'events_2023_11_15', 'events_default'],
      ['2023-10-01', '2024-01-01'], ['2024-01-01', '2024-04-01'], ['events_2023q4', 'events_2024q1'], [null, null], null,
    ]);
    expect(overweight(await footprints(c, 'b4', 'events'))).toEqual([]);
    expect(await totals(c, 'b4.events')).toEqual(before);
  });
});
