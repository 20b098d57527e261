// Moving rows is not inserting them: the table's own row triggers must not fire for rows a step
// only moves, and must still be there for the new partitions afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverMajor, type TestDb } from '../../support/db.js';
import { installedDb } from './fixture.js';

describe('user row triggers', () => {
  let db: TestDb;
  // BEFORE ROW triggers on a partitioned table exist from PostgreSQL 13; on 12 only the AFTER one.
  const beforeRowTriggers = serverMajor() >= 13;
  beforeAll(async () => {
    db = await installedDb('triggers');
    await db.client.query(`
      CREATE TABLE public.audit (k date, note text);
      CREATE TABLE public.tr (k date NOT NULL, v int NOT NULL, touched int NOT NULL DEFAULT 0) PARTITION BY RANGE (k);
      CREATE TABLE public.tr_default PARTITION OF public.tr DEFAULT;
      INSERT INTO public.tr (k, v) SELECT date '2024-01-01' + i, i FROM generate_series(0, 180) i;
      CREATE FUNCTION public.tr_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := NEW.touched + 1; RETURN NEW; END $$;
      CREATE FUNCTION public.tr_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.audit VALUES (NEW.k, TG_OP); RETURN NULL; END $$;
      ${beforeRowTriggers ? 'CREATE TRIGGER touch BEFORE INSERT ON public.tr FOR EACH ROW EXECUTE FUNCTION public.tr_touch();' : ''}
      CREATE TRIGGER audit AFTER INSERT ON public.tr FOR EACH ROW EXECUTE FUNCTION public.tr_audit();
      TRUNCATE public.audit;
      UPDATE public.tr SET touched = 0;`);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('split and merge move rows without firing them; new partitions keep them', async () => {
    const before = (await db.client.query(`SELECT k::text, v, touched FROM public.tr ORDER BY k`)).rows;
    await db.client.query(
      `SELECT gppart.split_default('public', 'tr', ARRAY['2024-01-01','2024-02-01','2024-03-01'], ARRAY['2024-02-01','2024-03-01','2024-04-01'],
                                   ARRAY['tr_m1','tr_m2','tr_m3'], ARRAY[NULL,NULL,NULL]::text[], NULL)`,
    );
    await db.client.query(
      `SELECT gppart.merge_partitions('public', 'tr', ARRAY['public','public','public'], ARRAY['tr_m1','tr_m2','tr_m3'],
                                      ARRAY['2024-01-01'], ARRAY['2024-04-01'], ARRAY['tr_q1'], ARRAY[NULL]::text[], NULL)`,
    );
    expect((await db.client.query(`SELECT k::text, v, touched FROM public.tr ORDER BY k`)).rows).toEqual(before);
    expect((await db.client.query(`SELECT count(*)::int AS n FROM public.audit`)).rows[0].n).toBe(0);
    await db.client.query(`INSERT INTO public.tr (k, v) VALUES ('2024-02-10', -1)`);
    const fresh = await db.client.query(`SELECT touched FROM public.tr_q1 WHERE v = -1`);
    expect(fresh.rows).toEqual([{ touched: beforeRowTriggers ? 1 : 0 }]);
    expect((await db.client.query(`SELECT note FROM public.audit`)).rows).toEqual([{ note: 'INSERT' }]);
  });
});
