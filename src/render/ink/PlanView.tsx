// The plan for a person at a terminal: per table, every step with a coloured symbol per kind, what
// it does to rows, who waits for it and why, then the layout as a diff; ends with the summary line.
// Nothing a reviewer approves is hidden: every step and every changed partition is shown, and only
// runs of unchanged partitions are folded into one line with their count. Long lines wrap at the
// terminal's width under their own start (hanging indents), so a long headline still reads as one
// step; the wrapping is done here, at word boundaries, for the width the view is rendered at.
import { createContext, useContext, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import wrapAnsi from 'wrap-ansi';
import type { Plan, Step, StepKind, TablePlan } from '../../plan/model.js';
import { boundFormat, headerLines, KIND_SYMBOL, stepHeadline, stepVolume, summaryLine, tableFacts } from '../text.js';
import { layoutChanged, layoutDiff, layoutDiffLines, layoutHeading } from '../layout-diff.js';
import { impactLine, stepImpact, type Throughput } from '../impact.js';
import { term } from '../escape.js';

export const KIND_INK_COLOR: Record<StepKind, string> = { split: 'green', merge: 'yellow', move: 'cyan', unload: 'magenta', drop: 'red', purge: 'red', detach: 'red' };

export interface PlanViewProps {
  plan: Plan;
  /** Past rows per second per kind on this database, for duration estimates. */
  throughput?: Throughput;
  /** The width the view is laid out for (the terminal's). */
  columns?: number;
}

/** The terminal width every wrapped line is laid out for. */
export const Columns = createContext(100);

export function StepSymbol({ kind }: { kind: StepKind }) {
  return (
    <Text color={KIND_INK_COLOR[kind]} bold>
      {KIND_SYMBOL[kind]} {kind.padEnd(6)}
    </Text>
  );
}

/** Text wrapped at word boundaries to what is left of the line after `indent` columns. */
export function Wrapped({ text, indent, color, dim, bold }: { text: string; indent: number; color?: string; dim?: boolean; bold?: boolean }) {
  const columns = useContext(Columns);
  // Leading spaces are the text's own indentation: kept on every line it wraps to.
  const lead = /^ */.exec(text)![0];
  const width = Math.max(20, columns - indent - lead.length);
  const lines = wrapAnsi(text.slice(lead.length), width, { hard: true, trim: true }).split('\n');
  return (
    <Text color={color} dimColor={dim} bold={bold}>
      {lines.map((l) => lead + l).join('\n')}
    </Text>
  );
}

/** A fixed-width label with the rest of the line beside it: what wraps stays right of the label. */
export function Hanging({ label, width, children }: { label: ReactNode; width: number; children: ReactNode }) {
  return (
    <Box>
      <Box width={width} flexShrink={0}>
        {label}
      </Box>
      <Box flexDirection="column" flexGrow={1} flexShrink={1}>
        {children}
      </Box>
    </Box>
  );
}

interface StepRowProps {
  plan: Plan;
  table: TablePlan;
  step: Step;
  n: number;
  numberWidth: number;
  throughput: Throughput | undefined;
}

const STEP_MARGIN = 2;

function StepRow({ plan, table, step, n, numberWidth, throughput }: StepRowProps) {
  const label = numberWidth + 2 + 9;
  const indent = STEP_MARGIN + label;
  return (
    <Box marginLeft={STEP_MARGIN}>
      <Hanging
        width={label}
        label={
          <Text>
            {String(n).padStart(numberWidth)}. <StepSymbol kind={step.kind} />
          </Text>
        }
      >
        <Wrapped text={stepHeadline(step, boundFormat(table))} indent={indent} />
        <Text dimColor>
          {stepVolume(step)}
          {step.destructive ? (
            <Text color="red" bold dimColor={false}>
              {'  DESTRUCTIVE'}
            </Text>
          ) : null}
        </Text>
        <Wrapped text={impactLine(stepImpact(step, table, plan.server.dialect, throughput))} indent={indent} dim />
        <Wrapped text={`why: ${term(step.reason)}`} indent={indent} dim />
      </Hanging>
    </Box>
  );
}

const LAYOUT_MARGIN = 2;

function LayoutDiffView({ table }: { table: TablePlan }) {
  const f = boundFormat(table);
  const d = layoutDiff(table.layoutBefore, table.layoutAfter, f, { rows: true });
  if (!layoutChanged(d)) return null;
  return (
    <Box flexDirection="column" marginLeft={LAYOUT_MARGIN}>
      <Text dimColor>{layoutHeading(d, { rows: true })}</Text>
      {layoutDiffLines(d, f, { rows: true }).map((l, i) => {
        const color = l.op === '+' ? 'green' : l.op === '-' ? 'red' : undefined;
        return (
          <Hanging key={i} width={2} label={<Text color={color}>{l.op}</Text>}>
            <Wrapped text={l.text} indent={LAYOUT_MARGIN + 2} color={color} dim={l.op === ' '} />
          </Hanging>
        );
      })}
    </Box>
  );
}

function TableView({ plan, table, throughput }: { plan: Plan; table: TablePlan; throughput: Throughput | undefined }) {
  const numberWidth = Math.max(2, String(table.steps.length).length);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>
        <Text bold>{term(table.table)}</Text>
        <Text dimColor>
          {'  '}
          {tableFacts(table)}, {table.steps.length} step(s)
        </Text>
      </Text>
      {table.steps.length === 0 ? <Text dimColor>{'  '}no changes</Text> : null}
      {table.steps.map((s, i) => (
        <StepRow key={i} plan={plan} table={table} step={s} n={i + 1} numberWidth={numberWidth} throughput={throughput} />
      ))}
      {table.deferred ? <Text dimColor>{'  '}… {table.deferred} more step(s) deferred by max_steps_per_table; the next run plans them</Text> : null}
      {table.warnings.map((w, i) => (
        <Box key={i} marginLeft={2}>
          <Hanging width={9} label={<Text color="yellow">warning:</Text>}>
            <Wrapped text={term(w)} indent={2 + 9} />
          </Hanging>
        </Box>
      ))}
      <LayoutDiffView table={table} />
    </Box>
  );
}

export function PlanView({ plan, throughput, columns = 100 }: PlanViewProps) {
  return (
    <Columns.Provider value={columns}>
      <Box flexDirection="column">
        {headerLines(plan).map((l, i) => (
          <Text key={i} dimColor>
            {l}
          </Text>
        ))}
        {plan.tables.map((t) => (
          <TableView key={t.table} plan={plan} table={t} throughput={throughput} />
        ))}
        <Box marginTop={1}>
          <Text bold>{summaryLine(plan)}</Text>
        </Box>
      </Box>
    </Columns.Provider>
  );
}
