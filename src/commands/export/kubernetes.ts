import { Flags } from '@oclif/core';
import { GppartCommand } from '../../cli/base.js';
import { emit, exportFlags, readExportInput } from '../../cli/export.js';
import { kubernetesManifest } from '../../export/kubernetes.js';
import { WorkflowError } from '../../workflow/planning.js';

export default class ExportKubernetes extends GppartCommand {
  static override summary = 'Write a Kubernetes CronJob (and the ConfigMap with its policy) that applies the policy on its schedule.';
  static override description = 'concurrencyPolicy Forbid, the schedule\'s time zone, GPPART_DATABASE_URL from a Secret (key database-url; GPPART_NOTIFY_URL from its optional key notify-url), and a podFailurePolicy that retries only a run that could not get a lock. Needs Kubernetes 1.27+.';
  static override examples = ['<%= config.bin %> export kubernetes -c gppart.yaml --image registry.example.com/gppart:0.1.0 | kubectl apply -n dwh -f -'];
  static override flags = {
    ...exportFlags,
    image: Flags.string({ description: 'The container image, with gppart on its PATH (required).', helpValue: 'IMAGE' }),
    secret: Flags.string({ description: 'The Secret with key database-url. Default: schedule.connection as a Kubernetes name.', helpValue: 'NAME' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ExportKubernetes);
    if (!flags.image) throw new WorkflowError('--image is required: the container image the CronJob runs, with gppart on its PATH (docker/gppart/Dockerfile builds one)');
    if (flags.secret !== undefined && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(flags.secret)) {
      throw new WorkflowError(`--secret ${flags.secret}: not a Kubernetes name (lower-case letters, digits, - and .)`);
    }
    const input = readExportInput(flags.config);
    process.stdout.write(emit([kubernetesManifest(input.job, input.text, { image: flags.image, ...(flags.secret ? { secret: flags.secret } : {}) })], flags.out));
  }
}
