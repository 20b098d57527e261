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

  it('sqlLiteral round-trips quotes, backslashes and semicolons under either string setting', async () => {
    const { sqlLiteral } = await import('../../src/catalog/dialect.js');
    const values = ["it's", 'back\\slash', "x'); DROP TABLE t; --", '\\\'', 'ünïcode', ''];
    for (const scs of ['on', 'off']) {
      await db.client.query(`SET standard_conforming_strings = ${scs}`);
      for (const v of values) {
        const r = await db.client.query<{ v: string }>(`SELECT ${sqlLiteral(v)} AS v`);
        expect(r.rows[0]!.v).toBe(v);
      }
    }
    await db.client.query('RESET standard_conforming_strings');
  });
});
