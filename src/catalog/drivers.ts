import type { Dialect } from '../plan/model.js';
import type { DialectDriver } from './dialect.js';
import { greenplum6Driver } from './greenplum6.js';
import { postgresDriver } from './postgres.js';

/** Greenplum 7, Cloudberry and WarehousePG use PostgreSQL's declarative catalogs and functions. */
export function driverFor(dialect: Dialect): DialectDriver {
  switch (dialect) {
    case 'greenplum6':
      return greenplum6Driver();
    case 'postgres':
    case 'greenplum7':
    case 'cloudberry':
      return postgresDriver(dialect);
  }
}
