// The confirmation question. Reads one line from stdin even when it is a pipe, so
// `echo yes | gppart apply` works; end of input means no. Only `yes` itself is yes, as in
// Terraform: not ' yes', 'yes please' or 'YES' (a CR from a Windows pipe is not part of the answer).
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
    return answer?.replace(/\r$/, '') === 'yes';
  } finally {
    rl.close();
  }
}
