// docker-compose.yaml cannot be started here (no Docker engine); this checks what can be: it is
// valid YAML with the services, credentials and mounts the README's walk-through relies on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..', '..');

describe('docker-compose.yaml', () => {
  it('defines greenplum, minio, minio-init and gppart as the README uses them', () => {
    const doc = parse(readFileSync(join(root, 'docker-compose.yaml'), 'utf8')) as { services: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.services).sort()).toEqual(['gppart', 'greenplum', 'minio', 'minio-init']);
    expect(doc.services.greenplum!.ports).toContain('5432:5432');
    expect((doc.services.gppart!.environment as Record<string, string>).GPPART_DATABASE_URL).toBe('postgres://gpadmin:123456@greenplum:5432/postgres');
    expect(doc.services.gppart!.volumes).toContain('./examples:/work:ro');
    // Archive and restore reach MinIO through the AWS SDK's own variables, path-style.
    expect(doc.services.gppart!.environment).toMatchObject({ AWS_ENDPOINT_URL_S3: 'http://minio:9000', AWS_ACCESS_KEY_ID: 'gppart', AWS_SECRET_ACCESS_KEY: 'gppart-secret' });
    expect(String(doc.services['minio-init']!.entrypoint)).toMatch(/mc mb --ignore-existing local\/dp-partition/);
    const dockerfile = readFileSync(join(root, 'docker', 'gppart', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(readFileSync(join(root, 'docker', 'pxf', 'servers', 'default', 's3-site.xml'), 'utf8')).toMatch(/fs\.s3a\.endpoint/);
  });
});
