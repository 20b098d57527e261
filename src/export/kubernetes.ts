// `gppart export kubernetes`: a ConfigMap holding the policy and a CronJob running its apply.
// concurrencyPolicy Forbid keeps one run at a time; the database URL comes from a Secret the
// manifest references but does not contain; only a "busy" run (exit code 5) is retried.

import { Document } from 'yaml';
// Types only (erased at run time): an unknown or misspelt field fails the build.
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { EXIT } from '../cli/exit-codes.js';
import { describeSchedule, kubernetesName, provenance, type ExportedFile, type ScheduledJob } from './job.js';
import { basename } from 'node:path';

export interface KubernetesOptions {
  /** An image with gppart on the PATH (docker/gppart/Dockerfile builds one). */
  image: string;
  /** The Secret holding `database-url` (and, optionally, `notify-url`); default: from the connection. */
  secret?: string;
}

const POLICY_DIR = '/etc/gppart';

/**
 * The container's script: apply, then the exit code Kubernetes should see. Nothing to do,
 * applied and partly applied are success to a Job; failed, refused and busy fail the pod.
 */
function script(job: ScheduledJob, policyName: string): string {
  const args = ['gppart', 'apply', '-c', `${POLICY_DIR}/${policyName}`, ...job.applyFlags, '--state-dir', '/tmp/gppart-state'];
  return [
    args.map((a) => (/^[A-Za-z0-9_@+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' '),
    'code=$?',
    `case $code in ${EXIT.nothingToDo}|${EXIT.changes}|${EXIT.partlyApplied}) exit 0 ;; esac`,
    'exit $code',
    '',
  ].join('\n');
}

export function kubernetesManifest(job: ScheduledJob, policyText: string, opts: KubernetesOptions): ExportedFile {
  const name = kubernetesName(job.name, 52);
  const secret = opts.secret ?? kubernetesName(job.schedule.connection, 253);
  // The key of the policy in the ConfigMap is its file name: the key's characters are limited.
  const policyName = basename(job.policyFile).replace(/[^A-Za-z0-9_.-]+/g, '_') || 'gppart.yaml';
  const labels = { 'app.kubernetes.io/name': 'gppart', 'app.kubernetes.io/instance': name };
  const annotations = { 'gppart.dev/policy-file': job.policyFile, 'gppart.dev/policy-sha256': job.policyHash, 'gppart.dev/version': job.toolVersion };

  const configMap: IConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${name}-policy`, labels, annotations },
    data: { [policyName]: policyText },
  };
  const cronJob: ICronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, labels, annotations },
    spec: {
      schedule: job.schedule.cronPortable,
      timeZone: job.schedule.timezone,
      concurrencyPolicy: 'Forbid',
      // A run that could not start within the hour is skipped, not made up during the day.
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: job.schedule.retries,
          // Retry only a run that could not get a lock; a refusal or a failure waits for a person.
          podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'gppart', operator: 'NotIn', values: [EXIT.busy] } }] },
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              containers: [{
                name: 'gppart',
                image: opts.image,
                command: ['/bin/sh', '-c', script(job, policyName)],
                env: [
                  { name: 'GPPART_DATABASE_URL', valueFrom: { secretKeyRef: { name: secret, key: 'database-url' } } },
                  { name: 'GPPART_NOTIFY_URL', valueFrom: { secretKeyRef: { name: secret, key: 'notify-url', optional: true } } },
                ],
                volumeMounts: [{ name: 'policy', mountPath: POLICY_DIR, readOnly: true }],
              }],
              volumes: [{ name: 'policy', configMap: { name: `${name}-policy` } }],
            },
          },
        },
      },
    },
  };

  const docs = [configMap, cronJob].map((o) => new Document(o, { aliasDuplicateObjects: false }).toString({ lineWidth: 0 }));
  const text = [
    `# ${name}: gppart apply for the tables of ${job.policyFileShown}, ${describeSchedule(job.schedule)}.`,
    ...provenance(job, 'kubernetes').map((l) => `# ${l}`),
    `# Kubernetes 1.27+ (CronJob timeZone, Job podFailurePolicy). Apply with kubectl apply -n NAMESPACE -f FILE.`,
    `# The database: key database-url of Secret ${secret} (and optionally notify-url), e.g.`,
    `#   kubectl create secret generic ${secret} --from-literal=database-url='postgres://...'`,
    `# Exit codes: ${EXIT.nothingToDo} nothing to do, ${EXIT.changes} applied, ${EXIT.partlyApplied} partly applied (the Job succeeds); ${EXIT.refused} refused, ${EXIT.failed} failed`,
    `# (the Job fails at once); ${EXIT.busy} busy (retried up to ${job.schedule.retries} times). See docs/scheduling.md.`,
    docs.join('---\n'),
  ].join('\n');
  return { name: `${name}.yaml`, text };
}
