// The confirmation question. Reads one line from stdin even when it is a pipe, so
// `echo yes | gppart apply` works; end of input means no.
import { createInterface } from 'node:readline';

export async function askYes(question: string): Promise<boolean> {
  process.stdout.write(question);
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    const answer = await new Promise<string | null>((resolve) => {
      rl.once('line', (line) => resolve(line));
      rl.once('close', () => resolve(null));
    });
    if (answer === null) process.stdout.write('\n');
    return answer?.trim() === 'yes';
  } finally {
    rl.close();
  }
}
