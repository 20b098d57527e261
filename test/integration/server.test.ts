import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, newTablespaceDir, type TestDb } from '../support/db.js';

describe('test server', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('server');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('is a real PostgreSQL that can host tablespaces', async () => {
    const v = await db.client.query<{ v: string }>('SELECT version() AS v');
    expect(v.rows[0]!.v).toMatch(/^PostgreSQL 1\d/);
    const name = `ts_${db.name}`;
    await db.client.query(`CREATE TABLESPACE "${name}" LOCATION '${newTablespaceDir()}'`);
    await db.client.query(`CREATE TABLE t (x int) TABLESPACE "${name}"`);
    await db.client.query('DROP TABLE t');
    await db.client.query(`DROP TABLESPACE "${name}"`);
  });
});

describe('literal quoting', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('literals');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('sqlLiteral round-trips quotes, backslashes, semicolons and control characters under either string setting', async () => {
    const { sqlLiteral } = await import('../../src/catalog/dialect.js');
    const values = ["it's", 'back\\slash', "x'); DROP TABLE t; --", '\\\'', 'ünïcode', '', 'evil\n\\! touch /tmp/x\n', 'cr\rtab\tesc\u001b[31m\u007f', 'c1\u0085\u009b bidi\u202e zw\u200b\u2028', "\n'; --\\"];
    for (const scs of ['on', 'off']) {
      await db.client.query(`SET standard_conforming_strings = ${scs}`);
      for (const v of values) {
        const literal = sqlLiteral(v);
        expect(literal).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e\u200b\u2028]/);
        const r = await db.client.query<{ v: string }>(`SELECT ${literal} AS v`);
        expect(r.rows[0]!.v).toBe(v);
      }
    }
    await db.client.query('RESET standard_conforming_strings');
  });

  it('sqlIdentPrintable names the same column as the raw name, without raw control characters', async () => {
    const { sqlIdentPrintable } = await import('../../src/catalog/dialect.js');
    for (const scs of ['on', 'off']) {
      await db.client.query(`SET standard_conforming_strings = ${scs}`);
      for (const name of ['plain', 'with "quote"', 'back\\slash', 'evil\n\\! touch /tmp/x\n', 'esc\u001b[2J c1\u0085 bidi\u202e']) {
        const ident = sqlIdentPrintable(name);
        expect(ident).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
        const r = await db.client.query(`SELECT 1 AS ${ident}`);
        expect(r.fields[0]!.name).toBe(name);
      }
    }
    await db.client.query('RESET standard_conforming_strings');
  });
});
