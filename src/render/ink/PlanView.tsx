// The plan for a person at a terminal: per table, its steps with a coloured symbol per kind, the
// partitions before → after, rows and bytes, and the layout as a diff; ends with the summary line.
// Long plans are collapsed (first `maxSteps` steps per table, changed layout lines with a little
// context); `--format text` prints everything.
import { Box, Text } from 'ink';
import type { Plan, Step, StepKind, TablePlan } from '../../plan/model.js';
import { formatBytes, formatCount, headerLines, KIND_SYMBOL, stepHeadline, summaryLine } from '../text.js';
import { foldUnchanged, layoutChanged, layoutDiff } from '../layout-diff.js';
import { term } from '../escape.js';

export const KIND_INK_COLOR: Record<StepKind, string> = { split: 'green', merge: 'yellow', move: 'cyan', unload: 'magenta', drop: 'red', purge: 'red', detach: 'red' };

export interface PlanViewProps {
  plan: Plan;
  /** Steps shown per table before the rest is collapsed into one line. */
  maxSteps?: number;
  /** Layout diff lines shown per table before the rest is collapsed. */
  maxLayoutLines?: number;
}

export function StepSymbol({ kind }: { kind: StepKind }) {
  return (
    <Text color={KIND_INK_COLOR[kind]} bold>
      {KIND_SYMBOL[kind]} {kind.padEnd(6)}
    </Text>
  );
}

function StepRow({ step, n }: { step: Step; n: number }) {
  return (
    <Box flexDirection="column" marginLeft={2}>
      <Text>
        {String(n).padStart(2)}. <StepSymbol kind={step.kind} /> {stepHeadline(step)}
      </Text>
      <Box marginLeft={14} flexDirection="column">
        <Text dimColor>
          moves ~{formatCount(step.estimatedRows)} rows, ~{formatBytes(step.estimatedBytes)}
          {step.destructive ? <Text color="red" bold dimColor={false}>{'  DESTRUCTIVE'}</Text> : null}
        </Text>
      </Box>
    </Box>
  );
}

function LayoutDiffView({ table, maxLines }: { table: TablePlan; maxLines: number }) {
  const d = layoutDiff(table.layoutBefore, table.layoutAfter);
  if (!layoutChanged(d)) return null;
  const folded = foldUnchanged(d, 1);
  const shown = folded.slice(0, maxLines);
  const hidden = folded.length - shown.length;
  return (
    <Box flexDirection="column" marginLeft={4} marginTop={0}>
      <Text dimColor>layout before → after:</Text>
      {shown.map((l, i) => (
        <Text key={i} color={l.op === '+' ? 'green' : l.op === '-' ? 'red' : undefined} dimColor={l.op === ' '}>
          {l.op} {term(l.line)}
        </Text>
      ))}
      {hidden > 0 ? <Text dimColor>… {hidden} more layout line(s) (gppart plan --format text | less, or --format markdown)</Text> : null}
    </Box>
  );
}

function TableView({ table, maxSteps, maxLayoutLines }: { table: TablePlan; maxSteps: number; maxLayoutLines: number }) {
  const shown = table.steps.slice(0, maxSteps);
  const more = table.steps.length - shown.length;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>
        <Text bold>{term(table.table)}</Text>
        <Text dimColor>
          {'  '}key {term(table.keyColumn)} {table.keyType}, lock {table.lock.mode}, {table.steps.length} step(s)
        </Text>
      </Text>
      {table.steps.length === 0 ? <Text dimColor>{'  '}no changes</Text> : null}
      {shown.map((s, i) => (
        <StepRow key={i} step={s} n={i + 1} />
      ))}
      {more > 0 ? <Text dimColor>{'  '}… {more} more step(s) (use --format text for all)</Text> : null}
      {table.deferred ? <Text dimColor>{'  '}… {table.deferred} more step(s) deferred by max_steps_per_table</Text> : null}
      {table.warnings.map((w, i) => (
        <Text key={i}>
          {'  '}
          <Text color="yellow">warning:</Text> {term(w)}
        </Text>
      ))}
      <LayoutDiffView table={table} maxLines={maxLayoutLines} />
    </Box>
  );
}

export function PlanView({ plan, maxSteps = 10, maxLayoutLines = 12 }: PlanViewProps) {
  return (
    <Box flexDirection="column">
      {headerLines(plan).map((l, i) => (
        <Text key={i} dimColor>
          {l}
        </Text>
      ))}
      {plan.tables.map((t) => (
        <TableView key={t.table} table={t} maxSteps={maxSteps} maxLayoutLines={maxLayoutLines} />
      ))}
      <Box marginTop={1}>
        <Text bold>{summaryLine(plan)}</Text>
      </Box>
    </Box>
  );
}
