// What must never appear in any output: AWS secret keys and session tokens from the environment.
// Apart from the SDK so that every command can redact them without loading it (~0.5 s).
export function s3Secrets(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN].filter((s): s is string => !!s);
}
