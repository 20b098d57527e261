// When most of the DEFAULT leaves, split and merge route all its rows once and swap in a fresh
// DEFAULT: it must be the same DEFAULT to everyone but its oid. When the DEFAULT has something of
// its own a fresh table would lose, the rows leave it by DELETE instead and it stays as it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { TestDb } from '../../support/db.js';
import { call, createTablespace, installedDb, q, totals, waitersOn } from './fixture.js';

const JAN_MAR = { starts: ['2024-01-01', '2024-02-01', '2024-03-01'], ends: ['2024-02-01', '2024-03-01', '2024-04-01'] };

describe('the DEFAULT a split leaves behind', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await installedDb('rewrite_default');
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** schema.t by range on k with an index, its DEFAULT `def` in schema `defSchema`, 10 rows a day over Jan–Apr 2024. */
  async function table(c: pg.ClientBase, schema: string, defSchema = schema): Promise<void> {
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}; CREATE SCHEMA IF NOT EXISTS ${q(defSchema)}`);
    await c.query(`CREATE TABLE ${q(schema)}.t (id bigserial, k date NOT NULL, v int NOT NULL, note text) PARTITION BY RANGE (k)`);
    await c.query(`CREATE INDEX t_k ON ${q(schema)}.t (k)`);
    await c.query(`CREATE TABLE ${q(defSchema)}.def PARTITION OF ${q(schema)}.t DEFAULT`);
    await c.query(
      `INSERT INTO ${q(schema)}.t (k, v) SELECT d::date, n FROM generate_series('2024-01-01'::date, '2024-04-30', interval '1 day') d, generate_series(1, 10) n`,
    );
  }

  const split = (c: pg.ClientBase, schema: string) =>
    call(c, 'split_default', [schema, 't', JAN_MAR.starts, JAN_MAR.ends, ['t_01', 't_02', 't_03'], [null, null, null], null]);

  const oid = async (c: pg.ClientBase, rel: string) => Number((await c.query(`SELECT $1::regclass::oid AS o`, [rel])).rows[0].o);

  it('is fresh, yet keeps its name, schema, tablespace, options, owner, grants, comment, column defaults, index names and the parent\'s triggers', async () => {
    const c = db.client;
    await table(c, 'r1', 'r1_defaults');
    const ts = `cold_${db.name}`;
    await createTablespace(c, ts);
    const owner = `owner_${db.name}`;
    const reader = `reader_${db.name}`;
    await c.query(`CREATE ROLE ${q(owner)}; CREATE ROLE ${q(reader)}`);
    await c.query(`
      ALTER TABLE r1_defaults.def SET TABLESPACE ${q(ts)};
      ALTER TABLE r1_defaults.def SET (fillfactor = 90, autovacuum_enabled = false, toast.autovacuum_enabled = false);
      ALTER TABLE r1_defaults.def OWNER TO ${q(owner)};
      GRANT SELECT ON r1_defaults.def TO ${q(reader)};
      COMMENT ON TABLE r1_defaults.def IS 'stray rows land here';
      ALTER TABLE r1_defaults.def ALTER COLUMN note SET DEFAULT 'late';
      ALTER INDEX r1_defaults.def_k_idx RENAME TO def_k_by_day;
      CREATE TABLE r1.audit (k date);
      CREATE FUNCTION r1.audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO r1.audit VALUES (NEW.k); RETURN NULL; END $$;
      CREATE TRIGGER audit AFTER INSERT ON r1.t FOR EACH ROW EXECUTE FUNCTION r1.audit();`);
    const before = await totals(c, 'r1.t');
    const oldOid = await oid(c, 'r1_defaults.def');

    expect(await split(c, 'r1')).toBe(10 * (31 + 29 + 31));

    expect(await totals(c, 'r1.t')).toEqual(before);
    expect(await oid(c, 'r1_defaults.def')).not.toBe(oldOid);
    const d = await c.query(
      `SELECT pg_get_expr(c.relpartbound, c.oid) AS bound, t.spcname AS tablespace, c.reloptions, tt.reloptions AS toast,
              pg_get_userbyid(c.relowner) AS owner, has_table_privilege($1, c.oid, 'SELECT') AS can_read,
              obj_description(c.oid, 'pg_class') AS comment,
              (SELECT pg_get_expr(a.adbin, a.adrelid) FROM pg_attrdef a JOIN pg_attribute att ON att.attrelid = a.adrelid AND att.attnum = a.adnum
                WHERE a.adrelid = c.oid AND att.attname = 'note') AS note_default,
              (SELECT array_agg(i.relname::text ORDER BY i.relname) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid) AS indexes,
              (SELECT count(*)::int FROM pg_class s WHERE s.relname LIKE 'gppart\\_%') AS scratch
         FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace JOIN pg_class tt ON tt.oid = c.reltoastrelid
        WHERE c.oid = 'r1_defaults.def'::regclass`,
      [reader],
    );
    expect(d.rows[0]).toEqual({
      bound: 'DEFAULT', tablespace: ts, reloptions: ['fillfactor=90', 'autovacuum_enabled=false'], toast: ['autovacuum_enabled=false'],
      owner, can_read: true, comment: 'stray rows land here', note_default: "'late'::text", indexes: ['def_k_by_day'], scratch: 0,
    });
    // Moved rows did not fire the trigger; a row written into the DEFAULT does, and gets its default.
    expect((await c.query(`SELECT count(*)::int AS n FROM r1.audit`)).rows[0].n).toBe(0);
    await c.query(`INSERT INTO r1_defaults.def (k, v) VALUES ('2030-01-01', 1)`);
    expect((await c.query(`SELECT note FROM r1_defaults.def WHERE k = '2030-01-01'`)).rows).toEqual([{ note: 'late' }]);
    expect((await c.query(`SELECT count(*)::int AS n FROM r1.audit`)).rows[0].n).toBe(1);
  });

  it('a writer waiting to insert into the DEFAULT by name lands in the fresh one, and no row is lost', async () => {
    const c = db.client;
    await table(c, 'r2');
    const before = await totals(c, 'r2.t');
    const writer = await db.connect();
    await c.query('BEGIN');
    const oldOid = await oid(c, 'r2.def');
    await split(c, 'r2');
    const insert = writer.query(`INSERT INTO r2.def (k, v) VALUES ('2024-04-15', 1000), ('2031-01-01', 2000)`);
    // By oid: inside this transaction the name already means the fresh DEFAULT.
    expect(await waitersOn(c, String(oldOid))).toBe(1);
    await c.query('COMMIT');
    await insert;
    expect(await oid(c, 'r2.def')).not.toBe(oldOid);
    const after = await totals(c, 'r2.t');
    expect(after.rows).toBe(before.rows + 2);
    expect((await totals(c, 'r2.def')).rows).toBe(10 * 30 + 2);
  });

  // Each of these is something a fresh table would not have: the rows leave by DELETE and the
  // DEFAULT (same oid) keeps it.
  const ownThings: Array<[string, string, string]> = [
    ['an index of its own', `CREATE INDEX own_v ON {s}.def (v)`, `SELECT count(*)::int AS n FROM pg_class WHERE relname = 'own_v'`],
    ['a trigger of its own', `CREATE FUNCTION {s}.nop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
       CREATE TRIGGER own_t BEFORE INSERT ON {s}.def FOR EACH ROW EXECUTE FUNCTION {s}.nop()`,
     `SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'own_t' AND tgrelid = '{s}.def'::regclass`],
    ['a view on it', `CREATE VIEW {s}.stray AS SELECT * FROM {s}.def`, `SELECT count(*)::int AS n FROM {s}.stray`],
    ['a row-level security policy', `ALTER TABLE {s}.def ENABLE ROW LEVEL SECURITY; CREATE POLICY own_p ON {s}.def USING (v > 0)`,
     `SELECT count(*)::int AS n FROM pg_policy WHERE polname = 'own_p'`],
    ['extended statistics', `CREATE STATISTICS {s}.own_s ON k, v FROM {s}.def`, `SELECT count(*)::int AS n FROM pg_statistic_ext WHERE stxname = 'own_s'`],
    ['a statistics target on a column', `ALTER TABLE {s}.def ALTER COLUMN v SET STATISTICS 500`,
     `SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = '{s}.def'::regclass AND attname = 'v' AND attstattarget = 500`],
    ['a column grant', `GRANT SELECT (v) ON {s}.def TO PUBLIC`,
     `SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = '{s}.def'::regclass AND attname = 'v' AND attacl IS NOT NULL`],
    ['a CHECK constraint of its own', `ALTER TABLE {s}.def ADD CONSTRAINT own_c CHECK (v < 1000000)`,
     `SELECT count(*)::int AS n FROM pg_constraint WHERE conname = 'own_c'`],
  ];
  ownThings.forEach(([what, ddl, probe], i) => {
    it(`keeps a DEFAULT with ${what}, and moves the rows out of it by DELETE`, async () => {
      const c = db.client;
      const s = `own_${i}`;
      await table(c, s);
      await c.query(ddl.replaceAll('{s}', s));
      const before = await totals(c, `${s}.t`);
      const oldOid = await oid(c, `${s}.def`);
      expect(await split(c, s)).toBe(10 * (31 + 29 + 31));
      expect(await totals(c, `${s}.t`)).toEqual(before);
      expect(await oid(c, `${s}.def`)).toBe(oldOid);
      expect((await c.query(probe.replaceAll('{s}', s))).rows[0].n).toBeGreaterThan(0);
    });
  });

  it('keeps the DEFAULT when the table has a NOT VALID constraint that rows staying in it violate', async () => {
    const c = db.client;
    await table(c, 'nv');
    await c.query(`INSERT INTO nv.t (k, v) VALUES ('2024-04-02', -5)`);
    await c.query(`ALTER TABLE nv.t ADD CONSTRAINT positive CHECK (v > 0) NOT VALID`);
    const before = await totals(c, 'nv.t');
    expect(await split(c, 'nv')).toBe(10 * (31 + 29 + 31));
    expect(await totals(c, 'nv.t')).toEqual(before);
  });
});
